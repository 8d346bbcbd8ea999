"""A plan's terms and their validation (BILLING_RULES §1, §3)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.calendar import BillingAnchor
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.plans import PlanTerms, PlanTermsError, Trial

MONTHLY = Interval(IntervalUnit.MONTH)


def terms(**overrides: object) -> PlanTerms:
    values: dict[str, object] = {"interval": MONTHLY, "price": Decimal("39.00"), "currency": "EUR"}
    values.update(overrides)
    return PlanTerms(**values)  # type: ignore[arg-type]


def test_defaults_are_no_setup_fee_no_trial_until_cancelled_on_the_purchase_date():
    plan = terms()
    assert plan.setup_fee == 0
    assert not plan.has_trial
    assert not plan.is_fixed_term
    assert plan.anchor == BillingAnchor()
    assert dict(plan.usage_prices) == {}


def test_usage_prices_are_read_only_and_may_be_finer_than_a_cent():
    plan = terms(usage_prices={"new case": Decimal("5.00"), "api call": Decimal("0.0015")})
    assert plan.usage_prices["api call"] == Decimal("0.0015")
    with pytest.raises(TypeError):
        plan.usage_prices["new case"] = Decimal(1)  # type: ignore[index]


def test_whole_number_amounts_become_decimal():
    assert terms(price=39, setup_fee=0).price == Decimal(39)


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"price": Decimal("-1")}, "price", "negative"),
        ({"price": Decimal("39.001")}, "price", "EUR has 2 decimals"),
        ({"price": 39.0}, "price", "float"),
        ({"price": Decimal("NaN")}, "price", "finite"),
        ({"price": Decimal("1.5"), "currency": "JPY"}, "price", "JPY has 0 decimals"),
        ({"setup_fee": Decimal("-5")}, "setup_fee", "negative"),
        ({"currency": "XYZ"}, "currency", "unknown currency 'XYZ'"),
        ({"billing_cycles": 0}, "billing_cycles", "at least 1"),
        (
            {"interval": Interval(IntervalUnit.WEEK), "anchor": BillingAnchor.on_day(1)},
            "anchor",
            "monthly and yearly",
        ),
        ({"usage_prices": {"new case": Decimal("-5")}}, "usage_prices", "negative"),
        ({"usage_prices": {"": Decimal("5")}}, "usage_prices", "metric"),
    ],
)
def test_bad_terms_name_the_field_and_the_reason(overrides, field, reason):
    with pytest.raises(PlanTermsError) as raised:
        terms(**overrides)
    assert raised.value.field == field
    assert reason in raised.value.reason
    assert isinstance(raised.value, ValueError)


def test_a_three_decimal_price_is_fine_in_kuwaiti_dinar():
    assert terms(price=Decimal("12.125"), currency="KWD").price == Decimal("12.125")


def test_a_trial_of_days_ends_that_many_days_later():
    assert Trial(days=14).end(date(2026, 11, 16), MONTHLY) == date(2026, 11, 30)


def test_a_trial_of_one_interval_ends_a_month_later_clamped():
    assert Trial(intervals=1).end(date(2026, 1, 31), MONTHLY) == date(2026, 2, 28)


def test_no_trial_ends_where_it_starts():
    assert Trial().end(date(2026, 1, 31), MONTHLY) == date(2026, 1, 31)
    assert not Trial().offered


def test_a_trial_is_days_or_intervals_not_both():
    with pytest.raises(ValueError, match="not both"):
        Trial(days=7, intervals=1)


def test_a_trial_length_is_not_negative():
    with pytest.raises(ValueError, match="at least 0"):
        Trial(days=-1)
