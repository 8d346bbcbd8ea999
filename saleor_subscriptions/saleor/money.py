"""Saleor's money, read exactly: the `amount` of a `Money` object (`{amount, currency}`) as a Decimal.

Saleor's amounts are GraphQL Floats, sent as JSON numbers. The app parses every JSON number with a fraction
as a Decimal (the client's answers, the webhook intakes), so the digits Saleor sent are kept; an int is exact
too. A Python float has already lost those digits, so one is refused, as are a missing amount, a bool, a
string and a value that is not finite: each with `SaleorMoneyError` naming what was read.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.money import round_to_minor_unit


class SaleorMoneyError(ValueError):
    """A money field from Saleor that is not an exact amount; the message names the field."""


def exact_number(value: Any, what: str) -> Decimal:
    """A number Saleor sent (`what` names it) as a Decimal: a Decimal or an int, nothing else."""
    if value is None:
        raise SaleorMoneyError(f"{what} has no amount")
    if isinstance(value, float):
        raise SaleorMoneyError(
            f"{what} is a float ({value!r}): Saleor's amounts must be parsed as Decimal (parse_float=Decimal)"
        )
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        raise SaleorMoneyError(f"{what} is not a number: {value!r}")
    amount = Decimal(value)
    if not amount.is_finite():
        raise SaleorMoneyError(f"{what} is not a finite number: {value!r}")
    return amount


def amount_of(money: Any, what: str) -> Decimal:
    """The `amount` of a Saleor `Money` object (`what` names it in a refusal), as it was sent."""
    return exact_number(money.get("amount") if isinstance(money, Mapping) else None, what)


def amount_in(money: Any, currency: str, what: str = "the amount") -> Decimal:
    """The `amount` of a Saleor `Money` object, rounded to the currency's minor units."""
    return round_to_minor_unit(amount_of(money, what), currency)
