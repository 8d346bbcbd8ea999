"""Billing intervals: every N days, weeks, months or years, counted from an anchor (BILLING_RULES §1, §2).

Month arithmetic clamps to the last day of a shorter month and comes back: from Jan 31 the dates are Feb 28
(29 in a leap year), Mar 31, Apr 30. The k-th date is always computed from the anchor, never from the previous
date, so a clamped February never drags the following months to the 28th.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum


class IntervalUnit(StrEnum):
    """The unit of a billing interval (§1)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    YEAR = "year"


_ADVERB = {
    IntervalUnit.DAY: "Daily",
    IntervalUnit.WEEK: "Weekly",
    IntervalUnit.MONTH: "Monthly",
    IntervalUnit.YEAR: "Yearly",
}


def add_months(anchor: date, months: int) -> date:
    """`anchor` moved by `months` calendar months, clamped to the last day of a shorter month (§2)."""
    month_index = anchor.year * 12 + (anchor.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(anchor.day, last_day))


@dataclass(frozen=True)
class Interval:
    """The length of one billing period: `count` days, weeks, months or years (§1), `count` >= 1."""

    unit: IntervalUnit
    count: int = 1

    def __post_init__(self) -> None:
        try:
            unit = IntervalUnit(self.unit)
        except ValueError:
            raise ValueError(f"unknown interval unit {self.unit!r}; use day, week, month or year") from None
        object.__setattr__(self, "unit", unit)
        if isinstance(self.count, bool) or not isinstance(self.count, int):
            raise ValueError(f"an interval count is a whole number, not {self.count!r}")
        if self.count < 1:
            raise ValueError(f"an interval count is at least 1, not {self.count}")

    @property
    def is_calendar_months(self) -> bool:
        """Whether this interval is counted in months (monthly and yearly plans), where month ends matter."""
        return self.unit in (IntervalUnit.MONTH, IntervalUnit.YEAR)

    @property
    def months(self) -> int:
        """The number of months in one interval; 0 for daily and weekly plans."""
        if self.unit is IntervalUnit.MONTH:
            return self.count
        if self.unit is IntervalUnit.YEAR:
            return 12 * self.count
        return 0

    @property
    def days(self) -> int:
        """The number of days in one interval of a daily or weekly plan; 0 for monthly and yearly plans."""
        if self.unit is IntervalUnit.DAY:
            return self.count
        if self.unit is IntervalUnit.WEEK:
            return 7 * self.count
        return 0

    def after(self, anchor: date, k: int) -> date:
        """`anchor` + k x this interval, counted from the anchor and clamped to shorter months (§2): from
        Jan 31, k = 1, 2, 3 give Feb 28/29, Mar 31, Apr 30. `k` may be negative."""
        if self.is_calendar_months:
            return add_months(anchor, k * self.months)
        return anchor + timedelta(days=k * self.days)

    def intervals_between(self, anchor: date, day: date) -> int:
        """The largest k with `after(anchor, k)` <= `day`: how many whole intervals lie between them (§2)."""
        if self.is_calendar_months:
            months = (day.year - anchor.year) * 12 + (day.month - anchor.month)
            k = months // self.months
        else:
            k = (day - anchor).days // self.days
        # Clamping can put the estimate one interval off either way.
        while self.after(anchor, k) > day:
            k -= 1
        while self.after(anchor, k + 1) <= day:
            k += 1
        return k

    def label(self) -> str:
        """How a customer reads this interval: "Monthly", "Every 3 months"."""
        if self.count == 1:
            return _ADVERB[self.unit]
        return f"Every {self.count} {self.unit.value}s"

    def __str__(self) -> str:
        return self.label()
