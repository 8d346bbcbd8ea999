"""An invoice becomes one variant line at the subscription's quantity, split in two when one unit price cannot
carry the amount: Saleor's order adds up to the invoice's amount before credit, to the cent (§3, §4)."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saleor_subscriptions.renewals.ports import OrderLine
from saleor_subscriptions.saleor.order_lines import (
    SaleorLine,
    UnorderableInvoice,
    invoice_lines_metadata,
    order_lines_for,
    split_lines,
    units_shipped,
)


def line(kind: str, amount: str, quantity: str = "1", description: str = "") -> OrderLine:
    return OrderLine(
        kind=kind,
        description=description or kind,
        quantity=Decimal(quantity),
        unit_amount=Decimal(amount) / Decimal(quantity),
        amount=Decimal(amount),
    )


def test_a_plan_line_at_a_whole_unit_price_stays_one_line():
    assert order_lines_for([line("plan", "78.00", "2")], 2, "EUR") == [SaleorLine(2, Decimal("39.00"))]


def test_ten_euros_over_three_units_is_two_at_3_33_and_one_at_3_34():
    assert split_lines(Decimal("10.00"), 3, "EUR") == [
        SaleorLine(2, Decimal("3.33")),
        SaleorLine(1, Decimal("3.34")),
    ]


def test_setup_fee_usage_and_discount_all_ride_on_the_plan_line():
    lines = [
        line("plan", "78.00", "2"),
        line("setup_fee", "20.00", "2"),
        line("usage", "15.00", "3"),
        line("discount", "-7.80", description="Discount TEN: 10% off Monthly"),
        line("credit", "-5.00"),
    ]
    # 78 + 20 + 15 - 7.80 = 105.20 over the 2 units shipped; the credit is not part of the order.
    assert order_lines_for(lines, 2, "EUR") == [SaleorLine(2, Decimal("52.60"))]


def test_a_yen_amount_splits_in_whole_yen():
    assert split_lines(Decimal("1000"), 3, "JPY") == [
        SaleorLine(2, Decimal("333")),
        SaleorLine(1, Decimal("334")),
    ]


def test_the_units_shipped_are_the_plan_lines_quantity_else_the_subscriptions():
    assert units_shipped([line("proration", "15.00", "3")], 1) == 3
    assert units_shipped([line("usage", "5.00", "2.5")], 4) == 4


def test_a_free_period_is_still_one_line_at_zero():
    assert order_lines_for([line("plan", "39.00"), line("discount", "-39.00")], 1, "EUR") == [
        SaleorLine(1, Decimal("0.00"))
    ]


def test_an_invoice_without_lines_is_unorderable():
    with pytest.raises(UnorderableInvoice, match="no lines"):
        order_lines_for([], 1, "EUR")


def test_an_amount_below_zero_is_unorderable():
    with pytest.raises(UnorderableInvoice, match="below zero"):
        order_lines_for([line("plan", "5.00"), line("discount", "-6.00")], 1, "EUR")


def test_an_amount_in_fractions_of_a_cent_is_unorderable():
    with pytest.raises(UnorderableInvoice, match="minor units"):
        order_lines_for([line("plan", "5.005")], 1, "EUR")


def test_the_order_metadata_keeps_every_line_but_the_credit():
    period = "Monthly, 1 Dec 2026 – 1 Jan 2027"
    lines = [line("plan", "39.00", description=period), line("credit", "-5.00")]
    assert json.loads(invoice_lines_metadata(lines, "EUR")) == [
        {"kind": "plan", "description": period, "quantity": "1", "amount": "39.00"}
    ]


@given(
    cents=st.integers(min_value=0, max_value=10**9),
    quantity=st.integers(min_value=1, max_value=10**4),
    currency=st.sampled_from(["EUR", "JPY", "KWD"]),
)
def test_the_split_never_loses_a_cent(cents, quantity, currency):
    exponent = {"EUR": 2, "JPY": 0, "KWD": 3}[currency]
    total = Decimal(cents).scaleb(-exponent)
    lines = split_lines(total, quantity, currency)
    assert sum(part.amount for part in lines) == total
    assert sum(part.quantity for part in lines) == quantity
    assert len(lines) <= 2
    assert all(part.unit_price.as_tuple().exponent == -exponent for part in lines)
