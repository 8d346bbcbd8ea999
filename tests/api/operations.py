"""Every operation of the app's API, read from the graphene schema, and documents that call each one: shared
by the authorisation matrix (test_access_matrix.py) and the input fuzzing (test_fuzz_inputs.py)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import (
    GraphQLEnumType,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLScalarType,
    get_named_type,
)

from saleor_subscriptions.api.schema import schema


@dataclass(frozen=True)
class Operation:
    kind: str  # "query" or "mutation"
    name: str
    field: GraphQLField


def operations() -> list[Operation]:
    """Every field of Query and Mutation (a new one shows up here without anyone listing it)."""
    found = []
    for kind, root in (
        ("query", schema.graphql_schema.query_type),
        ("mutation", schema.graphql_schema.mutation_type),
    ):
        assert root is not None
        found += [Operation(kind, name, field) for name, field in root.fields.items()]
    return found


def _type_text(type_: GraphQLInputType) -> str:
    return str(type_)


def selection(type_: Any) -> str:
    """A small selection of what an operation answers: ids, errors with their codes, else `__typename`."""
    named = get_named_type(type_)
    if not isinstance(named, GraphQLObjectType):
        return ""
    parts = ["__typename"]
    if "id" in named.fields:
        parts.append("id")
    if "errors" in named.fields:
        parts.append("errors { field code message }")
    for name in ("subscription", "plan", "lines", "stripeSettings"):
        if name in named.fields and isinstance(get_named_type(named.fields[name].type), GraphQLObjectType):
            inner = get_named_type(named.fields[name].type)
            assert isinstance(inner, GraphQLObjectType)
            parts.append(f"{name} {{ __typename {'id' if 'id' in inner.fields else ''} }}")
    return "{ " + " ".join(parts) + " }"


def document(operation: Operation) -> str:
    """`<kind> Op($a: T, …) { field(a: $a, …) { selection } }` with every argument as a variable."""
    args = operation.field.args
    declared = ", ".join(f"${name}: {_type_text(arg.type)}" for name, arg in args.items())
    passed = ", ".join(f"{name}: ${name}" for name in args)
    head = f"{operation.kind} Op({declared})" if args else operation.kind
    call = f"{operation.name}({passed})" if args else operation.name
    return f"{head} {{ {call} {selection(operation.field.type)} }}"


ValueFor = Callable[[str, GraphQLInputType], Any]
"""A value for an argument or input field by its name and type, or `MISSING` to use the generic one."""
MISSING = object()


def sample(name: str, type_: GraphQLInputType, known: Mapping[str, Any], required_only: bool = True) -> Any:
    """A value of `type_` that the schema accepts: `known[name]` when given, else a plain one of its type
    (an input object with its required fields, a list of one item)."""
    if name in known:
        return known[name]
    if isinstance(type_, GraphQLNonNull):
        return sample(name, type_.of_type, known, required_only)
    if isinstance(type_, GraphQLList):
        return [sample(name, type_.of_type, known, required_only)]
    if isinstance(type_, GraphQLInputObjectType):
        return {
            field_name: sample(field_name, field.type, known, required_only)
            for field_name, field in type_.fields.items()
            if not required_only or isinstance(field.type, GraphQLNonNull) or field_name in known
        }
    if isinstance(type_, GraphQLEnumType):
        return next(iter(type_.values))
    assert isinstance(type_, GraphQLScalarType), type_
    return {
        "Int": 1,
        "Float": 1.0,
        "Boolean": False,
        "Decimal": "1.00",
        "Date": "2027-01-01",
        "DateTime": "2027-01-01T00:00:00+00:00",
    }.get(type_.name, "x")


def variables(operation: Operation, known: Mapping[str, Any]) -> dict[str, Any]:
    """Values for every required argument (and every argument `known` names)."""
    return {
        name: sample(name, arg.type, known)
        for name, arg in operation.field.args.items()
        if isinstance(arg.type, GraphQLNonNull) or name in known
    }
