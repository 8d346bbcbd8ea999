"""An invoice takes its Saleor order's totals, and its lines still explain every figure (BILLING_RULES §3-4).

Saleor computes the order's taxes and adds shipping when the subscription has a shipping method. So once the
order exists the invoice's net, tax and gross are Saleor's, and:

- the shipping Saleor charged becomes a `shipping` line (net, with its tax), so the lines add up to the net;
- the tax of the subscription's lines (the order's tax without the shipping tax) is shared out over the
  invoice's lines in proportion to their amounts, each rounded to the currency's minor unit, the rounding
  remainder on the largest line, so the lines' taxes add up to the order's tax to the cent.

Each taxed line takes Saleor's VAT rate of the order's lines (`PlacedOrder.tax_rate`), the shipping line the
shipping's, so the invoice can show the VAT per rate. A credit line (a change invoice's credit) is ours, not
Saleor's: it takes no tax. Running this again on an
invoice that already holds its shipping line changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from saleor_subscriptions.billing.money import minor_unit, round_to_minor_unit
from saleor_subscriptions.billing.pricing import LineKind
from saleor_subscriptions.billing.wording_lines import describe, facts
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine
from saleor_subscriptions.renewals.ports import PlacedOrder

UNTAXED_KINDS = (LineKind.CREDIT.value, LineKind.SHIPPING.value)


def take_order_totals(
    invoice: Invoice, lines: list[InvoiceLine], order: PlacedOrder, language: str = "en"
) -> tuple[list[InvoiceLine], list[InvoiceLine]]:
    """Sets the invoice's order and totals from `order` (not saved); returns the lines to insert (shipping,
    its text in `language`) and the lines whose `tax_amount` changed. `lines` is the invoice's lines in
    position order; a new line is appended to it."""
    invoice.saleor_order_id = order.order_id
    invoice.subtotal, invoice.tax, invoice.total = order.net, order.tax, order.gross
    invoice.amount_due = order.gross
    new: list[InvoiceLine] = []
    if order.shipping_net > 0 and not any(line.kind == LineKind.SHIPPING.value for line in lines):
        said = (
            facts("shipping_method", method=order.shipping_name) if order.shipping_name else facts("shipping")
        )
        text = describe(said, language)
        assert text is not None
        shipping = InvoiceLine(
            installation_id=invoice.installation_id,
            invoice=invoice,
            position=max((line.position for line in lines), default=0) + 1,
            kind=LineKind.SHIPPING.value,
            description=text.description[:300],
            reason=text.reason[:300],
            facts=dict(said),
            quantity=Decimal(1),
            unit_amount=order.shipping_net,
            amount=order.shipping_net,
            tax_amount=order.shipping_tax,
            tax_rate=order.shipping_tax_rate,
        )
        lines.append(shipping)
        new.append(shipping)
    taxed = [line for line in lines if line.kind not in UNTAXED_KINDS]
    changed: list[InvoiceLine] = []
    for line, tax in zip(
        taxed, share_tax(order.tax - order.shipping_tax, taxed, invoice.currency), strict=True
    ):
        rate = order.tax_rate if order.tax_rate is not None else line.tax_rate
        if line.tax_amount != tax or line.tax_rate != rate:
            line.tax_amount, line.tax_rate = tax, rate
            changed.append(line)
    return new, changed


def share_tax(tax: Decimal, lines: Sequence[InvoiceLine], currency: str) -> list[Decimal]:
    """`tax` over `lines` in proportion to their amounts, rounded, adding up to `tax` exactly."""
    base = sum((line.amount for line in lines), Decimal(0))
    if not lines:
        return []
    if base == 0:
        shares = [Decimal(0)] * len(lines)
    else:
        shares = [round_to_minor_unit(tax * line.amount / base, currency) for line in lines]
    rest = tax - sum(shares, Decimal(0))
    if rest:
        largest = max(range(len(lines)), key=lambda i: (abs(lines[i].amount), -i))
        shares[largest] += rest
    unit = minor_unit(currency)
    return [share.quantize(unit) for share in shares]
