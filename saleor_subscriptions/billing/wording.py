"""How figures and dates read on an invoice line: the same English text in every locale (BILLING_RULES §4).

Descriptions and reasons must be deterministic (they are compared, stored and shown), so dates are written
by hand ("1 Dec 2026") rather than with the machine's locale, and the typographic signs are fixed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from saleor_subscriptions.billing.intervals import Interval
from saleor_subscriptions.billing.money import format_amount, is_representable

TIMES = "\u00d7"
DASH = "\u2013"
MINUS = "\u2212"
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def show_date(day: date) -> str:
    """A date as a customer reads it, the same in every locale: "1 Dec 2026"."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


def show_dates(start: date, end: date) -> str:
    """A period as a customer reads it, the end exclusive as stored: "1 Dec 2026 \u2013 1 Jan 2027"."""
    return f"{show_date(start)} {DASH} {show_date(end)}"


def plan_label(interval: Interval) -> str:
    """A plan line's name for the customer: "Monthly plan", "Plan every 3 months"."""
    if interval.count == 1:
        return f"{interval.label()} plan"
    return f"Plan {interval.label().lower()}"


def show_amount(amount: Decimal, currency: str) -> str:
    """An amount with the currency's minor units, or every digit of a finer unit price ("0.0015")."""
    if is_representable(amount, currency):
        return format_amount(amount, currency)
    return format(amount.normalize(), "f")


def show_number(number: Decimal | int) -> str:
    """A quantity without trailing zeros: "4", "2.5"."""
    if isinstance(number, int):
        return str(number)
    return format(number.normalize(), "f")


def times(quantity: int) -> str:
    """After a name, " x 3" for a quantity of 3 (with a multiplication sign), nothing for 1."""
    return "" if quantity == 1 else f" {TIMES} {quantity}"
