"""Local dates and due instants across daylight saving time (BILLING_RULES §2)."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from saleor_subscriptions.billing.calendar import BillingAnchor, BillingCalendar
from saleor_subscriptions.billing.clock import due_instant, local_date
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
SPRING_FORWARD = date(2026, 3, 29)
FALL_BACK = date(2026, 10, 25)


def test_local_date_is_the_calendar_date_in_the_zone():
    late_evening_utc = datetime(2026, 11, 15, 23, 30, tzinfo=UTC)
    assert local_date(late_evening_utc, AMSTERDAM) == date(2026, 11, 16)
    assert local_date(late_evening_utc, ZoneInfo("UTC")) == date(2026, 11, 15)
    assert local_date(datetime(2026, 11, 16, 1, 0, tzinfo=timezone(timedelta(hours=5))), AMSTERDAM) == date(
        2026, 11, 15
    )


def test_a_naive_datetime_has_no_local_date():
    with pytest.raises(ValueError, match="naive"):
        local_date(datetime(2026, 11, 16, 10, 0), AMSTERDAM)


def test_a_due_instant_is_utc_at_the_local_hour():
    due = due_instant(date(2026, 1, 15), AMSTERDAM, 9)
    assert due == datetime(2026, 1, 15, 8, 0, tzinfo=UTC)
    assert due.tzinfo is UTC
    assert due_instant(date(2026, 7, 15), AMSTERDAM, 9) == datetime(2026, 7, 15, 7, 0, tzinfo=UTC)


def test_02_30_on_the_spring_forward_night_moves_to_the_jump_at_03_00():
    due = due_instant(SPRING_FORWARD, AMSTERDAM, 2, 30)
    assert due == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)
    assert due.astimezone(AMSTERDAM).replace(tzinfo=None) == datetime(2026, 3, 29, 3, 0)


def test_02_30_on_the_fall_back_night_is_the_first_of_the_two():
    due = due_instant(FALL_BACK, AMSTERDAM, 2, 30)
    assert due == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert due.astimezone(AMSTERDAM).utcoffset() == timedelta(hours=2)


@pytest.mark.parametrize("hour", [-1, 24, True])
def test_a_due_hour_is_from_0_to_23(hour):
    with pytest.raises(ValueError, match="0 to 23"):
        due_instant(date(2026, 1, 1), AMSTERDAM, hour)


def _due_instants_of(interval: Interval, start: date, periods: int, hour: int, minute: int) -> list[datetime]:
    calendar = BillingCalendar(interval, BillingAnchor(), start)
    return [due_instant(period.start, AMSTERDAM, hour, minute) for period in calendar.periods(periods)]


@pytest.mark.parametrize(("hour", "minute"), [(2, 30), (2, 0), (3, 0), (0, 0), (9, 0), (23, 59)])
@pytest.mark.parametrize(("first_day", "days"), [(date(2026, 3, 20), 20), (date(2026, 10, 18), 20)])
def test_daily_due_instants_across_dst_fire_each_local_date_once_in_order(first_day, days, hour, minute):
    dues = _due_instants_of(Interval(IntervalUnit.DAY), first_day, days, hour, minute)
    local_dates = [local_date(due, AMSTERDAM) for due in dues]
    assert local_dates == [first_day + timedelta(days=n) for n in range(days)]
    assert all(earlier < later for earlier, later in itertools.pairwise(dues))
    assert len(set(dues)) == days


@pytest.mark.parametrize(("hour", "minute"), [(2, 30), (9, 0)])
def test_monthly_due_instants_across_dst_keep_the_local_date(hour, minute):
    dues = _due_instants_of(Interval(IntervalUnit.MONTH), date(2026, 1, 29), 12, hour, minute)
    local_dates = [local_date(due, AMSTERDAM) for due in dues]
    assert local_dates == [
        date(2026, 1, 29),
        date(2026, 2, 28),
        date(2026, 3, 29),
        date(2026, 4, 29),
        date(2026, 5, 29),
        date(2026, 6, 29),
        date(2026, 7, 29),
        date(2026, 8, 29),
        date(2026, 9, 29),
        date(2026, 10, 29),
        date(2026, 11, 29),
        date(2026, 12, 29),
    ]
    assert all(earlier < later for earlier, later in itertools.pairwise(dues))


def test_a_monthly_charge_due_on_the_fall_back_day_fires_once():
    dues = _due_instants_of(Interval(IntervalUnit.MONTH), date(2026, 9, 25), 3, 2, 30)
    assert dues[1] == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)
    assert [local_date(d, AMSTERDAM) for d in dues] == [
        date(2026, 9, 25),
        date(2026, 10, 25),
        date(2026, 11, 25),
    ]
