"""Global ids: base64 of "Type:<id>", as Saleor writes them (plans: `catalog.mirror.plan_global_id`)."""

from __future__ import annotations

import base64
import binascii

from saleor_subscriptions.catalog.mirror import GLOBAL_ID_TYPE


def parse_plan_id(global_id: str) -> int | None:
    """The plan id of a plan's global id; None when the text is not one."""
    try:
        decoded = base64.b64decode(global_id.strip(), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    kind, _, number = decoded.partition(":")
    if kind != GLOBAL_ID_TYPE or not number.isdigit() or not number.isascii():
        return None
    value = int(number)
    return value if 0 < value < 2**63 else None
