"""The lines of a change in the middle of a period (BILLING_RULES §2, §7, §8): an upgrade, a downgrade or a
switch of plan on day `on`, as PRORATION lines that say why, their facts kept for any language.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.lines import LineKind, PricedLine
from saleor_subscriptions.billing.money import format_amount, round_fraction
from saleor_subscriptions.billing.proration import days_left
from saleor_subscriptions.billing.wording import MINUS, TIMES, show_dates
from saleor_subscriptions.billing.wording_lines import facts


def proration_for_change(
    old_amount: Decimal, new_amount: Decimal, period: Period, on: date, currency: str
) -> Decimal:
    """What a change on day `on` costs for the rest of `period` (§2, §7): (new - old) x days from `on` to the
    period's end / the full period's days, `on` counted as a day of the new terms. Positive is charged now (an
    upgrade); negative is credited (a downgrade now: the unused part of the old price less the new price for
    the same days)."""
    return prorate_difference(old_amount, new_amount, days_left(period, on), period.full_days, currency)


def prorate_difference(
    old_amount: Decimal, new_amount: Decimal, days: int, full_days: int, currency: str
) -> Decimal:
    """(new - old) x days / full_days, rounded once, half away from zero (§3)."""
    if not 0 <= days <= full_days or full_days <= 0:
        raise ValueError(f"days must be from 0 to {full_days}, not {days}")
    return round_fraction((Fraction(new_amount) - Fraction(old_amount)) * days / full_days, currency)


def proration_lines_for_change(
    old_amount: Decimal, new_amount: Decimal, period: Period, on: date, currency: str
) -> list[PricedLine]:
    """`proration_for_change` as an invoice line that says why (§4, §7): a PRORATION line, positive for a
    charge and negative for a credit; no line when nothing changes."""
    amount = proration_for_change(old_amount, new_amount, period, on, currency)
    if amount == 0:
        return []
    left = days_left(period, on)
    reason = (
        f"({format_amount(new_amount, currency)} {MINUS} {format_amount(old_amount, currency)})"
        f" {TIMES} {left}/{period.full_days} days"
    )
    said = facts(
        "change",
        currency=currency,
        new=new_amount,
        old=old_amount,
        days=left,
        full_days=period.full_days,
        start=on,
        end=period.end,
    )
    return [_change_line(amount, period, on, reason, said)]


def _change_line(
    amount: Decimal, period: Period, on: date, reason: str, said: tuple[tuple[str, str], ...]
) -> PricedLine:
    """The PRORATION line of a change on day `on` for the rest of `period`."""
    left = days_left(period, on)
    return PricedLine(
        kind=LineKind.PRORATION,
        description=f"Plan change, {show_dates(on, period.end)} ({left} of {period.full_days} days)",
        amount=amount,
        quantity=1,
        unit_amount=amount,
        period_start=on,
        period_end=period.end,
        reason=reason,
        facts=said,
    )


def switch_lines_against_paid(
    paid_unused: Fraction, new_amount: Decimal, period: Period, on: date, currency: str
) -> list[PricedLine]:
    """A switch of plan on day `on` (§7, §8) as a PRORATION line: the new plan's full-period `new_amount` for
    the days from `on` to the period's end (`on` included) less `paid_unused`, the unused part of what was
    actually charged for the period on the old plan (after its discount); rounded once. Positive is charged
    now, negative is credited; no line when nothing changes. With an undiscounted period paid at the old
    list price this is exactly `proration_lines_for_change`."""
    left = days_left(period, on)
    amount = round_fraction(Fraction(new_amount) * left / period.full_days - paid_unused, currency)
    if amount == 0:
        return []
    reason = (
        f"{format_amount(new_amount, currency)} {TIMES} {left}/{period.full_days} days {MINUS} "
        f"{format_amount(round_fraction(paid_unused, currency), currency)} unused of what was paid "
        f"for {show_dates(period.start, period.end)}"
    )
    said = facts(
        "switch",
        currency=currency,
        new=new_amount,
        paid_unused=round_fraction(paid_unused, currency),
        days=left,
        full_days=period.full_days,
        start=on,
        end=period.end,
        paid_start=period.start,
        paid_end=period.end,
    )
    return [_change_line(amount, period, on, reason, said)]
