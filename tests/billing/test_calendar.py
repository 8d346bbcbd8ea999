"""The billing calendar: periods from the anchor, partial first periods, month ends (BILLING_RULES §2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_subscriptions.billing.calendar import (
    AnchorMode,
    BillingAnchor,
    BillingCalendar,
    Period,
    ShortMonthRule,
)
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit

MONTHLY = Interval(IntervalUnit.MONTH)
YEARLY = Interval(IntervalUnit.YEAR)
WEEKLY = Interval(IntervalUnit.WEEK)
BY_PURCHASE = BillingAnchor()
FIRST_OF_NEXT_MONTH = BillingAnchor(short_month_rule=ShortMonthRule.FIRST_OF_NEXT_MONTH)


def test_purchase_on_16_november_with_anchor_first_is_a_15_of_30_day_first_period():
    calendar = BillingCalendar(MONTHLY, BillingAnchor.on_day(1), date(2026, 11, 16))
    first = calendar.period(0)
    assert first == Period(0, date(2026, 11, 16), date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1))
    assert (first.days, first.full_days, first.is_partial) == (15, 30, True)
    assert calendar.period(1) == Period(
        1, date(2026, 12, 1), date(2027, 1, 1), date(2026, 12, 1), date(2027, 1, 1)
    )
    assert calendar.anchor_date == date(2026, 12, 1)


def test_purchase_on_17_february_by_purchase_date_renews_on_17_march():
    calendar = BillingCalendar(MONTHLY, BY_PURCHASE, date(2026, 2, 17))
    assert [(p.start, p.end, p.is_partial) for p in calendar.periods(2)] == [
        (date(2026, 2, 17), date(2026, 3, 17), False),
        (date(2026, 3, 17), date(2026, 4, 17), False),
    ]


def test_purchase_on_the_anchor_day_is_a_full_first_period():
    calendar = BillingCalendar(MONTHLY, BillingAnchor.on_day(15), date(2026, 11, 15))
    assert not calendar.period(0).is_partial
    assert calendar.period(0).end == date(2026, 12, 15)


def test_purchase_before_the_anchor_day_runs_to_that_day_in_the_same_month():
    calendar = BillingCalendar(MONTHLY, BillingAnchor.on_day(15), date(2026, 11, 3))
    first = calendar.period(0)
    assert (first.start, first.end, first.full_start) == (
        date(2026, 11, 3),
        date(2026, 11, 15),
        date(2026, 10, 15),
    )
    assert (first.days, first.full_days) == (12, 31)


@pytest.mark.parametrize("day", [29, 30, 31])
def test_purchase_on_the_29th_30th_or_31st_pays_the_rest_of_the_month_and_renews_on_the_1st(day):
    calendar = BillingCalendar(MONTHLY, FIRST_OF_NEXT_MONTH, date(2026, 1, day))
    first, second = calendar.periods(2)
    assert (first.start, first.end) == (date(2026, 1, day), date(2026, 2, 1))
    assert (first.full_start, first.full_end) == (date(2026, 1, 1), date(2026, 2, 1))
    assert first.days == 32 - day
    assert first.full_days == 31
    assert (second.start, second.end, second.is_partial) == (date(2026, 2, 1), date(2026, 3, 1), False)


def test_first_of_next_month_on_the_28th_behaves_as_clamp():
    calendar = BillingCalendar(MONTHLY, FIRST_OF_NEXT_MONTH, date(2026, 1, 28))
    assert calendar.period(0) == Period(
        0, date(2026, 1, 28), date(2026, 2, 28), date(2026, 1, 28), date(2026, 2, 28)
    )


def test_the_clamp_rule_keeps_the_31st_and_clamps_short_months():
    calendar = BillingCalendar(MONTHLY, BY_PURCHASE, date(2026, 1, 31))
    assert [p.start for p in calendar.periods(4)] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
    ]


def test_first_of_next_month_on_feb_29_is_one_day_of_29():
    first = BillingCalendar(MONTHLY, FIRST_OF_NEXT_MONTH, date(2028, 2, 29)).period(0)
    assert (first.days, first.full_days, first.end) == (1, 29, date(2028, 3, 1))


def test_a_weekly_plan_ignores_the_short_month_rule():
    calendar = BillingCalendar(WEEKLY, FIRST_OF_NEXT_MONTH, date(2026, 1, 30))
    assert calendar.period(0) == Period(
        0, date(2026, 1, 30), date(2026, 2, 6), date(2026, 1, 30), date(2026, 2, 6)
    )


def test_a_jan_31_anchor_over_14_months():
    calendar = BillingCalendar(MONTHLY, BY_PURCHASE, date(2027, 1, 31))
    assert [p.start for p in calendar.periods(14)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
        date(2027, 6, 30),
        date(2027, 7, 31),
        date(2027, 8, 31),
        date(2027, 9, 30),
        date(2027, 10, 31),
        date(2027, 11, 30),
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
    ]
    assert calendar.period(13).end == date(2028, 3, 31)


def test_a_feb_29_yearly_plan_over_8_years():
    calendar = BillingCalendar(YEARLY, BY_PURCHASE, date(2024, 2, 29))
    assert [p.start for p in calendar.periods(8)] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
    ]
    assert [p.days for p in calendar.periods(5)] == [365, 365, 365, 366, 365]


def test_a_yearly_plan_with_anchor_day_prorates_against_the_year_ending_there():
    first = BillingCalendar(YEARLY, BillingAnchor.on_day(1), date(2026, 11, 16)).period(0)
    assert (first.start, first.end, first.full_start) == (
        date(2026, 11, 16),
        date(2026, 12, 1),
        date(2025, 12, 1),
    )
    assert (first.days, first.full_days) == (15, 365)


def test_a_day_of_month_anchor_on_a_weekly_plan_is_refused_with_the_reason():
    with pytest.raises(ValueError, match="monthly and yearly plans only"):
        BillingCalendar(WEEKLY, BillingAnchor.on_day(1), date(2026, 1, 1))


@pytest.mark.parametrize("day", [0, 29, 31, -1, None])
def test_a_day_of_month_anchor_is_a_day_from_1_to_28(day):
    with pytest.raises(ValueError, match="1 to 28"):
        BillingAnchor(AnchorMode.DAY_OF_MONTH, day)


def test_a_purchase_anchor_takes_no_day():
    with pytest.raises(ValueError, match="no day"):
        BillingAnchor(AnchorMode.PURCHASE, 5)


def test_period_containing_finds_partial_and_full_periods():
    calendar = BillingCalendar(MONTHLY, BillingAnchor.on_day(1), date(2026, 11, 16))
    assert calendar.period_containing(date(2026, 11, 16)).index == 0
    assert calendar.period_containing(date(2026, 11, 30)).index == 0
    assert calendar.period_containing(date(2026, 12, 1)).index == 1
    assert calendar.period_containing(date(2027, 11, 30)).index == 12


def test_there_is_no_period_before_the_calendar_starts():
    calendar = BillingCalendar(MONTHLY, BY_PURCHASE, date(2026, 11, 16))
    with pytest.raises(ValueError, match="no period -1"):
        calendar.period(-1)
    with pytest.raises(ValueError, match="before"):
        calendar.period_containing(date(2026, 11, 15))


calendars = st.builds(
    lambda unit, count, mode, day, rule, start: (
        Interval(unit, count),
        BillingAnchor(mode, day if mode is AnchorMode.DAY_OF_MONTH else None, rule),
        start,
    ),
    st.sampled_from(list(IntervalUnit)),
    st.integers(1, 4),
    st.sampled_from(list(AnchorMode)),
    st.integers(1, 28),
    st.sampled_from(list(ShortMonthRule)),
    st.dates(date(2000, 1, 1), date(2040, 12, 31)),
).filter(lambda c: c[1].mode is AnchorMode.PURCHASE or c[0].is_calendar_months)


@settings(max_examples=60, deadline=None)
@given(calendars)
def test_periods_are_contiguous_and_anchored_over_ten_years(args):
    interval, anchor, start = args
    calendar = BillingCalendar(interval, anchor, start)
    ten_years_later = start.replace(year=start.year + 10, day=min(start.day, 28))
    offset = calendar.first_full_index
    previous = None
    k = 0
    while previous is None or previous.end < ten_years_later:
        period = calendar.period(k)
        assert period.start < period.end
        if previous is not None:
            assert period.start == previous.end
        else:
            assert period.start == start
        if k >= offset:
            assert period.start == interval.after(calendar.anchor_date, k - offset)
            assert not period.is_partial
        previous = period
        k += 1


@settings(max_examples=60, deadline=None)
@given(calendars, st.integers(0, 3650))
def test_period_containing_a_day_contains_it(args, days_later):
    interval, anchor, start = args
    calendar = BillingCalendar(interval, anchor, start)
    day = start + timedelta(days=days_later)
    period = calendar.period_containing(day)
    assert day in period
    assert calendar.period(period.index) == period


@settings(max_examples=60, deadline=None)
@given(calendars)
def test_a_first_period_is_full_or_lies_inside_the_full_period_before_the_anchor(args):
    interval, anchor, start = args
    calendar = BillingCalendar(interval, anchor, start)
    first = calendar.period(0)
    if calendar.starts_with_partial_period:
        assert first.is_partial
        assert first.end == calendar.anchor_date
        assert first.full_start == interval.after(calendar.anchor_date, -1)
        assert 0 < first.days < first.full_days
    else:
        assert not first.is_partial
        assert first.start == calendar.anchor_date == start


def test_a_calendar_after_a_trial_of_intervals_counts_from_the_purchase_date():
    """§2: bought 31 Jan with a one-month trial, billing starts on 28 Feb (clamped), then comes back to the
    31st."""
    calendar = BillingCalendar(
        MONTHLY, BY_PURCHASE, date(2026, 2, 28), origin=date(2026, 1, 31), origin_offset=1
    )
    assert [(p.start, p.end) for p in calendar.periods(3)] == [
        (date(2026, 2, 28), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 30), date(2026, 5, 31)),
    ]
    assert calendar.period_containing(date(2026, 3, 30)).index == 0
    assert calendar.period_containing(date(2026, 3, 31)).index == 1
    assert calendar.period_containing(date(2026, 5, 30)).index == 2


def test_the_origin_is_not_used_by_a_day_of_month_anchor_or_first_of_next_month():
    """The anchor rules that pick their own renewal day keep doing so from the date billing starts."""
    day_anchor = BillingCalendar(
        MONTHLY, BillingAnchor.on_day(28), date(2026, 2, 28), origin=date(2026, 1, 31), origin_offset=1
    )
    assert day_anchor.period(1).start == date(2026, 3, 28)
    first = BillingCalendar(
        MONTHLY, FIRST_OF_NEXT_MONTH, date(2026, 2, 28), origin=date(2026, 1, 31), origin_offset=1
    )
    assert first.period(1).start == date(2026, 3, 28)


def test_an_origin_that_does_not_lead_to_the_start_is_refused():
    with pytest.raises(ValueError, match="starts on 2026-02-28, not 2026-03-01"):
        BillingCalendar(MONTHLY, BY_PURCHASE, date(2026, 3, 1), origin=date(2026, 1, 31), origin_offset=1)
    with pytest.raises(ValueError, match="at least 0"):
        BillingCalendar(MONTHLY, BY_PURCHASE, date(2026, 3, 1), origin=date(2026, 3, 1), origin_offset=-1)
