"""Invoice lines: plan, setup fee, usage, discounts and credit, each saying why (BILLING_RULES §3, §4, §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.calendar import BillingAnchor, BillingCalendar, Period
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import (
    Discount,
    DiscountTarget,
    LineKind,
    UsageCharge,
    price_period,
    price_trial,
    total,
)

D = Decimal
MONTHLY = Interval(IntervalUnit.MONTH)
YEARLY = Interval(IntervalUnit.YEAR)
DECEMBER = Period(1, date(2026, 12, 1), date(2027, 1, 1), date(2026, 12, 1), date(2027, 1, 1))
NOVEMBER = Period(0, date(2026, 11, 1), date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1))
LATE_NOVEMBER = Period(0, date(2026, 11, 16), date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1))

STANDARD_MONTHLY = PlanTerms(MONTHLY, D("39.00"), "EUR")
STANDARD_YEARLY = PlanTerms(YEARLY, D("390.00"), "EUR")
STARTER = PlanTerms(MONTHLY, D("15.00"), "EUR", usage_prices={"new case": D("5.00")})
BLENDED_MONTHLY = PlanTerms(MONTHLY, D("59.00"), "EUR")
BLENDED_YEARLY = PlanTerms(YEARLY, D("590.00"), "EUR")
WITH_SETUP = PlanTerms(MONTHLY, D("30.00"), "EUR", setup_fee=D("20.00"))


def kinds(lines):
    return [line.kind for line in lines]


def amounts(lines):
    return [line.amount for line in lines]


# Seed 001's catalog, per practitioner = quantity.


def test_three_practitioners_on_standard_monthly_pay_117():
    lines = price_period(STANDARD_MONTHLY, DECEMBER, quantity=3)
    assert kinds(lines) == [LineKind.PLAN]
    assert total(lines) == D("117.00")
    assert lines[0].description == "Monthly plan \u00d7 3, 1 Dec 2026 \u2013 1 Jan 2027"
    assert lines[0].reason == "39.00 \u00d7 3"
    assert (lines[0].quantity, lines[0].unit_amount) == (3, D("39.00"))


@pytest.mark.parametrize(
    ("terms", "quantity", "expected"),
    [
        (STANDARD_MONTHLY, 1, "39.00"),
        (STANDARD_YEARLY, 1, "390.00"),
        (STANDARD_YEARLY, 2, "780.00"),
        (STARTER, 1, "15.00"),
        (BLENDED_MONTHLY, 4, "236.00"),
        (BLENDED_YEARLY, 1, "590.00"),
    ],
)
def test_the_seed_001_catalog_prices_per_practitioner(terms, quantity, expected):
    calendar = BillingCalendar(terms.interval, terms.anchor, date(2026, 12, 1))
    assert total(price_period(terms, calendar.period(0), quantity=quantity)) == D(expected)


def test_starter_with_4_new_cases_bills_a_20_usage_line_on_the_next_invoice():
    usage = UsageCharge(
        "new case", D(4), STARTER.usage_prices["new case"], date(2026, 11, 1), date(2026, 12, 1)
    )
    lines = price_period(STARTER, DECEMBER, quantity=1, usage=[usage])
    assert kinds(lines) == [LineKind.PLAN, LineKind.USAGE]
    usage_line = lines[1]
    assert usage_line.amount == D("20.00")
    assert usage_line.description == "New case \u00d7 4, 1 Nov 2026 \u2013 1 Dec 2026"
    assert usage_line.reason == "4 \u00d7 5.00"
    assert (usage_line.period_start, usage_line.period_end) == (date(2026, 11, 1), date(2026, 12, 1))
    assert total(lines) == D("35.00")


def test_a_fine_usage_price_is_rounded_once_per_line():
    usage = UsageCharge("api call", D(1001), D("0.0015"), date(2026, 11, 1), date(2026, 12, 1))
    line = price_period(STARTER, DECEMBER, quantity=1, usage=[usage])[1]
    assert line.amount == D("1.50")  # 1.5015
    assert line.reason == "1001 \u00d7 0.0015"


def test_a_partial_period_is_a_proration_line_with_its_formula():
    lines = price_period(PlanTerms(MONTHLY, D("30.00"), "EUR"), LATE_NOVEMBER, quantity=2)
    assert kinds(lines) == [LineKind.PRORATION]
    assert lines[0].amount == D("30.00")
    assert lines[0].reason == "30.00 \u00d7 2 \u00d7 15/30 days"
    assert lines[0].description == "Monthly plan \u00d7 2, 16 Nov 2026 \u2013 1 Dec 2026 (15 of 30 days)"


def test_the_setup_fee_is_charged_times_quantity_when_asked():
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=3, include_setup_fee=True)
    assert kinds(lines) == [LineKind.PLAN, LineKind.SETUP_FEE]
    assert amounts(lines) == [D("90.00"), D("60.00")]
    assert lines[1].description == "Setup fee \u00d7 3"
    assert kinds(price_period(WITH_SETUP, DECEMBER, quantity=1)) == [LineKind.PLAN]


def test_a_quantity_is_at_least_one():
    with pytest.raises(ValueError, match="at least 1"):
        price_period(STANDARD_MONTHLY, DECEMBER, quantity=0)


# Discounts.


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (DiscountTarget.PRICE, [D("-3.00")]),
        (DiscountTarget.SETUP_FEE, [D("-2.00")]),
        (DiscountTarget.BOTH, [D("-3.00"), D("-2.00")]),
    ],
)
def test_a_percentage_discount_on_price_setup_fee_or_both(target, expected):
    discount = Discount("WELCOME10", percent=D(10), applies_to=target)
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=1, include_setup_fee=True, discount=discount)
    discounts = [line for line in lines if line.kind is LineKind.DISCOUNT]
    assert amounts(discounts) == expected
    assert total(lines) == D("50.00") + sum(expected)


def test_a_percentage_line_says_which_code_and_how_much():
    discount = Discount("WELCOME10", percent=D(10))
    line = price_period(STANDARD_MONTHLY, DECEMBER, quantity=1, discount=discount)[-1]
    assert line.kind is LineKind.DISCOUNT
    assert line.description == "Discount WELCOME10: 10% off Monthly plan"
    assert line.reason == "10% of 39.00"


def test_a_percentage_is_rounded_half_up_per_line():
    discount = Discount("HALF", percent=D("12.5"))
    lines = price_period(PlanTerms(MONTHLY, D("0.20"), "EUR"), DECEMBER, quantity=1, discount=discount)
    assert lines[-1].amount == D("-0.03")  # 0.025


def test_a_fixed_discount_on_the_price():
    discount = Discount("TENOFF", amount_off=D("10.00"))
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=1, include_setup_fee=True, discount=discount)
    assert amounts(lines) == [D("30.00"), D("20.00"), D("-10.00")]


def test_a_fixed_discount_on_the_setup_fee_never_goes_below_zero():
    discount = Discount("NOSETUP", amount_off=D("50.00"), applies_to=DiscountTarget.SETUP_FEE)
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=1, include_setup_fee=True, discount=discount)
    assert amounts(lines) == [D("30.00"), D("20.00"), D("-20.00")]


def test_a_fixed_discount_on_both_is_taken_once_price_first():
    discount = Discount("FORTY", amount_off=D("40.00"), applies_to=DiscountTarget.BOTH)
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=1, include_setup_fee=True, discount=discount)
    assert amounts(lines) == [D("30.00"), D("20.00"), D("-30.00"), D("-10.00")]
    assert total(lines) == D("10.00")


def test_a_fixed_discount_larger_than_everything_makes_a_zero_total():
    discount = Discount("FREE", amount_off=D("500"), applies_to=DiscountTarget.BOTH)
    lines = price_period(WITH_SETUP, NOVEMBER, quantity=1, include_setup_fee=True, discount=discount)
    assert total(lines) == 0


def test_a_discount_on_the_price_does_not_touch_usage():
    usage = UsageCharge("new case", D(4), D("5.00"), date(2026, 11, 1), date(2026, 12, 1))
    lines = price_period(
        STARTER, DECEMBER, quantity=1, usage=[usage], discount=Discount("ALL", percent=D(100))
    )
    assert total(lines) == D("20.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"percent": D(10), "amount_off": D(5)},
        {"percent": D(0)},
        {"percent": D(101)},
        {"amount_off": D(0)},
    ],
)
def test_a_discount_is_a_percentage_or_a_fixed_amount(kwargs):
    with pytest.raises(ValueError, match="discount CODE"):
        Discount("CODE", **kwargs)


# Credit.


def test_a_credit_balance_covering_part_of_the_invoice():
    lines = price_period(STANDARD_MONTHLY, DECEMBER, quantity=1, credit_available=D("10.00"))
    assert kinds(lines) == [LineKind.PLAN, LineKind.CREDIT]
    assert lines[-1].amount == D("-10.00")
    assert total(lines) == D("29.00")


def test_a_credit_balance_covering_the_whole_invoice_uses_only_the_total():
    lines = price_period(STANDARD_MONTHLY, DECEMBER, quantity=1, credit_available=D("100.00"))
    assert lines[-1].amount == D("-39.00")
    assert lines[-1].reason == "39.00 of a balance of 100.00"
    assert total(lines) == 0


def test_credit_comes_after_discounts():
    lines = price_period(
        STANDARD_MONTHLY,
        DECEMBER,
        quantity=1,
        discount=Discount("HALF", percent=D(50)),
        credit_available=D(100),
    )
    assert kinds(lines) == [LineKind.PLAN, LineKind.DISCOUNT, LineKind.CREDIT]
    assert amounts(lines) == [D("39.00"), D("-19.50"), D("-19.50")]


def test_no_credit_line_without_a_balance_or_a_total():
    assert kinds(price_period(STANDARD_MONTHLY, DECEMBER, quantity=1)) == [LineKind.PLAN]
    free = PlanTerms(MONTHLY, D(0), "EUR")
    assert kinds(price_period(free, DECEMBER, quantity=1, credit_available=D(5))) == [LineKind.PLAN]


def test_a_negative_balance_is_refused():
    with pytest.raises(ValueError, match="balance"):
        price_period(STANDARD_MONTHLY, DECEMBER, quantity=1, credit_available=D(-1))


# Trials.


def test_a_trial_is_a_zero_line_naming_its_dates():
    lines = price_trial(STANDARD_MONTHLY, date(2026, 11, 16), date(2026, 11, 30), quantity=1)
    assert kinds(lines) == [LineKind.TRIAL]
    assert lines[0].amount == D("0.00")
    assert lines[0].description == "Free trial, 16 Nov 2026 \u2013 30 Nov 2026"


def test_a_trial_charges_the_setup_fee_times_quantity_discounted_when_it_applies():
    discount = Discount("HALFSETUP", percent=D(50), applies_to=DiscountTarget.SETUP_FEE)
    lines = price_trial(WITH_SETUP, date(2026, 11, 16), date(2026, 11, 30), quantity=2, discount=discount)
    assert kinds(lines) == [LineKind.TRIAL, LineKind.SETUP_FEE, LineKind.DISCOUNT]
    assert total(lines) == D("20.00")


def test_a_price_discount_does_not_apply_to_a_trial():
    lines = price_trial(
        WITH_SETUP, date(2026, 11, 16), date(2026, 11, 30), quantity=1, discount=Discount("P", percent=D(50))
    )
    assert total(lines) == D("20.00")


def test_prices_round_in_yen_and_dinar():
    yen = PlanTerms(MONTHLY, D(1001), "JPY")
    lines = price_period(yen, LATE_NOVEMBER, quantity=1)
    assert lines[0].amount == D(501)  # 500.5 rounds up
    dinar = PlanTerms(MONTHLY, D("10.010"), "KWD")
    assert price_period(dinar, LATE_NOVEMBER, quantity=1)[0].amount == D("5.010")  # 5.005, in steps of 0.010


def test_with_an_anchor_every_line_reads_the_period_dates():
    calendar = BillingCalendar(MONTHLY, BillingAnchor.on_day(1), date(2026, 11, 16))
    lines = price_period(WITH_SETUP, calendar.period(0), quantity=1, include_setup_fee=True)
    assert [(line.period_start, line.period_end) for line in lines] == [
        (date(2026, 11, 16), date(2026, 12, 1))
    ] * 2
    assert total(lines) == D("35.00")
