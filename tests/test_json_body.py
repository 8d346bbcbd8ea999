"""Issue 13, item 5: a JSON body nested 100,000 levels deep is a 400 at /api/register and the GraphQL API (the
webhook intakes' own tests: tests/saleor/test_webhooks.py, tests/payments/stripe_webhooks/test_intake.py),
never a 500 (`RecursionError`); what the app's callers read is limited to MAX_DEPTH levels."""

from __future__ import annotations

import pytest

from saleor_subscriptions import json_body

DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def nested(levels: int) -> bytes:
    return b"[" * levels + b"]" * levels


def test_up_to_max_depth_is_read_and_one_more_is_refused():
    assert json_body.depth(json_body.loads(nested(json_body.MAX_DEPTH))) == json_body.MAX_DEPTH
    with pytest.raises(json_body.TooDeep):
        json_body.loads(nested(json_body.MAX_DEPTH + 1))
    with pytest.raises(ValueError):
        json_body.loads(DEEP)


@pytest.mark.django_db
def test_a_token_post_nested_100000_levels_deep_is_refused_with_400(client):
    response = client.generic(
        "POST",
        "/api/register",
        data=DEEP,
        content_type="application/json",
        headers={"Saleor-Api-Url": "https://shop.example.com/graphql/"},
    )

    assert response.status_code == 400
    assert response.json()["error"]["field"] == "auth_token"


@pytest.mark.django_db
def test_a_graphql_request_nested_100000_levels_deep_is_refused_with_400(client, settings):
    settings.API_MAX_BODY_BYTES = 2 * len(DEEP)  # under the size limit: the depth is what is refused
    response = client.generic("POST", "/graphql/", data=DEEP, content_type="application/json")

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "INVALID_REQUEST"
