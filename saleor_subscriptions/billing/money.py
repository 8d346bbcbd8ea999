"""Money: amounts in a currency's minor units, rounded half up (BILLING_RULES §3).

Amounts are `Decimal`, never float. Every invoice line is rounded to the currency's minor unit (JPY 0
decimals, EUR 2, KWD 3, as the CLDR data shipped with babel says) with ROUND_HALF_UP, which rounds a half away
from zero, so a credit of -0.005 becomes -0.01 just as a charge of 0.005 becomes 0.01.

Decisions:
- Currency codes are ISO 4217 codes in upper case; "eur" is not a currency here (callers that take input from
  people upper-case it first).
- `parse_amount` reads plain decimal notation only ("12", "12.50", "-3.5"); exponents ("1e3"), thousands
  separators and decimal commas are refused, because a price typed by a person never needs them and a
  misread separator would be a hundredfold error.
"""

from __future__ import annotations

import functools
import re
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from fractions import Fraction

from babel.numbers import get_currency_precision, is_currency

_PLAIN_DECIMAL = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)")


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


def round_money(amount: Decimal, currency: str) -> Decimal:
    """`amount` rounded to `currency`'s minor unit with ROUND_HALF_UP (§3); never a negative zero."""
    rounded = amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)
    return abs(rounded) if rounded.is_zero() else rounded


def round_money_down(amount: Decimal, currency: str) -> Decimal:
    """`amount` cut to `currency`'s minor unit towards zero: a balance may be used up but never exceeded."""
    rounded = amount.quantize(minor_unit(currency), rounding=ROUND_DOWN)
    return abs(rounded) if rounded.is_zero() else rounded


def round_fraction(value: Fraction, currency: str) -> Decimal:
    """An exact ratio of money rounded half up to `currency`'s minor unit (§3): used for prorations, so that a
    share landing exactly on half a minor unit rounds up however many digits the division would need."""
    scale = 10 ** minor_units(currency)
    scaled = abs(value) * scale
    units = (scaled.numerator * 2 + scaled.denominator) // (scaled.denominator * 2)
    signed = -units if value < 0 else units
    return round_money(Decimal(signed) / Decimal(scale), currency)


def is_representable(amount: Decimal, currency: str) -> bool:
    """Whether `amount` is a whole number of `currency`'s minor units (39.00 EUR is, 39.001 is not), §3."""
    return amount.is_finite() and amount == amount.quantize(minor_unit(currency), rounding=ROUND_HALF_UP)


def format_amount(amount: Decimal, currency: str) -> str:
    """`amount` as text with exactly `currency`'s minor units: "1500" JPY, "15.00" EUR, "12.500" KWD (§3)."""
    return format(round_money(amount, currency), "f")


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
