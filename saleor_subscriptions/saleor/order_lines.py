"""How an invoice becomes the lines of its Saleor order, to the cent (BILLING_RULES §3, §4).

Saleor's draft orders have no free-text lines: every line is a variant with a quantity, and Saleor ships
what the lines say. So the renewal order holds the plan's variant once, at the subscription's quantity, and
that line carries the whole invoice before credit: plan or proration, setup fee and usage, less discounts
(the credit is paid from the balance after Saleor's taxes, and recorded on the order as a transaction).
`sum(quantity * unit price)` of the order lines is exactly the invoice's amount before credit; when one unit
price cannot carry it (10.00 over 3 units), the line is split in two at prices one minor unit apart
(2 * 3.33 + 1 * 3.34). The invoice's own lines, which explain every figure, go into the order's metadata.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

from saleor_subscriptions.billing.money import format_amount, is_representable, minor_unit
from saleor_subscriptions.renewals.ports import OrderLine

#: Metadata keys on a renewal order and its lines. Not `subscription.plan`: that key makes activation start
#: a subscription from an order line, and a renewal order must never start another one.
SUBSCRIPTION = "subscription.renewal.subscription"
INVOICE = "subscription.renewal.invoice"
INVOICE_LINES = "subscription.renewal.lines"
#: Written when the order is made, so that an order found under an invoice number is taken only when it is
#: provably this invoice's: this database's installation token, the invoice's row, its period and amount.
OWNER = "subscription.renewal.owner"
PERIOD = "subscription.renewal.period"
AMOUNT = "subscription.renewal.amount"

#: Invoice line kinds that carry the plan itself: their quantity is the number of units shipped.
_PLAN_KINDS = ("plan", "proration", "trial")


class UnorderableInvoice(ValueError):
    """The invoice cannot become an order: no lines, a negative amount, or an amount not in whole cents."""


@dataclass(frozen=True)
class SaleorLine:
    """One order line of the plan's variant: `quantity` units at `unit_price` (in the channel's currency)."""

    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


def units_shipped(lines: Sequence[OrderLine], fallback: int) -> int:
    """How many units of the variant the order holds: the quantity of the invoice's plan line, or the
    subscription's quantity when the invoice has none (a setup fee or usage alone)."""
    for line in lines:
        whole = line.quantity == line.quantity.to_integral_value()
        if line.kind in _PLAN_KINDS and whole and line.quantity >= 1:
            return int(line.quantity)
    return max(fallback, 1)


def amount_before_credit(lines: Sequence[OrderLine], currency: str) -> Decimal:
    """The sum of the invoice's lines without its credit line; UnorderableInvoice when it is negative or not
    a whole number of minor units."""
    if not lines:
        raise UnorderableInvoice("the invoice has no lines to order")
    total = sum((line.amount for line in lines if line.kind != "credit"), Decimal(0))
    if total < 0:
        raise UnorderableInvoice(f"the invoice's lines come to {total} {currency}, below zero")
    if not is_representable(total, currency):
        raise UnorderableInvoice(f"{total} is not a whole number of {currency} minor units")
    return total


def split_lines(total: Decimal, quantity: int, currency: str) -> list[SaleorLine]:
    """`quantity` units whose prices add up to exactly `total`: one line when `total / quantity` is a whole
    number of minor units, else two lines at prices one minor unit apart (never a lost cent)."""
    if quantity < 1:
        raise UnorderableInvoice(f"an order line needs at least one unit, not {quantity}")
    step = minor_unit(currency)
    low = (total / quantity).quantize(step, rounding=ROUND_FLOOR)
    higher_units = int((total - low * quantity) / step)
    lines = [SaleorLine(quantity - higher_units, low)]
    if higher_units:
        lines.append(SaleorLine(higher_units, low + step))
    result = [line for line in lines if line.quantity > 0]
    if sum((line.amount for line in result), Decimal(0)) != total:  # pragma: no cover - arithmetic guard
        raise UnorderableInvoice(f"cannot split {total} {currency} over {quantity} units")
    return result


def order_lines_for(lines: Sequence[OrderLine], quantity: int, currency: str) -> list[SaleorLine]:
    """The Saleor lines of an invoice: its amount before credit over the units shipped."""
    return split_lines(amount_before_credit(lines, currency), units_shipped(lines, quantity), currency)


def invoice_lines_metadata(lines: Sequence[OrderLine], currency: str) -> str:
    """The invoice's lines as the JSON kept in the order's metadata: what the single order line is made of."""
    return json.dumps(
        [
            {
                "kind": line.kind,
                "description": line.description,
                "quantity": format(line.quantity.normalize(), "f"),
                "amount": format_amount(line.amount, currency),
            }
            for line in lines
            if line.kind != "credit"
        ],
        ensure_ascii=False,
        separators=(",", ":"),
    )


def money(amount: Decimal, currency: str) -> str:
    """An amount as Saleor's PositiveDecimal input: plain text with the currency's minor units."""
    return format_amount(amount, currency)
