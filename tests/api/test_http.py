"""/graphql/ over HTTP: a JSON POST without CSRF token, 400 for what cannot be run, GraphiQL only in DEBUG,
and an unexpected failure answered without its details."""

from __future__ import annotations

import logging

import pytest
from django.test import Client

from saleor_subscriptions.api.schema import schema

pytestmark = pytest.mark.django_db

PLANS = 'query { plans(variant: "x", channel: "default-channel") { id } }'


def post(client: Client, body: object, content_type: str = "application/json", **headers: str):
    return client.post("/graphql/", body, content_type=content_type, headers=headers)


def code_of(response) -> str:
    return str(response.json()["errors"][0]["extensions"]["code"])


def test_a_post_needs_no_csrf_token(db):
    client = Client(enforce_csrf_checks=True)

    response = post(client, {"query": "{ __typename }"})

    assert response.status_code == 200
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[1, 2]",
        '{"variables": {}}',
        '{"query": "{ __typename }", "variables": [1]}',
        '{"query": 5}',
    ],
)
def test_a_body_that_is_not_a_graphql_request_is_refused_400(client, body):
    response = post(client, body)

    assert response.status_code == 400
    assert code_of(response) == "INVALID_REQUEST"


def test_a_query_that_does_not_parse_is_refused_400(client):
    response = post(client, {"query": "query { plans("})

    assert (response.status_code, code_of(response)) == (400, "GRAPHQL_PARSE_FAILED")


def test_a_query_of_fields_that_do_not_exist_is_refused_400(client):
    response = post(client, {"query": "{ subscriptions { id } }"})

    assert (response.status_code, code_of(response)) == (400, "GRAPHQL_VALIDATION_FAILED")


def test_variables_of_the_wrong_type_are_refused_400(client):
    query = 'query P($c: String!) { plans(variant: "x", channel: $c) { id } }'

    response = post(client, {"query": query, "variables": {"c": 5}})

    assert (response.status_code, code_of(response)) == (400, "BAD_USER_INPUT")


def test_get_serves_no_graphiql_without_debug(client, settings):
    settings.DEBUG = False

    response = client.get("/graphql/")

    assert (response.status_code, response["Allow"]) == (405, "POST, OPTIONS")


def test_get_serves_graphiql_in_debug(client, settings):
    settings.DEBUG = True

    response = client.get("/graphql/")

    assert response.status_code == 200 and b"graphiql" in response.content.lower()


def test_an_unexpected_failure_is_logged_and_answered_without_details(client, monkeypatch, caplog):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database password is hunter2")

    query_type = schema.graphql_schema.query_type
    assert query_type is not None
    monkeypatch.setattr(query_type.fields["plans"], "resolve", broken)

    with caplog.at_level(logging.ERROR):
        response = post(client, {"query": PLANS})

    [error] = response.json()["errors"]
    assert (response.status_code, error["message"], error["extensions"]) == (
        200,
        "internal error",
        {"code": "INTERNAL_ERROR"},
    )
    assert "hunter2" not in response.content.decode()
    assert "hunter2" in caplog.text


def test_a_browser_storefront_on_another_origin_may_call_it(client):
    preflight = client.options(
        "/graphql/",
        headers={
            "Origin": "https://store.example.com",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization, content-type, saleor-api-url",
        },
    )
    response = post(client, {"query": "{ __typename }"}, Origin="https://store.example.com")

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Headers"] == "Authorization, Content-Type, Saleor-Api-Url"
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response
