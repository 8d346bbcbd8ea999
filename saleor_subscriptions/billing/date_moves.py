"""The money of moving a subscription's next billing date (BILLING_RULES §2, §7 "an admin may also change the
next billing date (prorating)", §8).

Moving the date re-anchors the schedule: the new date D becomes the anchor, and period k of the new schedule
starts on D + k x interval (§2). The days between the current period's end E and D are the bridge:

- D later than E: the days [E, D) are billed pro rata, as the partial period before an anchor is (§2, seed
  004): price x quantity x bridge days / days of the full period that ends on D, [D - interval, D). So D is at
  most one interval after E (the bridge lies within that full period).
- D earlier than E: the days [D, E) were paid for and are not used: their share of what the period's
  invoices actually charged comes back as credit (§8), never a share of the list price.
"""

from __future__ import annotations

from datetime import date
from fractions import Fraction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.intervals import Interval
from saleor_subscriptions.billing.lines import LineKind, PricedLine
from saleor_subscriptions.billing.money import format_amount, round_fraction
from saleor_subscriptions.billing.wording import show_dates
from saleor_subscriptions.billing.wording_lines import facts


def latest_billing_date(period_end: date, interval: Interval) -> date:
    """The latest day the next billing date may move to: one interval after the current period's end."""
    return interval.after(period_end, 1)


def bridge_period(index: int, period_end: date, new_date: date, interval: Interval) -> Period:
    """The bridge of a later date: the days [period_end, new_date) as a partial period of the full period
    that ends on `new_date` (§2); ValueError when `new_date` is not after `period_end` or is more than one
    interval after it."""
    if new_date <= period_end:
        raise ValueError(f"{new_date} is not after the period's end {period_end}")
    if new_date > latest_billing_date(period_end, interval):
        raise ValueError(f"{new_date} is more than one interval after {period_end}")
    return Period(index, period_end, new_date, interval.after(new_date, -1), new_date)


def unused_days_line(
    paid_unused: Fraction, new_date: date, period_start: date, period_end: date, currency: str
) -> list[PricedLine]:
    """The credit of an earlier date: the unused part `paid_unused` of what was charged for the period
    [period_start, period_end), for its days from `new_date` on (§8), as a negative PRORATION line rounded
    once; no line when nothing was charged for those days."""
    if not period_start < new_date < period_end:
        raise ValueError(f"{new_date} is not inside the period {period_start} to {period_end}")
    amount = round_fraction(paid_unused, currency)
    if amount <= 0:
        return []
    days = (period_end - new_date).days
    line = PricedLine(
        kind=LineKind.PRORATION,
        description=f"Billing date moved: unused days, {show_dates(new_date, period_end)}",
        amount=-amount,
        quantity=1,
        unit_amount=-amount,
        period_start=new_date,
        period_end=period_end,
        reason=(
            f"{format_amount(amount, currency)} unused of what was paid for "
            f"{show_dates(period_start, period_end)} ({days} days)"
        ),
        facts=facts(
            "date_move_credit",
            currency=currency,
            paid_unused=amount,
            days=days,
            start=new_date,
            end=period_end,
            paid_start=period_start,
            paid_end=period_end,
        ),
    )
    return [line]
