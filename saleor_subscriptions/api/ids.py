"""Global ids: base64 of "Type:<id>", as Saleor writes them (plans: `catalog.ids.plan_global_id`)."""

from __future__ import annotations

import base64
import binascii

from saleor_subscriptions.catalog.ids import GLOBAL_ID_TYPE

SUBSCRIPTION_TYPE = "Subscription"
MAX_GLOBAL_ID = 100


def global_id(kind: str, pk: int) -> str:
    return base64.b64encode(f"{kind}:{pk}".encode()).decode("ascii")


def parse_global_id(global_id: str, kind: str) -> int | None:
    """The database id in a global id of `kind`; None when the text is not one (or longer than any is)."""
    if len(global_id) > MAX_GLOBAL_ID:
        return None
    try:
        decoded = base64.b64decode(global_id.strip(), validate=True).decode("ascii")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    found, _, number = decoded.partition(":")
    if found != kind or not number.isdigit() or not number.isascii():
        return None
    value = int(number)
    return value if 0 < value < 2**63 else None


def parse_plan_id(global_id: str) -> int | None:
    """The plan id of a plan's global id; None when the text is not one."""
    return parse_global_id(global_id, GLOBAL_ID_TYPE)


def subscription_global_id(pk: int) -> str:
    return global_id(SUBSCRIPTION_TYPE, pk)


def parse_subscription_id(global_id: str) -> int | None:
    return parse_global_id(global_id, SUBSCRIPTION_TYPE)


USAGE_RECORD_TYPE = "UsageRecord"


def usage_record_global_id(pk: int) -> str:
    return global_id(USAGE_RECORD_TYPE, pk)
