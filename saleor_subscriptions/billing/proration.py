"""Proration by calendar days (BILLING_RULES §2, §3, §7).

A partial period costs `price x days_used / days_in_full_period`, where the full period is the one the partial
period belongs to and the first day counts as used. Seed 004: 30.00 per month with anchor the 1st, bought on
16 November, is 15 of November's 30 days, so 15.00. The share is computed exactly and then rounded half up to
the currency's chargeable step once (§3), so a full period prorates to exactly its (rounded) price.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.money import round_fraction


def prorate(amount: Decimal, days_used: int, days_in_full_period: int, currency: str) -> Decimal:
    """`amount x days_used / days_in_full_period` rounded half up to the chargeable step (§2, §3): 30.00 for
    15 of 30 days is 15.00, and all the days of a period give exactly the amount."""
    if days_in_full_period <= 0:
        raise ValueError(f"a full period has at least one day, not {days_in_full_period}")
    if not 0 <= days_used <= days_in_full_period:
        raise ValueError(f"days used must be from 0 to {days_in_full_period}, not {days_used}")
    return round_fraction(Fraction(amount) * days_used / days_in_full_period, currency)


def prorate_period(amount: Decimal, period: Period, currency: str) -> Decimal:
    """The share of a full period's `amount` that `period` costs: its days over its full period's (§2)."""
    return prorate(amount, period.days, period.full_days, currency)


def days_left(period: Period, on: date) -> int:
    """The days of `period` from `on` to its end, `on` included (§7: the day of a change belongs to the new
    terms); ValueError when `on` is not in the period."""
    if not period.start <= on < period.end:
        raise ValueError(f"{on} is not in the period {period.start} to {period.end}")
    return (period.end - on).days


def unused_amount(amount: Decimal, period: Period, on: date, currency: str) -> Decimal:
    """The part of a period's `amount` not used when the subscription stops or changes on `on` (§1, §7): the
    days from `on` to the period's end over its full period's days, `on` itself counted as unused."""
    return prorate(amount, days_left(period, on), period.full_days, currency)
