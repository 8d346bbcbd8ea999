"""What one request may ask for (api/limits.py, issue 13 item 3): over a limit is answered at once, 400
`QUERY_TOO_COMPLEX` naming the limit, or 413 `REQUEST_TOO_LARGE`, and nothing runs."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from graphql import get_introspection_query

from saleor_subscriptions.api import limits

pytestmark = pytest.mark.django_db


def post(client: Client, query: str, **headers: str):
    return client.post("/graphql/", {"query": query}, content_type="application/json", headers=headers)


def error_of(response) -> dict:
    return dict(response.json()["errors"][0]["extensions"])


def aliases(count: int, field: str) -> str:
    return "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"


def test_a_thousand_aliases_of_plans_by_product_are_refused_at_once_without_a_query(client, shop, settings):
    settings.API_MAX_BODY_BYTES = 2_000_000
    query = aliases(1000, 'plans(product: "UHJvZHVjdDox", channel: "default-channel") { id name }')

    with CaptureQueriesContext(connection) as queries:
        response = post(client, query, **{"Saleor-Api-Url": shop.fake.api_url})

    assert (response.status_code, error_of(response)["code"]) == (400, "QUERY_TOO_COMPLEX")
    assert len(queries) == 0


def test_eleven_root_fields_are_refused_as_root_fields(client):
    response = post(client, aliases(limits.MAX_ROOT_FIELDS + 1, "__typename"))

    assert response.status_code == 400
    assert error_of(response) == {"code": "QUERY_TOO_COMPLEX", "limit": "rootFields", "maximum": 10}


def test_five_thousand_aliases_of_my_subscriptions_are_refused_as_too_large(client):
    response = post(client, aliases(5000, "mySubscriptions { id }"))

    assert (response.status_code, error_of(response)["code"]) == (413, "REQUEST_TOO_LARGE")


def test_five_thousand_aliases_within_a_larger_body_limit_are_still_too_complex(client, settings):
    settings.API_MAX_BODY_BYTES = 2_000_000

    response = post(client, aliases(5000, "mySubscriptions { id }"))

    assert (response.status_code, error_of(response)["code"]) == (400, "QUERY_TOO_COMPLEX")


def test_a_body_over_the_limit_is_refused_by_its_content_length_unread(client, settings):
    settings.API_MAX_BODY_BYTES = 1024
    body = json.dumps({"query": "{ __typename }", "pad": "x" * 2000})

    response = client.generic("POST", "/graphql/", body, content_type="application/json")

    assert (response.status_code, error_of(response)["code"]) == (413, "REQUEST_TOO_LARGE")


def test_many_fields_under_one_root_are_refused_as_fields(client):
    query = '{ plan(id: "x") { ' + " ".join(f"n{i}: name" for i in range(limits.MAX_FIELDS)) + " } }"

    response = post(client, query)

    assert (response.status_code, error_of(response)["limit"]) == (400, "fields")


def test_a_query_nested_deeper_than_the_limit_is_refused_as_depth(client):
    nested = "name"
    for _ in range(limits.MAX_DEPTH):
        nested = f"ofType {{ {nested} }}"
    query = f'{{ __type(name: "Plan") {{ fields {{ type {{ {nested} }} }} }} }}'

    response = post(client, query)

    assert (response.status_code, error_of(response)["limit"]) == (400, "depth")


def test_nested_introspection_lists_are_refused_as_cost(client):
    nested = "fields { type { fields { type { fields { type { fields { name } } } } } } }"
    query = f"{{ __schema {{ types {{ {nested} }} }} }}"

    response = post(client, query)

    assert (response.status_code, error_of(response)["limit"]) == (400, "introspectionCost")


def test_a_first_argument_counts_as_that_many_items_even_with_5000_digits(client):
    inner = "id status quantity plan { id name terms { version price usagePrices { metric price } } }"
    huge = "1" + "0" * 5000
    query = "{ " + " ".join(f"a{i}: mySubscriptions(first: {huge}) {{ {inner} }}" for i in range(3)) + " }"

    response = post(client, query)

    assert (response.status_code, error_of(response)["limit"]) == (400, "cost")


def test_fragments_that_spread_each_other_are_refused_not_looped(client):
    query = "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A __typename }"

    response = post(client, query)

    assert (response.status_code, error_of(response)["code"]) == (400, "GRAPHQL_VALIDATION_FAILED")


def test_a_long_chain_of_fragments_is_refused_as_depth_not_a_recursion_error(client):
    count = 2 * limits.MAX_DEPTH + 5
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} }}" for i in range(count))
    query = f"query {{ ...F0 }} {fragments} fragment F{count} on Query {{ __typename }}"

    response = post(client, query)

    assert (response.status_code, error_of(response)["limit"]) == (400, "depth")


def test_the_standard_introspection_query_is_within_the_limits(client):
    response = post(client, get_introspection_query(descriptions=True))

    assert response.status_code == 200
    assert response.json()["data"]["__schema"]["queryType"]["name"] == "Query"


def test_a_json_body_nested_too_deep_is_refused_400_not_500(client):
    body = "[" * 100_000 + "]" * 100_000

    response = client.generic("POST", "/graphql/", body, content_type="application/json")

    assert response.status_code in (400, 413)
    assert error_of(response)["code"] in ("INVALID_REQUEST", "REQUEST_TOO_LARGE")


def test_a_connection_counts_its_page_for_what_is_under_its_edges():
    from graphql import parse

    from saleor_subscriptions.api.limits import check_limits
    from saleor_subscriptions.api.schema import schema

    def cost(arguments: str) -> int:
        return check_limits(
            schema.graphql_schema,
            parse(f"{{ subscriptions{arguments} {{ edges {{ node {{ id status }} }} }} }}"),
        )

    assert cost("(first: 1)") == 1 + 1 * (1 + 1 * (1 + 2))
    assert cost("(last: 50)") == 1 + 50 * (1 + 1 * (1 + 2))
    assert cost("") == 1 + 100 * (1 + 1 * (1 + 2))
