"""Intervals counted from an anchor, month ends clamped and restored (BILLING_RULES §2)."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.billing.intervals import Interval, IntervalUnit

MONTHLY = Interval(IntervalUnit.MONTH)
YEARLY = Interval(IntervalUnit.YEAR)


def test_a_jan_31_anchor_clamps_to_february_and_comes_back():
    assert [MONTHLY.after(date(2027, 1, 31), k) for k in range(5)] == [
        date(2027, 1, 31),
        date(2027, 2, 28),
        date(2027, 3, 31),
        date(2027, 4, 30),
        date(2027, 5, 31),
    ]


def test_a_jan_31_anchor_lands_on_feb_29_in_a_leap_year():
    assert MONTHLY.after(date(2028, 1, 31), 1) == date(2028, 2, 29)


def test_a_feb_29_yearly_anchor_clamps_to_feb_28_until_the_next_leap_year():
    assert [YEARLY.after(date(2024, 2, 29), k) for k in range(5)] == [
        date(2024, 2, 29),
        date(2025, 2, 28),
        date(2026, 2, 28),
        date(2027, 2, 28),
        date(2028, 2, 29),
    ]


def test_negative_steps_count_back_from_the_anchor():
    assert MONTHLY.after(date(2026, 12, 1), -1) == date(2026, 11, 1)
    assert MONTHLY.after(date(2026, 3, 31), -1) == date(2026, 2, 28)
    assert Interval(IntervalUnit.WEEK, 2).after(date(2026, 1, 15), -1) == date(2026, 1, 1)


def test_counts_multiply_the_unit():
    assert Interval(IntervalUnit.MONTH, 3).after(date(2026, 11, 30), 1) == date(2027, 2, 28)
    assert Interval(IntervalUnit.DAY, 10).after(date(2026, 1, 1), 3) == date(2026, 1, 31)
    assert Interval(IntervalUnit.YEAR, 2).after(date(2026, 5, 5), 2) == date(2030, 5, 5)


@pytest.mark.parametrize("count", [0, -1, True, 1.5])
def test_an_interval_count_is_a_whole_number_of_at_least_one(count):
    with pytest.raises(ValueError, match="count"):
        Interval(IntervalUnit.MONTH, count)


def test_an_unknown_unit_is_refused():
    with pytest.raises(ValueError, match="fortnight"):
        Interval("fortnight")  # type: ignore[arg-type]


def test_a_unit_given_as_text_becomes_the_enum():
    assert Interval("month").unit is IntervalUnit.MONTH  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("interval", "label"),
    [
        (Interval(IntervalUnit.MONTH), "Monthly"),
        (Interval(IntervalUnit.YEAR), "Yearly"),
        (Interval(IntervalUnit.WEEK), "Weekly"),
        (Interval(IntervalUnit.DAY), "Daily"),
        (Interval(IntervalUnit.MONTH, 3), "Every 3 months"),
    ],
)
def test_labels_read_as_a_customer_says_them(interval, label):
    assert interval.label() == label


def test_intervals_between_counts_whole_intervals_with_clamping():
    anchor = date(2026, 1, 31)
    assert MONTHLY.intervals_between(anchor, date(2026, 2, 27)) == 0
    assert MONTHLY.intervals_between(anchor, date(2026, 2, 28)) == 1
    assert MONTHLY.intervals_between(anchor, date(2026, 3, 30)) == 1
    assert MONTHLY.intervals_between(anchor, date(2026, 3, 31)) == 2
