"""Named points where the crash-safety tests kill a renewal process (SIGKILL), between two stored steps.

`SALEOR_SUBSCRIPTIONS_CRASH_AT=name:n` kills the process the n-th time it passes point `name`. Unset (always,
outside those tests) a crash point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

_PLAN = os.environ.get("SALEOR_SUBSCRIPTIONS_CRASH_AT", "")
_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Die here, without cleaning up, when the crash plan names this point and its count is reached."""
    if not _PLAN:
        return
    target, _, count = _PLAN.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
