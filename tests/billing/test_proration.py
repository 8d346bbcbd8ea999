"""Proration by calendar days, and what a change in the middle of a period costs (BILLING_RULES §2, §7)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_subscriptions.billing.calendar import BillingAnchor, BillingCalendar, Period
from saleor_subscriptions.billing.change_lines import proration_for_change, proration_lines_for_change
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.money import minor_unit
from saleor_subscriptions.billing.pricing import LineKind
from saleor_subscriptions.billing.proration import days_left, prorate, prorate_period, unused_amount

NOVEMBER = Period(0, date(2026, 11, 1), date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1))


def test_purchase_on_16_november_with_anchor_first_pays_15_of_30():
    assert prorate(Decimal("30.00"), 15, 30, "EUR") == Decimal("15.00")


def test_a_full_period_prorates_to_exactly_the_amount():
    assert prorate(Decimal("39.00"), 31, 31, "EUR") == Decimal("39.00")


@pytest.mark.parametrize(
    ("amount", "days", "full", "currency", "expected"),
    [
        ("0.01", 1, 2, "EUR", "0.01"),  # exactly half a cent rounds up
        ("0.03", 1, 2, "EUR", "0.02"),  # 0.015
        ("1", 1, 2, "JPY", "1"),  # half a yen rounds up
        ("3", 1, 2, "JPY", "2"),  # 1.5 yen
        ("0.010", 1, 2, "KWD", "0.010"),  # half a step of 0.010 rounds up (§3)
        ("10.000", 1, 3, "KWD", "3.330"),
        ("10.000", 2, 3, "KWD", "6.670"),
        ("100", 1, 3, "TWD", "33.00"),  # whole TWD only
        ("1000", 1, 2, "ISK", "500"),
        ("1500", 15, 30, "JPY", "750"),
        ("100.00", 1, 3, "EUR", "33.33"),
        ("100.00", 2, 3, "EUR", "66.67"),
    ],
)
def test_prorations_round_half_up_to_the_chargeable_step(amount, days, full, currency, expected):
    result = prorate(Decimal(amount), days, full, currency)
    assert result == Decimal(expected)
    assert str(result) == expected


@pytest.mark.parametrize(("days", "full"), [(-1, 30), (31, 30), (0, 0)])
def test_days_outside_the_period_are_refused(days, full):
    with pytest.raises(ValueError, match=r"days|period"):
        prorate(Decimal(30), days, full, "EUR")


@settings(max_examples=200)
@given(
    st.decimals(min_value=0, max_value=100_000, places=2),
    st.integers(1, 366),
    st.data(),
)
def test_prorating_both_halves_of_a_split_period_sums_to_the_price_within_one_cent(price, full_days, data):
    split = data.draw(st.integers(0, full_days))
    first = prorate(price, split, full_days, "EUR")
    second = prorate(price, full_days - split, full_days, "EUR")
    assert abs(first + second - price) <= minor_unit("EUR")
    assert prorate(price, full_days, full_days, "EUR") == price


@settings(max_examples=100, deadline=None)
@given(
    st.decimals(min_value=0, max_value=10_000, places=2),
    st.sampled_from(list(IntervalUnit)),
    st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    st.integers(0, 40),
)
def test_a_full_calendar_period_prorates_to_exactly_the_price(price, unit, start, k):
    period = BillingCalendar(Interval(unit), BillingAnchor(), start).period(k)
    assert prorate_period(price, period, "EUR") == price


def test_an_upgrade_on_16_november_charges_the_difference_for_the_15_days_left():
    assert proration_for_change(
        Decimal("30.00"), Decimal("60.00"), NOVEMBER, date(2026, 11, 16), "EUR"
    ) == Decimal("15.00")


def test_the_day_of_the_change_belongs_to_the_new_plan():
    assert days_left(NOVEMBER, date(2026, 11, 30)) == 1
    assert proration_for_change(
        Decimal("30.00"), Decimal("60.00"), NOVEMBER, date(2026, 11, 1), "EUR"
    ) == Decimal("30.00")


def test_a_downgrade_now_credits_the_unused_difference():
    assert proration_for_change(
        Decimal("59.00"), Decimal("39.00"), NOVEMBER, date(2026, 11, 16), "EUR"
    ) == Decimal("-10.00")


def test_a_change_in_a_partial_period_prorates_against_its_full_period():
    partial = BillingCalendar(
        Interval(IntervalUnit.MONTH), BillingAnchor.on_day(1), date(2026, 11, 16)
    ).period(0)
    assert proration_for_change(
        Decimal("30.00"), Decimal("60.00"), partial, date(2026, 11, 21), "EUR"
    ) == Decimal("10.00")


def test_a_change_outside_the_period_is_refused():
    with pytest.raises(ValueError, match="not in the period"):
        proration_for_change(Decimal(30), Decimal(60), NOVEMBER, date(2026, 12, 1), "EUR")


def test_the_unused_part_of_a_period_counts_the_day_itself_as_unused():
    assert unused_amount(Decimal("30.00"), NOVEMBER, date(2026, 11, 16), "EUR") == Decimal("15.00")


def test_a_change_line_says_why():
    (line,) = proration_lines_for_change(
        Decimal("30.00"), Decimal("60.00"), NOVEMBER, date(2026, 11, 16), "EUR"
    )
    assert line.kind is LineKind.PRORATION
    assert line.amount == Decimal("15.00")
    assert line.description == "Plan change, 16 Nov 2026 \u2013 1 Dec 2026 (15 of 30 days)"
    assert line.reason == "(60.00 \u2212 30.00) \u00d7 15/30 days"
    assert proration_lines_for_change(Decimal(30), Decimal(30), NOVEMBER, date(2026, 11, 16), "EUR") == []
