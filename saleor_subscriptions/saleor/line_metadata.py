"""The metadata on a checkout line that makes it a subscription line (Saleor copies it to the order line).

The checkout hook (`subscriptionCheckoutLinesAdd`) writes it; activation (ORDER_CREATED / ORDER_FULLY_PAID)
reads it back from the order line to start one subscription per line. Keys:

| key | value |
|---|---|
| `subscription.plan` | the plan's API id (`UGxhbjox`: base64 of `Plan:1`), as the API gives it (¹) |
| `subscription.plan_version` | the plan version id the first charge was priced with (decimal string) |
| `subscription.discount_code` | the discount code given at checkout, when there was one |
| `subscription.first_charge` | the unit price charged for the first charge (decimal string), for the record |

(¹) A bare decimal row id, as older lines hold, is read too.

Anything else on the line is left alone; a line without `subscription.plan` is a normal product.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

PLAN = "subscription.plan"
PLAN_VERSION = "subscription.plan_version"
DISCOUNT_CODE = "subscription.discount_code"
FIRST_CHARGE = "subscription.first_charge"
KEYS = (PLAN, PLAN_VERSION, DISCOUNT_CODE, FIRST_CHARGE)
PLAN_ID_TYPE = "Plan"


class BadLineMetadata(ValueError):
    """A line names a plan but its subscription metadata is not what the checkout hook writes."""


@dataclass(frozen=True)
class SubscriptionLine:
    plan_id: int
    plan_version_id: int
    discount_code: str
    first_charge: Decimal | None


def as_dict(items: Iterable[Mapping[str, str]] | Mapping[str, str]) -> dict[str, str]:
    """Saleor's `[{key, value}]` metadata as a dict (a dict passes through)."""
    if isinstance(items, Mapping):
        return dict(items)
    return {str(item["key"]): str(item["value"]) for item in items}


def plan_api_id(plan_id: int) -> str:
    """The plan's id in the app's API (and in the mirrored variant metadata): base64 of "Plan:<id>"."""
    return base64.b64encode(f"{PLAN_ID_TYPE}:{plan_id}".encode()).decode("ascii")


def plan_id_of(value: str) -> int:
    """The plan row id a line names, by its API id or (lines written before) its bare row id."""
    if value.isdigit() and int(value) >= 1:
        return int(value)
    try:
        kind, _, number = base64.b64decode(value, validate=True).decode("ascii").partition(":")
    except (binascii.Error, UnicodeDecodeError):
        kind, number = "", ""
    if kind != PLAN_ID_TYPE or not number.isdigit() or int(number) < 1:
        raise BadLineMetadata(f"{PLAN} must name a plan by its API id (Plan:<n> in base64), got {value!r}")
    return int(number)


def encode(line: SubscriptionLine) -> list[dict[str, str]]:
    """The `[{key, value}]` list for a checkout line's `metadata`."""
    items = [
        {"key": PLAN, "value": plan_api_id(line.plan_id)},
        {"key": PLAN_VERSION, "value": str(line.plan_version_id)},
    ]
    if line.discount_code:
        items.append({"key": DISCOUNT_CODE, "value": line.discount_code})
    if line.first_charge is not None:
        items.append({"key": FIRST_CHARGE, "value": str(line.first_charge)})
    return items


def _positive_int(metadata: Mapping[str, str], key: str) -> int:
    value = metadata.get(key, "")
    if not value.isdigit() or int(value) < 1:
        raise BadLineMetadata(f"{key} must be a positive integer, got {value!r}")
    return int(value)


def decode(metadata: Iterable[Mapping[str, str]] | Mapping[str, str]) -> SubscriptionLine | None:
    """The subscription a line stands for; None for a normal product line; BadLineMetadata if half-written."""
    values = as_dict(metadata)
    if PLAN not in values:
        return None
    first_charge: Decimal | None = None
    if values.get(FIRST_CHARGE):
        try:
            first_charge = Decimal(values[FIRST_CHARGE])
        except InvalidOperation:
            raise BadLineMetadata(f"{FIRST_CHARGE} is not a decimal: {values[FIRST_CHARGE]!r}") from None
    return SubscriptionLine(
        plan_id=plan_id_of(values[PLAN]),
        plan_version_id=_positive_int(values, PLAN_VERSION),
        discount_code=values.get(DISCOUNT_CODE, ""),
        first_charge=first_charge,
    )
