"""GraphQL execution: `graphql/saleor/schema.graphql` with the fake's resolvers, answering as Saleor does.

Every field without its own resolver reads the Python object (`currencyCode` -> `.currency_code`, or the key
of a dict); abstract types are resolved by the object's `TYPE` (or a dict's `__typename`). A request that
does not parse or validate, or whose variables do not fit, gets HTTP 400 with `errors`; errors raised by
resolvers come back with `extensions.exception.code`, unexpected ones as "Internal Server Error" (the
traceback goes to stderr), as Saleor does with DEBUG off.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from graphql import (
    DocumentNode,
    GraphQLError,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    ValueNode,
    build_schema,
    execute_sync,
    parse,
    validate,
    value_from_ast_untyped,
)

from saleor_subscriptions.saleor.documents import SCHEMA_PATH

from . import (
    promotions,
    resolvers_bulk,
    resolvers_catalog,
    resolvers_checkout,
    resolvers_meta,
    resolvers_order_status,
    resolvers_orders,
    resolvers_payments,
    resolvers_tax,
)
from .auth import Context, Env, Principal
from .ids import snake_case
from .state import PendingEvent

RESOLVER_MODULES = (
    resolvers_catalog,
    resolvers_meta,
    resolvers_checkout,
    resolvers_orders,
    resolvers_bulk,
    resolvers_payments,
    resolvers_tax,
    promotions,
    resolvers_order_status,
)


def _positive_decimal(value: Any) -> Decimal:
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise GraphQLError(f"PositiveDecimal cannot represent value: {value!r}") from None
    if not number.is_finite() or number < 0:
        raise GraphQLError(f"Value cannot be lower than 0. Unsupported value: {value}")
    return number


def _literal(node: ValueNode, variables: dict[str, Any] | None = None) -> Any:
    return value_from_ast_untyped(node, variables)


def _datetime(value: Any) -> datetime:
    try:
        return datetime.fromisoformat(str(value))
    except ValueError:
        raise GraphQLError(f"DateTime cannot represent value: {value!r}") from None


def _serialize_datetime(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


DASHBOARD_QUERIES = """
extend type Query {
  product(id: ID, slug: String, externalReference: String, channel: String): Product
  channels: [Channel!]
}
"""
"""Saleor 3.21's fields that the app's dashboard pages ask for in the browser
(`dashboard_extension/src/saleor`), beyond the subset the app itself sends."""


def build_fake_schema(path: Path = SCHEMA_PATH) -> GraphQLSchema:
    """The subset schema with the fake's scalars and resolvers attached (fields it lacks are skipped)."""
    schema = build_schema(path.read_text(encoding="utf-8") + DASHBOARD_QUERIES)
    scalars = {name: t for name, t in schema.type_map.items() if isinstance(t, GraphQLScalarType)}
    # Saleor serialises PositiveDecimal as a number and DateTime as ISO 8601; inputs are parsed to Decimal and
    # aware datetimes. (Instance attributes shadow GraphQLScalarType's defaults.)
    if "PositiveDecimal" in scalars:
        vars(scalars["PositiveDecimal"]).update(
            serialize=float,
            parse_value=_positive_decimal,
            parse_literal=lambda node, variables=None: _positive_decimal(_literal(node, variables)),
        )
    if "DateTime" in scalars:
        vars(scalars["DateTime"]).update(
            serialize=_serialize_datetime,
            parse_value=_datetime,
            parse_literal=lambda node, variables=None: _datetime(_literal(node, variables)),
        )
    for name in ("JSON", "GenericScalar", "WeightScalar"):
        if name in scalars:
            vars(scalars[name]).update(parse_literal=_literal)
    for module in RESOLVER_MODULES:
        for type_name, fields in module.RESOLVERS.items():
            graphql_type = schema.type_map.get(type_name)
            if not isinstance(graphql_type, GraphQLObjectType):
                continue
            for field_name, resolve in fields.items():
                if field_name in graphql_type.fields:
                    graphql_type.fields[field_name].resolve = resolve
    resolvers_meta.attach_metadata_resolvers(schema)
    return schema


def default_field_resolver(source: Any, info: Any, **_args: Any) -> Any:
    if isinstance(source, Mapping):
        return source.get(info.field_name)
    return getattr(source, snake_case(info.field_name), None)


def type_resolver(value: Any, _info: Any, _abstract_type: Any) -> str | None:
    if isinstance(value, Mapping):
        typename = value.get("__typename")
        return str(typename) if typename else None
    return getattr(value, "TYPE", None) or None


def format_error(error: GraphQLError) -> dict[str, Any]:
    formatted: dict[str, Any] = {"message": error.message}
    if error.locations:
        formatted["locations"] = [{"line": loc.line, "column": loc.column} for loc in error.locations]
    if error.path:
        formatted["path"] = list(error.path)
    original = error.original_error
    if original is not None and not isinstance(original, GraphQLError):
        # A SaleorCrash reproduces a real Saleor failure on purpose: no traceback for it.
        code = getattr(original, "saleor_code", None)
        if code is None:
            traceback.print_exception(type(original), original, original.__traceback__, file=sys.stderr)
        formatted["message"] = "Internal Server Error"
        formatted["extensions"] = {"exception": {"code": code or type(original).__name__}}
        return formatted
    extensions = dict(error.extensions or {})
    extensions.setdefault("exception", {"code": "GraphQLError"})
    formatted["extensions"] = extensions
    return formatted


@dataclass
class Outcome:
    """The answer to one GraphQL request, and the webhook events it caused."""

    status: int
    body: dict[str, Any]
    operation_name: str | None = None
    events: list[PendingEvent] = field(default_factory=list)
    prepared: list[Any] = field(default_factory=list)  # the webhook deliveries made of `events`


def _operation(document: DocumentNode, name: str | None) -> OperationDefinitionNode | None:
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if name:
        return next((o for o in operations if o.name and o.name.value == name), None)
    return operations[0] if len(operations) == 1 else None


def operation_name_of(query: str, given: str | None = None) -> str | None:
    """The operation a request runs (the `operationName`, else the document's only operation's name)."""
    if given:
        return given
    try:
        operation = _operation(parse(query), None)
    except GraphQLError:
        return None
    return operation.name.value if operation and operation.name else None


def _bad_request(message: str, code: str = "GraphQLError") -> Outcome:
    return Outcome(400, {"errors": [{"message": message, "extensions": {"exception": {"code": code}}}]})


def run_request(schema: GraphQLSchema, env: Env, payload: Any, token: str | None) -> Outcome:
    """Runs one `POST /graphql/` body (`{"query", "variables", "operationName"}`) as Saleor would."""
    if not isinstance(payload, dict):
        return _bad_request("Unable to parse query.")
    query = payload.get("query")
    if not query or not isinstance(query, str):
        return _bad_request("Must provide a query string.")
    variables = payload.get("variables") or {}
    name = payload.get("operationName") or None
    try:
        document = parse(query)
    except GraphQLError as error:
        return Outcome(
            400,
            {"errors": [format_error(error) | {"extensions": {"exception": {"code": "GraphQLSyntaxError"}}}]},
        )
    validation_errors = validate(schema, document)
    if validation_errors:
        return Outcome(400, {"errors": [format_error(e) for e in validation_errors]})
    operation = _operation(document, name)
    operation_name = operation.name.value if operation and operation.name else None
    if operation is not None and operation.operation == OperationType.SUBSCRIPTION:
        return _bad_request("Subscriptions are not allowed over HTTP.")
    context = Context(env, token=token)
    with env.store.lock:
        result = execute_sync(
            schema,
            document,
            context_value=context,
            variable_values=variables if isinstance(variables, dict) else None,
            operation_name=name,
            field_resolver=default_field_resolver,
            type_resolver=type_resolver,
        )
        events = env.store.take_events()
    errors = [format_error(e) for e in result.errors or []]
    if result.data is None:
        return Outcome(400, {"errors": errors}, operation_name)
    body: dict[str, Any] = {}
    if errors:
        body["errors"] = errors
    body["data"] = result.data
    is_query = operation is not None and operation.operation == OperationType.QUERY
    cost = len(operation.selection_set.selections) if operation is not None and is_query else 0
    body["extensions"] = {"cost": {"requestedQueryCost": cost, "maximumAvailable": 50000}}
    return Outcome(200, body, operation_name, events)


def run_subscription(
    schema: GraphQLSchema, env: Env, document: DocumentNode, event: Mapping[str, Any], principal: Principal
) -> tuple[dict[str, Any] | None, list[dict[str, Any]]]:
    """The `event` a webhook's subscription selects from this event object, read with the app's rights."""
    context = Context(env, fixed_principal=principal)
    with env.store.lock:
        result = execute_sync(
            schema,
            document,
            root_value={"event": event},
            context_value=context,
            field_resolver=default_field_resolver,
            type_resolver=type_resolver,
        )
    errors = [format_error(e) for e in result.errors or []]
    data = result.data.get("event") if result.data else None
    return data, errors


def run_in_process(
    schema: GraphQLSchema, env: Env, query: str, variables: Mapping[str, Any] | None, principal: Principal
) -> tuple[dict[str, Any], list[PendingEvent]]:
    """A document run directly with a given principal (no HTTP, no faults): `{"data", "errors"?}` and the
    webhook events it caused."""
    document = parse(query)
    validation_errors = validate(schema, document)
    if validation_errors:
        return {"errors": [format_error(e) for e in validation_errors]}, []
    context = Context(env, fixed_principal=principal)
    with env.store.lock:
        result = execute_sync(
            schema,
            document,
            context_value=context,
            variable_values=dict(variables or {}),
            field_resolver=default_field_resolver,
            type_resolver=type_resolver,
        )
        events = env.store.take_events()
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) for e in result.errors]
    return body, events
