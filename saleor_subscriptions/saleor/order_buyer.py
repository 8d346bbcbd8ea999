"""What a sign-up order says about the buyer and the tax of its lines, for the first invoice (EU VAT
directive art. 226): the buyer's VAT number from the order's metadata (`VAT_NUMBER_KEY`, which Saleor copied
from the checkout's), and Saleor's `taxRate` of an order line."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from saleor_subscriptions.invoicing.parties import VAT_NUMBER_KEY
from saleor_subscriptions.saleor.webhooks.base import BadPayload
from saleor_subscriptions.tenants.seller import normal_vat_number, vat_number_problem


def tax_rate_of(value: Any, line_id: str) -> Decimal | None:
    """An order line's `taxRate` (a fraction) at 4 places, None when absent; BadPayload when not a rate."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise BadPayload(f"line {line_id}: taxRate is not a number: {value!r}")
    try:
        rate = Decimal(str(value)).quantize(Decimal("0.0001"))
    except InvalidOperation:
        raise BadPayload(f"line {line_id}: taxRate is not a number: {value!r}") from None
    if not rate.is_finite() or rate < 0:
        raise BadPayload(f"line {line_id}: taxRate is not a rate: {value!r}")
    return rate


def vat_number_of(order: Mapping[str, Any], warnings: list[str]) -> str:
    """The buyer's VAT number from the order's metadata (`VAT_NUMBER_KEY`), normalised; a number that is
    no VAT number is left off the invoices with a warning for the shop."""
    items = order.get("metadata") or []
    given = next(
        (
            str(item.get("value") or "")
            for item in items
            if isinstance(item, Mapping) and item.get("key") == VAT_NUMBER_KEY
        ),
        "",
    )
    number = normal_vat_number(given)
    if not number:
        return ""
    problem = vat_number_problem(number)
    if problem is not None:
        warnings.append(f"the order's {VAT_NUMBER_KEY} is left off its invoices: {problem}")
        return ""
    return number
