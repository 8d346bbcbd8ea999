"""An invoice takes its Saleor order's totals with lines that still add up (BILLING_RULES §3, §4): Saleor's
shipping becomes a line with its tax, and the order's tax is shared over the lines to the cent."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine
from saleor_subscriptions.renewals.order_totals import share_tax, take_order_totals
from saleor_subscriptions.renewals.ports import PlacedOrder


def invoice(currency: str = "EUR") -> Invoice:
    return Invoice(
        installation_id=1,
        currency=currency,
        period_index=1,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
        due_at=datetime(2026, 12, 1, tzinfo=UTC),
    )


def line(position: int, kind: str, amount: str) -> InvoiceLine:
    return InvoiceLine(
        installation_id=1,
        position=position,
        kind=kind,
        description=kind,
        unit_amount=Decimal(amount),
        amount=Decimal(amount),
    )


def test_shipping_becomes_a_line_and_the_lines_add_up_to_saleors_net_and_tax():
    bill = invoice()
    lines = [line(1, "plan", "39.00"), line(2, "usage", "10.00"), line(3, "discount", "-3.90")]
    order = PlacedOrder(
        "o1",
        net=Decimal("50.05"),
        tax=Decimal("10.51"),
        gross=Decimal("60.56"),
        shipping_net=Decimal("4.95"),
        shipping_tax=Decimal("1.04"),
        shipping_name="PostNL",
    )

    new, changed = take_order_totals(bill, lines, order)

    [shipping] = new
    assert (shipping.kind, shipping.position, shipping.description) == ("shipping", 4, "Shipping: PostNL")
    assert (shipping.amount, shipping.tax_amount) == (Decimal("4.95"), Decimal("1.04"))
    assert lines[-1] is shipping
    assert (bill.saleor_order_id, bill.subtotal, bill.tax, bill.total, bill.amount_due) == (
        "o1",
        Decimal("50.05"),
        Decimal("10.51"),
        Decimal("60.56"),
        Decimal("60.56"),
    )
    # 9.47 of tax on 45.10 of lines: 8.19 + 2.10 - 0.82 = 9.47
    assert [entry.tax_amount for entry in lines] == [
        Decimal("8.19"),
        Decimal("2.10"),
        Decimal("-0.82"),
        Decimal("1.04"),
    ]
    assert sum(entry.amount for entry in lines) == bill.subtotal
    assert sum(entry.tax_amount for entry in lines) == bill.tax
    assert changed == lines[:3]


def test_taxed_lines_take_saleors_rate_of_the_order_lines_and_shipping_its_own_and_credit_none():
    bill = invoice()
    lines = [line(1, "plan", "39.00"), line(2, "credit", "-5.00")]
    order = PlacedOrder(
        "o1",
        net=Decimal("43.95"),
        tax=Decimal("8.64"),
        gross=Decimal("52.59"),
        shipping_net=Decimal("4.95"),
        shipping_tax=Decimal("0.45"),
        shipping_name="PostNL",
        tax_rate=Decimal("0.2100"),
        shipping_tax_rate=Decimal("0.0900"),
    )

    take_order_totals(bill, lines, order)

    assert [(entry.kind, entry.tax_rate) for entry in lines] == [
        ("plan", Decimal("0.2100")),
        ("credit", None),
        ("shipping", Decimal("0.0900")),
    ]


def test_taking_the_totals_again_adds_no_second_shipping_line_and_changes_nothing():
    bill = invoice()
    lines = [line(1, "plan", "20.00")]
    order = PlacedOrder(
        "o1", Decimal("24.95"), Decimal("5.24"), Decimal("30.19"), Decimal("4.95"), Decimal("1.04")
    )
    take_order_totals(bill, lines, order)

    assert take_order_totals(bill, lines, order) == ([], [])
    assert [entry.kind for entry in lines] == ["plan", "shipping"]


def test_a_credit_line_takes_no_tax_and_an_order_without_shipping_gets_no_shipping_line():
    bill = invoice()
    lines = [line(1, "plan", "30.00"), line(2, "credit", "-10.00")]

    new, _ = take_order_totals(
        bill, lines, PlacedOrder("o1", Decimal("20.00"), Decimal("6.30"), Decimal("26.30"))
    )

    assert new == []
    assert [entry.tax_amount for entry in lines] == [Decimal("6.30"), Decimal(0)]


def test_shares_of_tax_are_rounded_to_the_currency_and_the_remainder_goes_to_the_largest_line():
    lines = [line(1, "plan", "10.00"), line(2, "usage", "10.00"), line(3, "usage", "10.00")]
    assert share_tax(Decimal("1.00"), lines, "EUR") == [Decimal("0.34"), Decimal("0.33"), Decimal("0.33")]
    assert share_tax(Decimal("100"), lines, "JPY") == [Decimal("34"), Decimal("33"), Decimal("33")]
    assert share_tax(Decimal("0"), lines, "EUR") == [Decimal("0.00")] * 3
    assert share_tax(Decimal("1.00"), [], "EUR") == []
