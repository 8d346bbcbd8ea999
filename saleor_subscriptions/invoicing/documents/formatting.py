"""How figures and dates read in a shop's language: amounts in the currency's minor unit, dates spelled out.

Shared by the invoice documents and the emails, so a customer reads the same figure the same way in both.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Literal
from zoneinfo import ZoneInfo

from babel.dates import format_date
from babel.numbers import format_currency

from saleor_subscriptions.billing.money import round_to_minor_unit

Language = Literal["en", "nl"]
LANGUAGES: tuple[Language, ...] = ("en", "nl")

_LOCALES: dict[Language, str] = {"en": "en_GB", "nl": "nl_NL"}

_INTERVAL_WORDS: dict[Language, dict[str, tuple[str, str]]] = {
    # unit: (one, many)
    "en": {
        "day": ("day", "days"),
        "week": ("week", "weeks"),
        "month": ("month", "months"),
        "year": ("year", "years"),
    },
    "nl": {
        "day": ("dag", "dagen"),
        "week": ("week", "weken"),
        "month": ("maand", "maanden"),
        "year": ("jaar", "jaar"),
    },
}
_EN_DASH = "\u2013"
_PER: dict[Language, str] = {"en": "per", "nl": "per"}


def language_of(code: str) -> Language:
    """The document language for an installation's language code; English for anything we do not write."""
    short = code.split("-", maxsplit=1)[0].split("_", maxsplit=1)[0].lower()
    return "nl" if short == "nl" else "en"


def locale_of(language: Language) -> str:
    return _LOCALES[language]


def money(amount: Decimal, currency: str, language: Language) -> str:
    """An amount as the shop's customers write it, rounded to the currency's minor unit half up (§3):
    `€ 1.234,50` in Dutch, `€1,234.50` in English, `JP¥1,500` for yen."""
    rounded = round_to_minor_unit(amount, currency)
    text: str = format_currency(
        rounded, currency, locale=locale_of(language), currency_digits=True, decimal_quantization=True
    )
    return text


def day(value: date, language: Language) -> str:
    """A calendar date spelled out: `16 november 2026` in Dutch, `16 November 2026` in English."""
    text: str = format_date(value, format="long", locale=locale_of(language))
    return text


def local_date(instant: datetime, time_zone: str) -> date:
    """The calendar date an instant falls on in the shop's time zone (BILLING_RULES §2)."""
    return instant.astimezone(ZoneInfo(time_zone)).date()


def period(start: date, end: date, language: Language) -> str:
    """A billing period, stored half-open [start, end), shown with its last day, joined by an en dash."""
    last = end - timedelta(days=1) if end > start else end
    return f"{day(start, language)} {_EN_DASH} {day(last, language)}"


def interval(unit: str, count: int, language: Language) -> str:
    """`month`, `3 months`, `jaar`, `3 maanden`: the length of one billing period."""
    one, many = _INTERVAL_WORDS[language].get(unit, (unit, unit))
    return one if count == 1 else f"{count} {many}"


def price_per_interval(amount: Decimal, currency: str, unit: str, count: int, language: Language) -> str:
    """`€ 39,00 per maand`, `€390.00 per year`, `€ 117,00 per 3 maanden`."""
    return f"{money(amount, currency, language)} {_PER[language]} {interval(unit, count, language)}"
