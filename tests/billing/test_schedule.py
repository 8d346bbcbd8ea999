"""The charges a plan makes, in order (BILLING_RULES §1, §2, §4): the worked examples through the API."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from saleor_subscriptions.billing.calendar import BillingAnchor, ShortMonthRule
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.plans import PlanTerms, Trial
from saleor_subscriptions.billing.pricing import LineKind
from saleor_subscriptions.billing.schedule import build_schedule

D = Decimal
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
MONTHLY = Interval(IntervalUnit.MONTH)


def charges(schedule):
    return [(c.due_date, c.period_start, c.period_end, c.amount) for c in schedule.charges]


def test_purchase_on_16_november_with_anchor_first_pays_15_then_30_on_1_december():
    terms = PlanTerms(MONTHLY, D("30.00"), "EUR", anchor=BillingAnchor.on_day(1))
    schedule = build_schedule(terms, datetime(2026, 11, 16, 10, 0, tzinfo=AMSTERDAM), AMSTERDAM, periods=3)
    assert charges(schedule) == [
        (date(2026, 11, 16), date(2026, 11, 16), date(2026, 12, 1), D("15.00")),
        (date(2026, 12, 1), date(2026, 12, 1), date(2027, 1, 1), D("30.00")),
        (date(2027, 1, 1), date(2027, 1, 1), date(2027, 2, 1), D("30.00")),
    ]
    assert schedule.charges[0].lines[0].kind is LineKind.PRORATION


def test_purchase_on_17_february_by_purchase_date_pays_40_then_40_on_17_march():
    terms = PlanTerms(MONTHLY, D("40.00"), "EUR")
    schedule = build_schedule(terms, datetime(2026, 2, 17, 9, 0, tzinfo=AMSTERDAM), AMSTERDAM, periods=2)
    assert charges(schedule) == [
        (date(2026, 2, 17), date(2026, 2, 17), date(2026, 3, 17), D("40.00")),
        (date(2026, 3, 17), date(2026, 3, 17), date(2026, 4, 17), D("40.00")),
    ]


def test_purchase_on_the_30th_under_first_of_next_month_pays_the_rest_then_renews_on_the_1st():
    terms = PlanTerms(
        MONTHLY, D("31.00"), "EUR", anchor=BillingAnchor(short_month_rule=ShortMonthRule.FIRST_OF_NEXT_MONTH)
    )
    schedule = build_schedule(terms, datetime(2026, 1, 30, 12, 0, tzinfo=UTC), ZoneInfo("UTC"), periods=3)
    assert charges(schedule) == [
        (date(2026, 1, 30), date(2026, 1, 30), date(2026, 2, 1), D("2.00")),
        (date(2026, 2, 1), date(2026, 2, 1), date(2026, 3, 1), D("31.00")),
        (date(2026, 3, 1), date(2026, 3, 1), date(2026, 4, 1), D("31.00")),
    ]


def test_the_start_is_read_as_a_local_date():
    terms = PlanTerms(MONTHLY, D("40.00"), "EUR")
    late_utc = datetime(2026, 2, 16, 23, 30, tzinfo=UTC)
    assert build_schedule(terms, late_utc, AMSTERDAM, periods=1).charges[0].due_date == date(2026, 2, 17)
    assert build_schedule(terms, late_utc, ZoneInfo("UTC"), periods=1).charges[0].due_date == date(
        2026, 2, 16
    )


def test_the_first_charge_holds_the_setup_fee_times_quantity():
    terms = PlanTerms(MONTHLY, D("39.00"), "EUR", setup_fee=D("25.00"))
    schedule = build_schedule(terms, datetime(2026, 1, 5, tzinfo=UTC), ZoneInfo("UTC"), quantity=3, periods=2)
    assert [c.amount for c in schedule.charges] == [D("192.00"), D("117.00")]
    assert [line.kind for line in schedule.charges[0].lines] == [LineKind.PLAN, LineKind.SETUP_FEE]


def test_a_trial_comes_first_with_the_setup_fee_and_billing_starts_at_its_end():
    terms = PlanTerms(
        MONTHLY, D("30.00"), "EUR", setup_fee=D("10.00"), trial=Trial(days=14), anchor=BillingAnchor.on_day(1)
    )
    schedule = build_schedule(terms, datetime(2026, 11, 2, tzinfo=UTC), ZoneInfo("UTC"), periods=3)
    assert charges(schedule) == [
        (date(2026, 11, 2), date(2026, 11, 2), date(2026, 11, 16), D("10.00")),
        (date(2026, 11, 16), date(2026, 11, 16), date(2026, 12, 1), D("15.00")),
        (date(2026, 12, 1), date(2026, 12, 1), date(2027, 1, 1), D("30.00")),
    ]
    assert [line.kind for line in schedule.charges[0].lines] == [LineKind.TRIAL, LineKind.SETUP_FEE]
    assert [line.kind for line in schedule.charges[1].lines] == [LineKind.PRORATION]


def test_a_fixed_term_gives_n_full_periods_after_a_partial_first():
    terms = PlanTerms(MONTHLY, D("30.00"), "EUR", billing_cycles=3, anchor=BillingAnchor.on_day(1))
    schedule = build_schedule(terms, datetime(2026, 11, 16, tzinfo=UTC), ZoneInfo("UTC"))
    assert [c.period_start for c in schedule.charges] == [
        date(2026, 11, 16),
        date(2026, 12, 1),
        date(2027, 1, 1),
        date(2027, 2, 1),
    ]


def test_a_fixed_term_of_two_ends_the_list():
    terms = PlanTerms(MONTHLY, D("30.00"), "EUR", billing_cycles=2)
    schedule = build_schedule(terms, datetime(2026, 11, 16, tzinfo=UTC), ZoneInfo("UTC"))
    assert len(schedule.charges) == 2


def test_a_free_plan_still_lists_its_charges():
    terms = PlanTerms(MONTHLY, D(0), "EUR")
    schedule = build_schedule(terms, datetime(2026, 11, 16, tzinfo=UTC), ZoneInfo("UTC"), periods=2)
    assert [c.amount for c in schedule.charges] == [0, 0]


def test_the_json_contract():
    terms = PlanTerms(MONTHLY, D("30.00"), "EUR", anchor=BillingAnchor.on_day(1))
    schedule = build_schedule(terms, datetime(2026, 11, 16, tzinfo=UTC), ZoneInfo("UTC"), periods=1)
    assert schedule.to_json_dict() == {
        "currency": "EUR",
        "charges": [
            {
                "due_date": "2026-11-16",
                "period_start": "2026-11-16",
                "period_end": "2026-12-01",
                "amount": "15.00",
                "lines": [
                    {
                        "kind": "proration",
                        "description": "Monthly plan, 16 Nov 2026 \u2013 1 Dec 2026 (15 of 30 days)",
                        "amount": "15.00",
                    }
                ],
            }
        ],
    }


def test_a_naive_start_is_refused():
    with pytest.raises(ValueError, match="naive"):
        build_schedule(PlanTerms(MONTHLY, D(1), "EUR"), datetime(2026, 1, 1), ZoneInfo("UTC"))


def test_a_one_month_trial_bought_on_jan_31_renews_on_the_31st_not_the_28th():
    """§2: period k starts at anchor + k x interval, never from the previous period; Jan 31 -> Feb 28 ->
    Mar 31 -> Apr 30. A trial of one interval ends on Feb 28 (clamped); billing keeps counting from the
    purchase date, so the later renewals come back to the 31st / the end of the month."""
    terms = PlanTerms(Interval(IntervalUnit.MONTH), Decimal("30.00"), "EUR", trial=Trial(intervals=1))
    schedule = build_schedule(terms, datetime(2026, 1, 31, 10, tzinfo=UTC), ZoneInfo("UTC"), periods=5)
    starts = [charge.period_start for charge in schedule.charges]
    assert starts == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
    ]
    assert [charge.amount for charge in schedule.charges[1:]] == [Decimal("30.00")] * 4
