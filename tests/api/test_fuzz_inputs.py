"""Property-based fuzzing of every mutation's inputs through /graphql/ (issue 13 item 8): whatever a caller
allowed to run the mutation sends (strings with control characters, 5,000-digit ids, full-width digits,
numbers at and past every range, real ids of this shop mixed in), the answer is never a 500 or
INTERNAL_ERROR, and every refusal carries a code. The mutations are read from the schema, so a new one is
fuzzed without being listed; its caller comes from the access table of test_access_matrix.py.

`EXAMPLES` per mutation keeps the suite fast; the inputs tried and the 500s found are printed at the end.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from tests.api.operations import Operation, document, operations, variables
from tests.api.test_access_matrix import ACCESS, EVERY_STAFF, PERMISSIONS
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

EXAMPLES = 40
TRIED = {"inputs": 0, "500s": 0, "internal errors": 0}
MUTATIONS = [operation for operation in operations() if operation.kind == "mutation"]

NASTY_STRINGS = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "Coffee\x00",
    "\x1b[31m",
    "\u0085",
    "9" * 5000,
    "x" * 1001,
    "１２",
    " 12.00",
    "12.00 ",
    "1e3",
    "NaN",
    "-0",
    "UGxhbjo5OTk5OTk5OTk5OTk5OTk5OTk5OTk5",  # Plan:99999999999999999999
    "U3Vic2NyaXB0aW9uOi0x",  # Subscription:-1
    "'; DROP TABLE subscriptions_subscription; --",
    "\ud7ff\ue000",
]
NASTY_INTS = [
    0,
    1,
    -1,
    2,
    28,
    29,
    120,
    121,
    365,
    366,
    730,
    731,
    1200,
    1201,
    10_000,
    10_001,
    2**31 - 1,
    -(2**31),
]
NASTY_AMOUNTS = [
    "0",
    "0.00",
    "-1.00",
    "999999.99",
    "1000000.00",
    "0.001",
    "9" * 15,
    "9" * 16,
    " 1",
    "１",
    "1e3",
]


@pytest.fixture(scope="module", autouse=True)
def fuzz_report() -> Iterator[None]:
    yield
    tried, failed, internal = TRIED["inputs"], TRIED["500s"], TRIED["internal errors"]
    print(f"\nfuzzing: {len(MUTATIONS)} mutations, {tried} inputs, {failed} 500s, {internal} INTERNAL_ERROR")


def scalar(type_: GraphQLScalarType, known: list[str]) -> st.SearchStrategy[Any]:
    if type_.name == "Int":
        return st.one_of(st.sampled_from(NASTY_INTS), st.integers(-(2**31), 2**31 - 1))
    if type_.name == "Boolean":
        return st.booleans()
    if type_.name == "Decimal":
        plain = st.decimals(min_value=-(10**7), max_value=10**7, places=2).map(str)
        return st.one_of(st.sampled_from(NASTY_AMOUNTS), plain, st.text(max_size=12))
    if type_.name == "Date":
        return st.one_of(
            st.dates().map(datetime.date.isoformat), st.sampled_from(["2026-02-30", "0000-01-01", ""])
        )
    ours, nasty = st.sampled_from(known), st.sampled_from(NASTY_STRINGS)
    if type_.name == "ID":  # mostly ids of this shop's objects, so that the input reaches what they name
        return st.one_of(ours, ours, ours, nasty, st.text(max_size=40))
    return st.one_of(nasty, nasty, ours, st.text(max_size=40))


def strategy(type_: GraphQLInputType, known: list[str]) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLNonNull):
        return value_strategy(type_.of_type, known)
    value = value_strategy(type_, known)
    return st.one_of(value, value, value, st.none())


def value_strategy(type_: GraphQLInputType, known: list[str]) -> st.SearchStrategy[Any]:
    if isinstance(type_, GraphQLList):
        return st.lists(strategy(type_.of_type, known), max_size=3)
    if isinstance(type_, GraphQLInputObjectType):
        required = {
            n: strategy(f.type, known) for n, f in type_.fields.items() if isinstance(f.type, GraphQLNonNull)
        }
        optional = {n: strategy(f.type, known) for n, f in type_.fields.items() if n not in required}
        return st.fixed_dictionaries(required, optional=optional)
    if isinstance(type_, GraphQLEnumType):
        return st.sampled_from(list(type_.values))
    assert isinstance(type_, GraphQLScalarType), type_
    return scalar(type_, known)


def _unwrapped(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _with(base: dict[str, Any], path: tuple[str, ...], value: Any) -> dict[str, Any]:
    changed = copy.deepcopy(base)
    target = changed
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value
    return changed


def _setter(base: dict[str, Any], path: tuple[str, ...]) -> Callable[[Any], dict[str, Any]]:
    return lambda value: _with(base, path, value)


def arguments(
    operation: Operation, known: list[str], base: dict[str, Any]
) -> st.SearchStrategy[dict[str, Any]]:
    """Either every argument at random, or valid arguments (`base`) with one argument or one field of an
    input object at random: a bad value then reaches the code that reads it instead of being refused with
    its neighbours."""
    args = operation.field.args
    required = {n: strategy(a.type, known) for n, a in args.items() if isinstance(a.type, GraphQLNonNull)}
    optional = {n: strategy(a.type, known) for n, a in args.items() if n not in required}
    one: list[st.SearchStrategy[dict[str, Any]]] = []
    for name, arg in args.items():
        one.append(strategy(arg.type, known).map(_setter(base, (name,))))
        inner = _unwrapped(arg.type)
        if isinstance(inner, GraphQLInputObjectType) and isinstance(base.get(name), dict):
            for field_name, field in inner.fields.items():
                one.append(strategy(field.type, known).map(_setter(base, (name, field_name))))
    return st.one_of(st.fixed_dictionaries(required, optional=optional), *one, *one)


def known_values(
    operation: Operation, shop: Any, *, version: Any, other: Any, mine: Any, checkout: str
) -> dict[str, Any]:
    """Valid arguments naming this shop's objects (the base one field at a time is fuzzed from)."""
    subject = (
        plan_global_id(version.plan_id)
        if operation.name.startswith("plan")
        else subscription_global_id(mine.pk)
    )
    return {
        "id": subject,
        "planId": plan_global_id(other.plan_id),
        "checkoutId": checkout,
        "variant": shop.saleor.variant.id,
        "variantId": shop.saleor.variant.id,
        "channel": "default-channel",
        "name": "Coffee",
        "quantity": 2,
        "terms": {"interval": "MONTH"},
        "secretKey": "sk_test_x",
        "publishableKey": "pk_test_x",
    }


def caller(shop: Any, operation: Operation) -> dict[str, Any]:
    """Someone the access table lets call the operation (so the fuzzing reaches the mutation's own checks)."""
    access = ACCESS[operation.name]
    if access.customer:
        return {"token": shop.customer_token()}
    if access.staff and access.staff != EVERY_STAFF:
        return {"token": shop.staff_token(tuple(PERMISSIONS))}
    return {"api_url": shop.fake.api_url}


def _codes_missing(body: dict[str, Any], name: str) -> list[Any]:
    missing = [e for e in body.get("errors", []) if not (e.get("extensions") or {}).get("code")]
    payload = (body.get("data") or {}).get(name) or {}
    missing += [e for e in (payload.get("errors") or []) if not e.get("code")]
    return missing


@pytest.mark.parametrize("operation", MUTATIONS, ids=[m.name for m in MUTATIONS])
def test_no_input_makes_a_mutation_fail_with_500_or_internal_error(api, shop, operation):
    version = shop.plan(customer_can_pause=True, setup_fee=Decimal("5.00"))
    other = shop.plan(name="Coffee dear", price=Decimal("45.00"))
    mine = make_subscription(version, customer_user_id=shop.saleor.customer.id, status="active")
    checkout = str(shop.fake.checkout_create(user=shop.saleor.customer.id, lines=[]).id)
    known = [
        plan_global_id(version.plan_id),
        plan_global_id(other.plan_id),
        subscription_global_id(mine.pk),
        checkout,
        shop.saleor.variant.id,
        "default-channel",
    ]
    auth = caller(shop, operation)
    query = document(operation)
    base = variables(
        operation, known_values(operation, shop, version=version, other=other, mine=mine, checkout=checkout)
    )

    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(arguments(operation, known, base))
    def run(values: dict[str, Any]) -> None:
        TRIED["inputs"] += 1
        status, body = api.post(query, values, **auth)
        TRIED["500s"] += status >= 500
        TRIED["internal errors"] += "INTERNAL_ERROR" in str(body)
        assert status < 500, (values, body)
        assert "INTERNAL_ERROR" not in str(body), (values, body)
        assert not _codes_missing(body, operation.name), (values, body)

    run()
