"""Scalars of the app's API."""

from __future__ import annotations

from decimal import Decimal as PyDecimal
from typing import Any

import graphene
from graphql import GraphQLError, Undefined
from graphql.language.ast import FloatValueNode, IntValueNode, StringValueNode, ValueNode

from saleor_subscriptions.billing.money import parse_amount


class Decimal(graphene.Scalar):
    """An exact decimal number as a string, e.g. "39.00". Amounts are given and shown in the currency's minor
    units (2 decimals for EUR, 0 for JPY); a JSON number is read by its digits, never as a float."""

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
            return PyDecimal(value)
        if isinstance(value, PyDecimal):
            if not value.is_finite():
                raise GraphQLError(f"not a finite decimal: {value}")
            return value
        if isinstance(value, str):
            try:
                return parse_amount(value)
            except ValueError:
                raise GraphQLError(f"not a decimal: {value!r} (plain digits, a dot, no exponent)") from None
        raise GraphQLError(f"not a decimal: {value!r}")

    @classmethod
    def parse_literal(cls, node: ValueNode, _variables: Any = None) -> Any:
        if isinstance(node, StringValueNode | IntValueNode | FloatValueNode):
            return cls.parse_value(node.value)
        return Undefined
