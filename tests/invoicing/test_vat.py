"""VAT per rate (VAT directive art. 226): an invoice's lines summed per Saleor rate, and a credit's amount
split back over the rates of the invoice it corrects, reversed, adding up to the cent."""

from __future__ import annotations

from decimal import Decimal

from saleor_subscriptions.invoicing.models import InvoiceLine
from saleor_subscriptions.invoicing.vat import RateTotal, split_credit, vat_by_rate

D = Decimal


def _line(kind: str, amount: str, tax: str, rate: str | None) -> InvoiceLine:
    return InvoiceLine(
        kind=kind,
        amount=D(amount),
        unit_amount=D(amount),
        tax_amount=D(tax),
        tax_rate=D(rate) if rate is not None else None,
    )


def test_lines_are_summed_per_rate_highest_first_unknown_last_and_credit_left_out() -> None:
    lines = [
        _line("plan", "78.00", "16.38", "0.2100"),
        _line("shipping", "4.95", "0.45", "0.0900"),
        _line("discount", "-7.80", "-1.64", "0.21"),
        _line("usage", "10.00", "0.00", None),
        _line("credit", "-20.00", "0", None),
    ]

    assert vat_by_rate(lines) == [
        RateTotal(D("0.21"), D("70.20"), D("14.74")),
        RateTotal(D("0.09"), D("4.95"), D("0.45")),
        RateTotal(None, D("10.00"), D("0.00")),
    ]


def test_a_credit_is_split_over_the_rates_by_gross_reversed_and_adds_up_to_its_amount() -> None:
    rates = [RateTotal(D("0.21"), D("100.00"), D("21.00")), RateTotal(D("0.09"), D("10.00"), D("0.90"))]

    parts = split_credit(D("50.00"), rates, "EUR")

    # 121.00 and 10.90 of 131.90 gross: 45.87 and 4.13; each split into net and VAT at its rate.
    assert parts == [
        RateTotal(D("0.21"), D("-37.91"), D("-7.96")),
        RateTotal(D("0.09"), D("-3.79"), D("-0.34")),
    ]
    assert -sum(part.gross for part in parts) == D("50.00")


def test_a_credit_without_an_invoice_is_one_part_without_a_rate() -> None:
    assert split_credit(D("19.50"), [], "EUR") == [RateTotal(None, D("-19.50"), D(0))]
