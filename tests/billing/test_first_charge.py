"""The first charge at checkout: setup fee plus the first period (prorated), only the setup fee in a trial,
the discount on what it covers, and one unit price per line (BILLING_RULES §1, §2, §3, §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.calendar import BillingAnchor
from saleor_subscriptions.billing.first_charge import first_charge, unit_price_for
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.plans import PlanTerms, Trial
from saleor_subscriptions.billing.pricing import Discount, DiscountTarget, LineKind

D = Decimal
MONTHLY = Interval(IntervalUnit.MONTH)
NOV_16 = date(2026, 11, 16)


def monthly(price: str = "30.00", **terms: object) -> PlanTerms:
    return PlanTerms(MONTHLY, D(price), "EUR", **terms)  # type: ignore[arg-type]


def test_purchase_on_16_november_with_anchor_the_first_pays_15_of_30():
    charge = first_charge(monthly(anchor=BillingAnchor.on_day(1)), NOV_16, quantity=1)

    assert charge.total == D("15.00")
    assert charge.unit_price == D("15.00")
    assert [line.kind for line in charge.lines] == [LineKind.PRORATION]
    assert charge.period is not None
    assert (charge.period.start, charge.period.end) == (NOV_16, date(2026, 12, 1))


def test_a_purchase_date_anchor_pays_a_full_first_period_and_the_setup_fee_per_unit():
    charge = first_charge(monthly("40.00", setup_fee=D("10.00")), date(2027, 2, 17), quantity=2)

    assert [(line.kind, line.amount) for line in charge.lines] == [
        (LineKind.PLAN, D("80.00")),
        (LineKind.SETUP_FEE, D("20.00")),
    ]
    assert (charge.total, charge.unit_price, charge.charged) == (D("100.00"), D("50.00"), D("100.00"))
    assert charge.trial_end is None


def test_a_trial_charges_only_the_setup_fee():
    terms = monthly(setup_fee=D("5.00"), trial=Trial(days=14))

    charge = first_charge(terms, NOV_16, quantity=2)

    assert [(line.kind, line.amount) for line in charge.lines] == [
        (LineKind.TRIAL, D("0.00")),
        (LineKind.SETUP_FEE, D("10.00")),
    ]
    assert (charge.unit_price, charge.trial_end, charge.period) == (D("5.00"), date(2026, 11, 30), None)


def test_a_trial_without_setup_fee_costs_nothing_now():
    charge = first_charge(monthly(trial=Trial(intervals=1)), NOV_16, quantity=1)

    assert (charge.total, charge.unit_price, charge.trial_end) == (D("0.00"), D("0.00"), date(2026, 12, 16))


def test_a_discount_on_the_price_does_not_touch_a_trial_but_one_on_the_setup_fee_does():
    terms = monthly(setup_fee=D("20.00"), trial=Trial(days=7))
    on_price = Discount("WELCOME", percent=D("50"))
    on_fee = Discount("NOFEE", percent=D("50"), applies_to=DiscountTarget.SETUP_FEE)

    assert first_charge(terms, NOV_16, quantity=1, discount=on_price).total == D("20.00")
    assert first_charge(terms, NOV_16, quantity=1, discount=on_fee).total == D("10.00")


def test_a_percentage_is_taken_from_the_prorated_first_period():
    terms = monthly(anchor=BillingAnchor.on_day(1), setup_fee=D("10.00"))

    charge = first_charge(terms, NOV_16, quantity=1, discount=Discount("TEN", percent=D("10")))

    # 15.00 for 15 of 30 days, less 10 % (1.50); the setup fee is not discounted.
    assert charge.total == D("23.50")


def test_a_fixed_amount_off_once_per_invoice_rounds_the_unit_price_down():
    charge = first_charge(monthly("10.00"), NOV_16, quantity=3, discount=Discount("FIVE", amount_off=D("5")))

    assert charge.total == D("25.00")
    assert charge.unit_price == D("8.33")
    assert charge.charged == D("24.99")


@pytest.mark.parametrize(
    ("amount", "quantity", "currency", "unit"),
    [
        (D("30.97"), 3, "EUR", D("10.32")),
        (D("30.00"), 3, "EUR", D("10.00")),
        (D("1001"), 2, "JPY", D("500")),
        (D("10.001"), 2, "KWD", D("5.000")),
        (D("0.00"), 4, "EUR", D("0.00")),
    ],
)
def test_the_unit_price_never_exceeds_the_total_and_misses_it_by_less_than_one_minor_unit_per_unit(
    amount, quantity, currency, unit
):
    assert unit_price_for(amount, quantity, currency) == unit
    assert unit * quantity <= amount


@pytest.mark.parametrize("quantity", [0, -1, True])
def test_a_unit_price_needs_a_quantity_of_at_least_one(quantity):
    with pytest.raises(ValueError, match="quantity"):
        unit_price_for(D("10.00"), quantity, "EUR")
