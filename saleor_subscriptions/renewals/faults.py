"""Named points where the crash-safety tests kill a renewal process (SIGKILL), between two stored steps.

`SALEOR_SUBSCRIPTIONS_CRASH_AT=name:n` kills the process the n-th time it passes point `name`, and only when
the test hooks are on (`TEST_HOOKS`, which production settings refuse; conf/deployment.py). Unset (always,
outside those tests) a crash point costs one dictionary look-up.
"""

from __future__ import annotations

import os
import signal

from django.conf import settings

_passes: dict[str, int] = {}


def crash_point(name: str) -> None:
    """Die here, without cleaning up, when the crash plan names this point and its count is reached."""
    plan = os.environ.get("SALEOR_SUBSCRIPTIONS_CRASH_AT")
    if not plan or not settings.TEST_HOOKS:
        return
    target, _, count = plan.partition(":")
    if target != name:
        return
    _passes[name] = _passes.get(name, 0) + 1
    if _passes[name] >= int(count or 1):
        os.kill(os.getpid(), signal.SIGKILL)
