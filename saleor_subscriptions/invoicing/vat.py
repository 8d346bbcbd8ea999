"""VAT per rate (EU VAT directive 2006/112/EC, article 226, items 8-10): the net and the VAT of an invoice's
lines grouped by Saleor's rate, and a credit note's amount split back into net and VAT at the rates of the
invoice it corrects.

A line's rate is Saleor's (`InvoiceLine.tax_rate`, a fraction); a line Saleor did not give one for is grouped
under None. Credit lines are the app's own (applied after Saleor's taxes) and are not in any group.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from saleor_subscriptions.billing.lines import LineKind
from saleor_subscriptions.billing.money import round_to_minor_unit
from saleor_subscriptions.invoicing.models import InvoiceLine


@dataclass(frozen=True)
class RateTotal:
    """The lines at one VAT rate: `rate` a fraction (0.21) or None when not known; `net` and `tax` summed."""

    rate: Decimal | None
    net: Decimal
    tax: Decimal

    @property
    def gross(self) -> Decimal:
        return self.net + self.tax


def vat_by_rate(lines: Iterable[InvoiceLine]) -> list[RateTotal]:
    """The invoice's net and VAT per rate, highest rate first, the unknown rate last."""
    sums: dict[Decimal | None, tuple[Decimal, Decimal]] = {}
    for line in lines:
        if line.kind == LineKind.CREDIT.value:
            continue
        rate = line.tax_rate.normalize() if line.tax_rate is not None else None
        net, tax = sums.get(rate, (Decimal(0), Decimal(0)))
        sums[rate] = (net + line.amount, tax + line.tax_amount)
    return sorted(
        (RateTotal(rate, net, tax) for rate, (net, tax) in sums.items()),
        key=lambda total: (total.rate is None, -(total.rate or 0)),
    )


def split_credit(amount: Decimal, rates: list[RateTotal], currency: str) -> list[RateTotal]:
    """A credit of `amount` (gross) as net and VAT per rate, reversed (negative), in the proportions of the
    gross per rate of the invoice it corrects; the rounding rest goes to the largest share, so the parts
    add up to `amount` exactly. Without rates (no invoice, or one without VAT) it is one part at no rate."""
    taxed = [total for total in rates if total.gross > 0]
    base = sum((total.gross for total in taxed), Decimal(0))
    if not taxed or base <= 0:
        return [RateTotal(None, -amount, Decimal(0))]
    grosses = [round_to_minor_unit(amount * total.gross / base, currency) for total in taxed]
    largest = max(range(len(taxed)), key=lambda i: grosses[i])
    grosses[largest] += amount - sum(grosses, Decimal(0))
    parts = []
    for total, gross in zip(taxed, grosses, strict=True):
        rate = total.rate if total.rate is not None else Decimal(0)
        net = round_to_minor_unit(gross / (1 + rate), currency)
        parts.append(RateTotal(total.rate, -net, -(gross - net)))
    return parts
