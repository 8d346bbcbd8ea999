"""The range of every number a shop owner or a customer gives (BILLING_RULES §1, §3, §7), so that no figure
the engine computes from them leaves what can be stored, dated or charged.

Decisions:
- One charge is at most 99,999,999 minor units (999,999.99 in a 2-decimal currency, 99,999,999 JPY): what
  Stripe charges at most. A plan's price, its setup fee and a usage price are each at most that, and so is
  what a quantity makes of them (a period's price x quantity, a first charge).
- A period is at most 10 years long, and a plan's fixed or minimum term at most 100 years: every date the
  calendar computes then stays far inside what a date can hold (year 9999).
- Counts of days (trial, notice, lead) are at most 730 or 365 days; a quantity at most 10,000 units.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.intervals import IntervalUnit
from saleor_subscriptions.billing.money import minor_units

MAX_CHARGE_MINOR_UNITS = 99_999_999
"""The most one charge can be, in minor units (Stripe's limit: 8 digits)."""
MAX_QUANTITY = 10_000
MAX_PERIOD_YEARS = 10
MAX_TERM_YEARS = 100
MAX_TRIAL_DAYS = 730
MAX_TRIAL_INTERVALS = 24
MAX_DAYS = 365
"""Notice, invoice lead and price-change notice days."""
MAX_CYCLES = 1_200
"""Billing and minimum cycles (100 years of monthly periods); longer periods: MAX_TERM_YEARS."""
MAX_PAUSE_PERIODS = 120
_PER_YEAR = {IntervalUnit.DAY: 366, IntervalUnit.WEEK: 53, IntervalUnit.MONTH: 12, IntervalUnit.YEAR: 1}


def max_charge(currency: str) -> Decimal:
    """The largest amount one charge in `currency` can be (§3)."""
    return Decimal(MAX_CHARGE_MINOR_UNITS).scaleb(-minor_units(currency))


def max_interval_count(unit: IntervalUnit) -> int:
    """The most intervals of `unit` one period may span (MAX_PERIOD_YEARS)."""
    return _PER_YEAR[unit] * MAX_PERIOD_YEARS


def periods_per_term(unit: IntervalUnit, interval_count: int) -> int:
    """How many periods of `interval_count` x `unit` fit in MAX_TERM_YEARS (at least 1)."""
    return max(1, _PER_YEAR[unit] * MAX_TERM_YEARS // max(1, interval_count))


def _over(value: object, maximum: int) -> bool:
    return isinstance(value, int) and value > maximum


def term_range_errors(terms: Mapping[str, Any], currency: str) -> list[tuple[str, str]]:
    """(field, reason) for each term of a plan version (§1) above its range: `terms` as the version's fields
    (`interval`, `interval_count`, `price`, … `usage_prices`). Lower bounds are the catalog's to check."""
    errors: list[tuple[str, str]] = []
    unit = IntervalUnit(terms["interval"]) if terms.get("interval") in set(IntervalUnit) else None
    count = terms.get("interval_count")
    if unit is not None and _over(count, max_interval_count(unit)):
        errors.append(
            (
                "interval_count",
                f"a period is at most {MAX_PERIOD_YEARS} years: at most "
                f"{max_interval_count(unit)} {unit.value}s",
            )
        )
    simple = {
        "trial_days": MAX_TRIAL_DAYS,
        "trial_intervals": MAX_TRIAL_INTERVALS,
        "invoice_lead_days": MAX_DAYS,
        "cancel_notice_days": MAX_DAYS,
        "price_change_notice_days": MAX_DAYS,
        "renewal_reminder_days": MAX_DAYS,
        "billing_cycles": MAX_CYCLES,
        "minimum_cycles": MAX_CYCLES,
    }
    for name, maximum in simple.items():
        if _over(terms.get(name), maximum):
            errors.append((name, f"at most {maximum:,}, not {terms[name]:,}"))
    if unit is not None and isinstance(count, int) and 1 <= count <= max_interval_count(unit):
        longest = periods_per_term(unit, count)
        for name in ("billing_cycles", "minimum_cycles"):
            value = terms.get(name)
            if _over(value, longest) and not _over(value, MAX_CYCLES):
                errors.append(
                    (name, f"a term is at most {MAX_TERM_YEARS} years: at most {longest:,} periods")
                )
    most = max_charge(currency)
    for name in ("price", "setup_fee"):
        amount = terms.get(name)
        if isinstance(amount, Decimal) and amount.is_finite() and amount > most:
            errors.append((name, f"at most {most} {currency}, what one charge can be"))
    usage = terms.get("usage_prices") or {}
    if any(Decimal(str(price)) > most for price in usage.values()):
        errors.append(("usage_prices", f"a usage price is at most {most} {currency}, what one charge can be"))
    return errors
