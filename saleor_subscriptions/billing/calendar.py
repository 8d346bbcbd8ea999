"""The billing calendar: which days each period of a subscription covers (BILLING_RULES §2).

A calendar starts on the local date billing starts (the purchase date, or the end of a trial). Full periods
are counted from one anchor date A: full period j is [A + jxI, A + (j+1)xI), always computed from A. When
billing does not start on A, period 0 is a partial period [start, A), charged pro rata against the full period
it belongs to, [A - I, A); the full periods then follow as periods 1, 2, …

- Anchor = purchase date, `clamp`: A = start, no partial period.
- Anchor = purchase date, `first_of_next_month` (seed 004): a monthly or yearly plan started on the 29th, 30th
  or 31st has A = the 1st of the next month; on any other day it behaves as `clamp`.
- Anchor = day of month D (monthly and yearly plans only): A = start when start falls on D, otherwise the
  next date whose day is D.
- Weekly and daily plans always count from the purchase date.

Decisions:
- A yearly plan with a day-of-month anchor or `first_of_next_month` also renews on the next D (or the 1st),
  and its partial first period is prorated against the year that ends there, as the brief's rule reads.
- A calendar has no periods before its start: `period(k)` with k < 0 and `period_containing(d)` with d before
  the start raise ValueError (a trial is not a calendar period).
- A trial of N intervals under a purchase-date anchor (`clamp`) ends on `purchase + N x I`, clamped; the
  calendar that starts there keeps counting from the purchase date (its `origin`, with N as `origin_offset`):
  full period j starts on `purchase + (N + j) x I`, so the clamping comes back (bought 31 Jan with a one-month
  trial: 28 Feb, 31 Mar, 30 Apr). Under `first_of_next_month` or a day-of-month anchor the origin is not used:
  those rules choose their own renewal day from the date billing starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from saleor_subscriptions.billing.intervals import Interval, add_months

FIRST_OF_NEXT_MONTH_DAYS = (29, 30, 31)


class AnchorMode(StrEnum):
    """Where renewals fall (§1): on the purchase date, or on a day of the month."""

    PURCHASE = "purchase"
    DAY_OF_MONTH = "day_of_month"


class ShortMonthRule(StrEnum):
    """What a purchase on the 29th-31st does under a purchase-date anchor (§2, seed 004)."""

    CLAMP = "clamp"
    FIRST_OF_NEXT_MONTH = "first_of_next_month"


@dataclass(frozen=True)
class BillingAnchor:
    """Where renewals fall (§1, §2): on the purchase date, or on day `day` (1..28) of the month."""

    mode: AnchorMode = AnchorMode.PURCHASE
    day: int | None = None
    short_month_rule: ShortMonthRule = ShortMonthRule.CLAMP

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "mode", AnchorMode(self.mode))
        except ValueError:
            raise ValueError(f"unknown anchor mode {self.mode!r}; use purchase or day_of_month") from None
        try:
            object.__setattr__(self, "short_month_rule", ShortMonthRule(self.short_month_rule))
        except ValueError:
            raise ValueError(
                f"unknown short-month rule {self.short_month_rule!r}; use clamp or first_of_next_month"
            ) from None
        if self.mode is AnchorMode.DAY_OF_MONTH:
            if isinstance(self.day, bool) or not isinstance(self.day, int) or not 1 <= self.day <= 28:
                raise ValueError(f"a day-of-month anchor is a day from 1 to 28, not {self.day!r}")
        elif self.day is not None:
            raise ValueError("an anchor on the purchase date takes no day of the month")

    @classmethod
    def on_day(cls, day: int) -> BillingAnchor:
        """Renewals on day `day` of the month (§2)."""
        return cls(AnchorMode.DAY_OF_MONTH, day)


def check_anchor_fits(interval: Interval, anchor: BillingAnchor) -> None:
    """A day-of-month anchor applies to monthly and yearly plans only (§1, §2); ValueError otherwise."""
    if anchor.mode is AnchorMode.DAY_OF_MONTH and not interval.is_calendar_months:
        raise ValueError(
            "a day-of-month anchor applies to monthly and yearly plans only, not to a plan billed "
            f"{interval.label().lower()}: it renews on its purchase day"
        )


@dataclass(frozen=True)
class Period:
    """One billing period [start, end), end exclusive, and the full period [full_start, full_end) it
    belongs to; the two are equal for a full period (§2)."""

    index: int
    start: date
    end: date
    full_start: date
    full_end: date

    def __post_init__(self) -> None:
        if not self.full_start <= self.start < self.end <= self.full_end:
            raise ValueError(
                f"a period lies within its full period: {self.full_start} <= {self.start} < {self.end} "
                f"<= {self.full_end}"
            )

    @property
    def days(self) -> int:
        """Calendar days in this period, the start day counted and the end day not (§2)."""
        return (self.end - self.start).days

    @property
    def full_days(self) -> int:
        """Calendar days in the full period this one belongs to: the denominator of a proration (§2)."""
        return (self.full_end - self.full_start).days

    @property
    def is_partial(self) -> bool:
        """Whether this period is shorter than its full period and so charged pro rata (§2)."""
        return self.start != self.full_start or self.end != self.full_end

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day < self.end


@dataclass(frozen=True)
class BillingCalendar:
    """The periods of a subscription whose billing starts on local date `start` (§2).

    `origin` and `origin_offset`: billing starts after a trial of `origin_offset` intervals bought on `origin`
    (`start` = `origin` + `origin_offset` x interval); a purchase-date `clamp` anchor then counts its full
    periods from the origin, so a trial ending on a clamped day does not drag the renewals to it.
    """

    interval: Interval
    anchor: BillingAnchor
    start: date
    origin: date | None = None
    origin_offset: int = 0

    def __post_init__(self) -> None:
        check_anchor_fits(self.interval, self.anchor)
        offset = self.origin_offset
        if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
            raise ValueError(f"an origin offset is a whole number of at least 0, not {offset!r}")
        if self.origin is not None and self.interval.after(self.origin, offset) != self.start:
            raise ValueError(
                f"a calendar counted from {self.origin} + {offset} x {self.interval.label().lower()} "
                f"starts on {self.interval.after(self.origin, offset)}, not {self.start}"
            )

    @property
    def _count_from(self) -> tuple[date, int]:
        """(date, shift) with full period j starting on `interval.after(date, j + shift)` (§2): the origin and
        its offset under a purchase-date `clamp` anchor, else the anchor date itself."""
        if (
            self.origin is not None
            and self.anchor.mode is AnchorMode.PURCHASE
            and self.anchor.short_month_rule is ShortMonthRule.CLAMP
        ):
            return self.origin, self.origin_offset
        return self.anchor_date, 0

    @property
    def anchor_date(self) -> date:
        """The date full periods are counted from (§2): the start itself, the 1st after a purchase on the
        29th-31st under `first_of_next_month`, or the next day D under a day-of-month anchor."""
        if not self.interval.is_calendar_months:
            return self.start
        if self.anchor.mode is AnchorMode.DAY_OF_MONTH:
            assert self.anchor.day is not None
            if self.start.day == self.anchor.day:
                return self.start
            if self.start.day < self.anchor.day:
                return self.start.replace(day=self.anchor.day)
            return add_months(self.start.replace(day=self.anchor.day), 1)
        if (
            self.anchor.short_month_rule is ShortMonthRule.FIRST_OF_NEXT_MONTH
            and self.start.day in FIRST_OF_NEXT_MONTH_DAYS
        ):
            return add_months(self.start.replace(day=1), 1)
        return self.start

    @property
    def starts_with_partial_period(self) -> bool:
        """Whether period 0 is a partial period charged pro rata (billing does not start on the anchor)."""
        return self.anchor_date != self.start

    @property
    def first_full_index(self) -> int:
        """The index of the first full period: 1 after a partial first period, else 0. Period k >= this one
        starts on `interval.after(anchor_date, k - first_full_index)`."""
        return 1 if self.starts_with_partial_period else 0

    def period(self, k: int) -> Period:
        """Period k, computed directly from the anchor date and never from period k - 1 (§2)."""
        if k < 0:
            raise ValueError(f"a billing calendar has no period {k}: it starts at period 0 on {self.start}")
        anchor = self.anchor_date
        if k == 0 and self.starts_with_partial_period:
            return Period(0, self.start, anchor, self.interval.after(anchor, -1), anchor)
        base, shift = self._count_from
        j = k - self.first_full_index + shift
        start, end = self.interval.after(base, j), self.interval.after(base, j + 1)
        return Period(k, start, end, start, end)

    def period_containing(self, day: date) -> Period:
        """The period whose days include `day` (§2); ValueError for a day before the calendar starts."""
        if day < self.start:
            raise ValueError(f"{day} is before this billing calendar starts on {self.start}")
        anchor = self.anchor_date
        if day < anchor:
            return self.period(0)
        base, shift = self._count_from
        return self.period(self.interval.intervals_between(base, day) - shift + self.first_full_index)

    def periods(self, n: int, first: int = 0) -> list[Period]:
        """Periods first … first + n - 1 (§2)."""
        return [self.period(k) for k in range(first, first + n)]
