"""Saleor's global ids, money and country names, as the fake Saleor shows them."""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from babel import Locale
from babel.numbers import get_currency_precision


def global_id(type_name: str, pk: int | str) -> str:
    """Saleor's global id: standard base64 (with padding) of "Type:pk", e.g. `Q2hhbm5lbDox` for Channel:1."""
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def parse_global_id(value: str) -> tuple[str, str] | None:
    """(type, pk) of a global id, or None when it is not one."""
    try:
        decoded = base64.b64decode(value.encode(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return None
    type_name, sep, pk = decoded.partition(":")
    if not sep or not type_name or not pk:
        return None
    return type_name, pk


_CAMEL = re.compile(r"(?<!^)(?=[A-Z])")


def snake_case(name: str) -> str:
    """`streetAddress1` -> `street_address1`: how the fake finds a GraphQL field on its Python objects."""
    return _CAMEL.sub("_", name).lower()


def quantize(amount: Decimal, currency: str) -> Decimal:
    """Rounded to the currency's minor units, half up, as Saleor's `quantize_price` does."""
    exponent = Decimal(1).scaleb(-get_currency_precision(currency))
    return amount.quantize(exponent, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Money:
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class TaxedMoney:
    net: Money
    gross: Money

    @classmethod
    def of(cls, net: Decimal, gross: Decimal, currency: str) -> TaxedMoney:
        return cls(Money(net, currency), Money(gross, currency))

    @classmethod
    def zero(cls, currency: str) -> TaxedMoney:
        return cls.of(Decimal(0), Decimal(0), currency)

    @property
    def tax(self) -> Money:
        return Money(self.gross.amount - self.net.amount, self.gross.currency)

    @property
    def currency(self) -> str:
        return self.gross.currency

    def __add__(self, other: TaxedMoney) -> TaxedMoney:
        return TaxedMoney.of(
            self.net.amount + other.net.amount, self.gross.amount + other.gross.amount, self.currency
        )


# django-countries (which Saleor uses) names a few countries differently from CLDR.
_SALEOR_COUNTRY_NAMES = {
    "US": "United States of America",
    "GB": "United Kingdom",
    "BO": "Bolivia",
    "VE": "Venezuela",
    "TW": "Taiwan",
    "RU": "Russia",
}


def country_name(code: str) -> str:
    """The country's English name as Saleor's `CountryDisplay.country` gives it."""
    return _SALEOR_COUNTRY_NAMES.get(code) or str(Locale("en").territories.get(code, code))
