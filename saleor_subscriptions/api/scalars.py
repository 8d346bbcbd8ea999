"""Scalars of the app's API."""

from __future__ import annotations

import re
from decimal import Decimal as PyDecimal
from typing import Any

import graphene
from graphql import GraphQLError, Undefined
from graphql.language.ast import FloatValueNode, IntValueNode, StringValueNode, ValueNode

from saleor_subscriptions.billing.money import parse_amount

MAX_LENGTH = 40
MAX_INTEGER_DIGITS = 15
MAX_DECIMALS = 10
_AMOUNT = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)", re.ASCII)
_RULE = (
    f"ASCII digits and a dot, nothing around them, no exponent, at most {MAX_INTEGER_DIGITS} digits "
    f"before the point and {MAX_DECIMALS} after"
)


def _in_range(value: PyDecimal) -> PyDecimal:
    """A decimal of at most MAX_INTEGER_DIGITS before the point and MAX_DECIMALS after (a JSON number may
    be written with an exponent, so its digits are counted, not its text)."""
    integral = value.adjusted() + 1 if value else 0
    decimals = max(0, -int(value.as_tuple().exponent))
    if integral > MAX_INTEGER_DIGITS or decimals > MAX_DECIMALS:
        raise GraphQLError(f"not a decimal: {str(value)[:MAX_LENGTH]} ({_RULE})")
    return value


class Decimal(graphene.Scalar):
    """An exact decimal number as a string, e.g. "39.00". Amounts are given and shown in the currency's minor
    units (2 decimals for EUR, 0 for JPY); a JSON number is read by its digits, never as a float. A string is
    ASCII digits with an optional sign and dot, nothing around them (no spaces, no full-width digits), at
    most 15 digits before the point and 10 after."""

    @staticmethod
    def serialize(value: Any) -> str:
        if isinstance(value, str):
            return value
        if isinstance(value, PyDecimal) and value.is_finite():
            return format(value, "f")
        raise GraphQLError(f"not a decimal: {value!r}")

    @staticmethod
    def parse_value(value: Any) -> PyDecimal:
        if isinstance(value, bool | float):
            raise GraphQLError(f'give a decimal as a string ("9.99"), not {value!r}')
        if isinstance(value, int):
            if abs(value) >= 10**MAX_INTEGER_DIGITS:
                raise GraphQLError(f"not a decimal: more than {MAX_INTEGER_DIGITS} digits before the point")
            return PyDecimal(value)
        if isinstance(value, PyDecimal):
            if not value.is_finite():
                raise GraphQLError(f"not a finite decimal: {value}")
            return _in_range(value)
        if isinstance(value, str):
            if len(value) > MAX_LENGTH or not _AMOUNT.fullmatch(value):
                shown = value if len(value) <= MAX_LENGTH else f"{value[:MAX_LENGTH]}…"
                raise GraphQLError(f"not a decimal: {shown!r} ({_RULE})")
            return _in_range(parse_amount(value))
        raise GraphQLError(f"not a decimal: {value!r}")

    @classmethod
    def parse_literal(cls, node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
            return cls.parse_value(node.value)
        return Undefined
