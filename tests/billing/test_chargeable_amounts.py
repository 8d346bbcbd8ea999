"""Every amount the engine makes can be charged (BILLING_RULES §3): lines, totals, prorations, discounts,
credits, first charges and schedules are whole numbers of the currency's chargeable step (0.010 KWD, whole
TWD, ISK, HUF...), whatever the plan, the currency, the dates or the discount."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_subscriptions.billing.calendar import BillingAnchor, BillingCalendar
from saleor_subscriptions.billing.change_lines import proration_lines_for_change, switch_lines_against_paid
from saleor_subscriptions.billing.first_charge import first_charge
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.money import charge_step, is_chargeable, minor_unit
from saleor_subscriptions.billing.plans import PlanTerms, Trial
from saleor_subscriptions.billing.pricing import (
    Discount,
    DiscountTarget,
    LineKind,
    LineTarget,
    PricedLine,
    UsageCharge,
    price_period,
    price_trial,
    total,
)
from saleor_subscriptions.billing.schedule import build_schedule

D = Decimal
CURRENCIES = ["EUR", "JPY", "KWD", "BHD", "JOD", "OMR", "TND", "TWD", "ISK", "HUF", "UGX", "CLP"]


@st.composite
def amounts(draw: st.DrawFn, currency: str, *, low: int = 0, high: int = 100_000) -> Decimal:
    """An amount in whole minor units (not necessarily whole steps: a price stored before the step rule)."""
    unit = minor_unit(currency)
    return unit * draw(st.integers(min_value=low, max_value=high * int(1 / unit)))


@st.composite
def plans(draw: st.DrawFn) -> PlanTerms:
    currency = draw(st.sampled_from(CURRENCIES))
    unit = draw(st.sampled_from(list(IntervalUnit)))
    interval = Interval(unit, draw(st.integers(min_value=1, max_value=3)))
    monthly = unit in (IntervalUnit.MONTH, IntervalUnit.YEAR)
    anchor = (
        BillingAnchor.on_day(draw(st.integers(min_value=1, max_value=28)))
        if monthly and draw(st.booleans())
        else BillingAnchor()
    )
    trial = Trial(days=draw(st.sampled_from([0, 0, 7, 14])))
    return PlanTerms(
        interval,
        draw(amounts(currency)),
        currency,
        setup_fee=draw(amounts(currency, high=500)),
        trial=trial,
        anchor=anchor,
    )


@st.composite
def discounts(draw: st.DrawFn, currency: str) -> Discount | None:
    kind = draw(st.sampled_from(["none", "percent", "fixed"]))
    target = draw(st.sampled_from(list(DiscountTarget)))
    if kind == "percent":
        percent = D(draw(st.integers(min_value=1, max_value=10_000))) / 100
        return Discount("CODE", percent=percent, applies_to=target)
    if kind == "fixed":
        return Discount("CODE", amount_off=draw(amounts(currency, low=1, high=1_000)), applies_to=target)
    return None


def assert_chargeable(lines: list[PricedLine] | tuple[PricedLine, ...], currency: str) -> None:
    for line in lines:
        assert is_chargeable(line.amount, currency), (line.kind, line.amount, currency, charge_step(currency))
    assert is_chargeable(total(lines), currency)


@settings(max_examples=300, deadline=None)
@given(
    plans(),
    st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)),
    st.integers(min_value=1, max_value=25),
    st.data(),
)
def test_every_line_and_total_of_any_plan_is_in_chargeable_steps(terms, bought_on, quantity, data):
    currency = terms.currency
    discount = data.draw(discounts(currency))
    credit = data.draw(amounts(currency, high=200))
    usage = UsageCharge(
        "calls", D(data.draw(st.integers(min_value=0, max_value=999))), D("0.0015"), bought_on, bought_on
    )
    calendar = BillingCalendar(terms.interval, terms.anchor, bought_on)
    for k in range(3):
        lines = price_period(
            terms,
            calendar.period(k),
            quantity=quantity,
            include_setup_fee=k == 0,
            discount=discount,
            usage=[usage],
            credit_available=credit,
        )
        assert_chargeable(lines, currency)
    trial = price_trial(
        terms, bought_on, bought_on + timedelta(days=14), quantity=quantity, discount=discount,
        credit_available=credit,
    )  # fmt: skip
    assert_chargeable(trial, currency)
    first = first_charge(terms, bought_on, quantity=quantity, discount=discount)
    assert_chargeable(first.lines, currency)
    assert is_chargeable(first.unit_price, currency)
    assert is_chargeable(first.charged, currency)
    assert first.charged <= first.total


@settings(max_examples=200, deadline=None)
@given(plans(), st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)), st.data())
def test_changes_and_switches_are_in_chargeable_steps(terms, bought_on, data):
    currency = terms.currency
    period = BillingCalendar(terms.interval, terms.anchor, bought_on).period(1)
    on = period.start + timedelta(days=data.draw(st.integers(min_value=0, max_value=period.days - 1)))
    new_amount = data.draw(amounts(currency))
    change = proration_lines_for_change(terms.price, new_amount, period, on, currency)
    assert_chargeable(change, currency)
    paid = Fraction(data.draw(amounts(currency))) * data.draw(st.integers(min_value=0, max_value=9)) / 10
    switch = switch_lines_against_paid(paid, new_amount, period, on, currency)
    assert_chargeable(switch, currency)


@settings(max_examples=100, deadline=None)
@given(plans(), st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_every_charge_of_a_schedule_is_in_chargeable_steps(terms, bought_on):
    start = datetime(bought_on.year, bought_on.month, bought_on.day, 10, tzinfo=ZoneInfo("UTC"))
    schedule = build_schedule(terms, start, ZoneInfo("UTC"), quantity=3, periods=4)
    for charge in schedule.charges:
        assert is_chargeable(charge.amount, terms.currency)
        assert_chargeable(charge.lines, terms.currency)


def test_a_third_of_a_kwd_plan_is_charged_in_steps_of_ten_fils():
    terms = PlanTerms(Interval(IntervalUnit.MONTH), D("14.520"), "KWD", anchor=BillingAnchor.on_day(1))
    period = BillingCalendar(terms.interval, terms.anchor, date(2026, 11, 20)).period(0)
    [line] = price_period(terms, period, quantity=1)
    assert line.amount == D("5.320")  # 14.520 x 11/30 = 5.324, which Stripe refuses
    discounted = price_period(terms, period, quantity=1, discount=Discount("TEN", percent=D(10)))
    assert [line.amount for line in discounted] == [D("5.320"), D("-0.530")]  # 0.532


def test_a_percentage_off_twd_is_taken_in_whole_dollars():
    terms = PlanTerms(Interval(IntervalUnit.MONTH), D("1447"), "TWD")
    period = BillingCalendar(terms.interval, terms.anchor, date(2026, 11, 1)).period(0)
    lines = price_period(terms, period, quantity=1, discount=Discount("X", percent=D("90")))
    assert [line.amount for line in lines] == [D("1447.00"), D("-1302.00")]  # 1302.3
    assert total(lines) == D("145.00")


def test_a_discount_line_carries_the_target_of_the_line_it_reduces():
    terms = PlanTerms(Interval(IntervalUnit.MONTH), D("39.00"), "EUR", setup_fee=D("10.00"))
    period = BillingCalendar(terms.interval, terms.anchor, date(2026, 11, 1)).period(0)
    both = Discount("HALF", percent=D(50), applies_to=DiscountTarget.BOTH)
    lines = price_period(terms, period, quantity=1, include_setup_fee=True, discount=both)
    assert [(line.kind, line.target) for line in lines] == [
        (LineKind.PLAN, LineTarget.RECURRING),
        (LineKind.SETUP_FEE, LineTarget.SETUP_FEE),
        (LineKind.DISCOUNT, LineTarget.RECURRING),
        (LineKind.DISCOUNT, LineTarget.SETUP_FEE),
    ]


def test_a_discount_line_without_a_target_is_refused():
    with pytest.raises(ValueError, match="target"):
        PricedLine(LineKind.DISCOUNT, "Discount X: 5.00 off setup fee", D("-5"), 1, D("-5"), None, None, "")
