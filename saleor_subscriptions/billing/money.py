"""Money: amounts in steps the payment provider can charge, rounded half up (BILLING_RULES §3).

Amounts are `Decimal`, never float. Every amount the app makes (an invoice line, a proration, a discount, a
credit) is rounded with ROUND_HALF_UP, which rounds a half away from zero, to the currency's **chargeable
step**: its minor unit (JPY 0 decimals, EUR 2, KWD 3, as the CLDR data shipped with babel says), or the
coarser step Stripe charges in (`charge_step`: 0.010 KWD, whole ISK, HUF and TWD). So a credit of
-0.005 EUR becomes -0.01 just as a charge of 0.005 becomes 0.01, and 4.835 KWD becomes 4.840.

Decisions:
- Currency codes are ISO 4217 codes in upper case; "eur" is not a currency here (callers that take input from
  people upper-case it first).
- The chargeable steps are Stripe's ("Supported currencies", https://docs.stripe.com/currencies, and
  https://support.stripe.com/questions/deprecation-of-fractional-isk-charges-and-refunds): three-decimal
  currencies must end in 0; ISK is charged in whole krónur since April 2023; HUF and TWD are taken here in
  whole units too (Stripe pays them out as zero-decimal and refuses fractions there, so a fraction charged
  could not be refunded or paid out whole); the zero-decimal currencies (UGX among them) in whole units.
  Stripe is the only provider, so the table lives here, in the pure engine, and the Stripe adapter
  (`payments.stripe_amounts`) reads it.
- Amounts are *shown* with the currency's minor unit digits (`format_amount`): 4.840 KWD, 145.00 TWD.
- `parse_amount` reads plain decimal notation only ("12", "12.50", "-3.5"); exponents ("1e3"), thousands
  separators and decimal commas are refused, because a price typed by a person never needs them and a
  misread separator would be a hundredfold error.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from enum import StrEnum
from fractions import Fraction

from babel.numbers import get_currency_precision, is_currency

_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")

ZERO_DECIMAL = frozenset(
    {
        "BIF", "CLP", "DJF", "GNF", "JPY", "KMF", "KRW", "MGA",
        "PYG", "RWF", "UGX", "VND", "VUV", "XAF", "XOF", "XPF",
    }
)  # fmt: skip
"""Stripe's zero-decimal currencies: charged in whole units."""
THREE_DECIMAL = frozenset({"BHD", "JOD", "KWD", "OMR", "TND"})
"""Three decimals at Stripe, the last one always 0: charged in steps of 0.010."""
WHOLE_UNITS_ONLY = frozenset({"HUF", "ISK", "TWD"})
"""Stripe's special cases: two decimals in its API, charged here in whole units only (see Decisions)."""


class StepRule(StrEnum):
    """Why a currency's chargeable step is what it is (the table in docs/billing-engine.md)."""

    MINOR_UNIT = "minor_unit"
    ZERO_DECIMAL = "zero_decimal"
    THREE_DECIMAL = "three_decimal"
    WHOLE_UNITS_ONLY = "whole_units_only"


def step_rule(currency: str) -> StepRule:
    """Which of Stripe's rules sets `currency`'s chargeable step (§3)."""
    if currency in ZERO_DECIMAL:
        return StepRule.ZERO_DECIMAL
    if currency in THREE_DECIMAL:
        return StepRule.THREE_DECIMAL
    if currency in WHOLE_UNITS_ONLY:
        return StepRule.WHOLE_UNITS_ONLY
    return StepRule.MINOR_UNIT


def minor_units(currency: str) -> int:
    """The number of decimals of `currency`'s minor unit (JPY 0, EUR 2, KWD 3), §3; ValueError naming the code
    when babel does not know it."""
    if not isinstance(currency, str):
        raise ValueError(f"unknown currency {currency!r}")
    return _precision(currency)


@functools.cache
def _precision(currency: str) -> int:
    # Cached: babel reads its locale data on every call, and a renewal batch asks thousands of times.
    if not is_currency(currency):
        raise ValueError(f"unknown currency {currency!r}")
    return int(get_currency_precision(currency))


def minor_unit(currency: str) -> Decimal:
    """The smallest amount of `currency` (0.01 for EUR, 1 for JPY, 0.001 for KWD), §3."""
    return Decimal(1).scaleb(-minor_units(currency))


def charge_step(currency: str) -> Decimal:
    """The smallest step in which `currency` can be charged (§3): 0.01 EUR, 1 JPY, 0.010 KWD, 1 ISK, 1 TWD;
    written with the minor unit's digits."""
    return _charge_step(currency) if isinstance(currency, str) else minor_unit(currency)


@functools.cache
def _charge_step(currency: str) -> Decimal:
    unit = minor_unit(currency)
    rule = step_rule(currency)
    if rule is StepRule.THREE_DECIMAL:
        step = Decimal("0.01")
    elif rule in (StepRule.ZERO_DECIMAL, StepRule.WHOLE_UNITS_ONLY):
        step = Decimal(1)
    else:
        step = unit
    return max(step, unit).quantize(unit)


def _in_steps(units: int, currency: str) -> Decimal:
    """`units` chargeable steps of `currency` as an amount with the minor unit's digits; never -0."""
    amount = (charge_step(currency) * units).quantize(minor_unit(currency))
    return abs(amount) if amount.is_zero() else amount


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up (away from zero) to `currency`'s chargeable step (§3): 4.835 KWD is 4.840,
    144.5 TWD is 145.00, 1.005 EUR is 1.01; never a negative zero."""
    units = (amount / charge_step(currency)).to_integral_value(rounding=ROUND_HALF_UP)
    return _in_steps(int(units), currency)


def round_money_down(amount: Decimal, currency: str) -> Decimal:
    """`amount` cut to `currency`'s chargeable step towards zero: a balance may be used up but never
    exceeded, and what is used of it can be charged (§3, §8)."""
    units = (amount / charge_step(currency)).to_integral_value(rounding=ROUND_DOWN)
    return _in_steps(int(units), currency)


def round_fraction(value: Fraction, currency: str) -> Decimal:
    """An exact ratio of money rounded half up to `currency`'s chargeable step (§3): used for prorations, so
    that a share landing exactly on half a step rounds up however many digits the division would need."""
    scaled = abs(value) / Fraction(charge_step(currency))
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    return _in_steps(-units if value < 0 else units, currency)


def round_to_minor_unit(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded half up to `currency`'s minor unit, for figures that are shown but never charged on
    their own (a line's share of Saleor's tax); never a negative zero."""
    rounded = amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def is_chargeable(amount: Decimal, currency: str) -> bool:
    """Whether `amount` is a whole number of `currency`'s chargeable steps (§3): 4.840 KWD is, 4.835 is not;
    145 TWD is, 144.68 is not."""
    if not amount.is_finite():
        return False
    return (amount / charge_step(currency)) == (amount / charge_step(currency)).to_integral_value()


def describe_step(currency: str) -> str:
    """The chargeable step in words, for error messages: "KWD is charged in steps of 0.010"."""
    return f"{currency} is charged in steps of {charge_step(currency)}"


def is_representable(amount: Decimal, currency: str) -> bool:
    """Whether `amount` is a whole number of `currency`'s minor units (39.00 EUR is, 39.001 is not), §3."""
    return amount.is_finite() and amount == amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """`amount` as text with exactly `currency`'s minor units: "1500" JPY, "15.00" EUR, "12.500" KWD (§3)."""
    return format(round_to_minor_unit(amount, currency), "f")


def parse_amount(text: str) -> Decimal:
    """An amount typed as plain decimal text ("12.50"), §3; ValueError for NaN, infinity, exponents or
    garbage."""
    stripped = text.strip()
    if not _PLAIN_DECIMAL.fullmatch(stripped):
        raise ValueError(f"not an amount: {text!r}")
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only valid decimals
        raise ValueError(f"not an amount: {text!r}") from exc
