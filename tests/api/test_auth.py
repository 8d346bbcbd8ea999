"""Who may ask: Saleor's customer and dashboard tokens checked against the shop's JWKS, anonymous storefronts
naming their shop, and every refusal with its code (the request is not run)."""

from __future__ import annotations

import time

import pytest

from saleor_subscriptions.tenants.models import Installation
from tests.saleor.helpers import SigningKey

pytestmark = pytest.mark.django_db

PLANS = 'query { plans(variant: "UHJvZHVjdFZhcmlhbnQ6MQ==", channel: "default-channel") { id } }'
ARCHIVE = 'mutation { planArchive(id: "UGxhbjox") { errors { field code message } } }'


def claims(shop, **changes):
    now = int(time.time())
    base = {
        "iat": now,
        "owner": "saleor",
        "iss": shop.fake.api_url,
        "exp": now + 300,
        "token": "abc",
        "email": "ann@example.com",
        "type": "access",
        "user_id": shop.saleor.customer.id,
        "is_staff": False,
    }
    return base | changes


def test_a_customer_token_reads_plans(shop, api):
    assert api.data(PLANS, token=shop.customer_token()) == []


def test_an_anonymous_storefront_names_its_shop_with_the_saleor_api_url(shop, api):
    assert api.data(PLANS, api_url=shop.fake.api_url) == []


def test_an_anonymous_request_without_a_shop_is_refused_shop_required(shop, api):
    status, body = api.post(PLANS)

    assert status == 200
    assert body["data"] is None or body["data"]["plans"] is None
    assert body["errors"][0]["extensions"]["code"] == "SHOP_REQUIRED"


def test_an_unknown_saleor_api_url_is_refused_unknown_shop(shop, api):
    assert api.refused(PLANS, api_url="https://other.example.com/graphql/") == (401, "UNKNOWN_SHOP")


def test_an_expired_customer_token_is_refused(shop, api):
    token = shop.customer_token(expires_in=-60)  # past the 30 s leeway

    assert api.refused(PLANS, token=token) == (401, "EXPIRED_TOKEN")


def test_a_customer_token_forged_with_another_key_is_refused(shop, api):
    forger = SigningKey(kid=shop.fake.keys.current.kid)  # Saleor's kid, someone else's key

    assert api.refused(PLANS, token=forger.token(claims(shop))) == (401, "INVALID_SIGNATURE")


def test_a_token_with_its_claims_changed_after_signing_is_refused(shop, api):
    header, _, signature = shop.customer_token().split(".")
    forged_claims = shop.fake.keys.current.token(claims(shop, user_id="VXNlcjo5OTk=")).split(".")[1]

    assert api.refused(PLANS, token=f"{header}.{forged_claims}.{signature}") == (401, "INVALID_SIGNATURE")


def test_a_token_signed_with_an_unknown_key_is_refused_after_one_refetch(shop, api, jwks):
    stranger = SigningKey(kid="not-saleors")
    api.data(PLANS, token=shop.customer_token())  # the JWKS is now cached
    jwks.advance(60)

    assert api.refused(PLANS, token=stranger.token(claims(shop))) == (401, "UNKNOWN_SIGNING_KEY")
    assert jwks.count == 2
    # Fetched again less than 10 s ago: a stream of forged kids does not make the app hammer Saleor.
    assert api.refused(PLANS, token=stranger.token(claims(shop))) == (401, "UNKNOWN_SIGNING_KEY")
    assert jwks.count == 2


def test_a_rotated_saleor_key_is_fetched_once_and_accepted(shop, api, jwks):
    api.data(PLANS, token=shop.customer_token())
    jwks.advance(60)
    shop.fake.rotate_key()

    assert api.data(PLANS, token=shop.customer_token()) == []
    assert api.data(PLANS, token=shop.customer_token()) == []
    assert jwks.count == 2


def test_an_unsigned_token_is_refused(shop, api):
    token = shop.fake.keys.current.token(claims(shop), alg="none")

    assert api.refused(PLANS, token=token) == (401, "INVALID_SIGNATURE")


def test_a_token_from_a_saleor_without_the_app_is_refused_unknown_shop(shop, api):
    token = shop.fake.keys.current.token(claims(shop, iss="https://elsewhere.example.com/graphql/"))

    assert api.refused(PLANS, token=token) == (401, "UNKNOWN_SHOP")


def test_a_token_of_another_saleor_than_the_header_names_is_refused(shop, api):
    Installation.objects.create(saleor_api_url="https://other.example.com/graphql/")

    status_code = api.refused(
        PLANS, token=shop.customer_token(), api_url="https://other.example.com/graphql/"
    )

    assert status_code == (401, "ISSUER_MISMATCH")


def test_a_token_of_a_shop_that_removed_the_app_is_refused(shop, api):
    Installation.objects.filter(pk=shop.installation.pk).update(status=Installation.Status.REMOVED)

    assert api.refused(PLANS, token=shop.customer_token()) == (401, "SHOP_REMOVED")


def test_a_refresh_token_is_refused_wrong_token_type(shop, api):
    token = shop.fake.keys.current.token(claims(shop, type="refresh"))

    assert api.refused(PLANS, token=token) == (401, "WRONG_TOKEN_TYPE")


@pytest.mark.parametrize("authorization", ["Bearer not-a-jwt", "Basic dXNlcjpwdw==", "Bearer a.b.c"])
def test_what_is_not_a_bearer_jwt_is_refused_invalid_token(shop, api, authorization):
    assert api.refused(PLANS, authorization=authorization) == (401, "INVALID_TOKEN")


def test_the_shops_keys_that_cannot_be_fetched_answer_503(db, api, jwks):
    url = "http://127.0.0.1:9/graphql/"  # the discard port: nothing answers
    Installation.objects.create(saleor_api_url=url)
    token = SigningKey().token({"iss": url, "type": "access", "exp": time.time() + 60})

    assert api.refused(PLANS, token=token) == (503, "JWKS_UNAVAILABLE")


# --- staff --------------------------------------------------------------------------------------------------


def test_a_dashboard_token_of_another_app_is_refused_wrong_app(shop, api):
    token = shop.fake.keys.current.token(
        claims(shop, type="thirdparty", app="QXBwOjk5", permissions=["MANAGE_PRODUCTS"], is_staff=True)
    )

    assert api.refused(ARCHIVE, token=token) == (401, "WRONG_APP")


def test_a_dashboard_token_without_manage_products_is_refused_permission_denied(shop, api):
    status, body = api.post(ARCHIVE, token=shop.staff_token(permissions=("MANAGE_ORDERS",)))

    assert status == 200
    assert body["data"] == {"planArchive": None}
    [error] = body["errors"]
    assert error["extensions"] == {"code": "PERMISSION_DENIED", "permissions": ["MANAGE_PRODUCTS"]}
    assert error["path"] == ["planArchive"]


def test_a_customer_cannot_run_a_staff_mutation(shop, api):
    assert api.refused(ARCHIVE, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")


def test_an_anonymous_storefront_cannot_run_a_staff_mutation(shop, api):
    assert api.refused(ARCHIVE, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")


def test_a_dashboard_token_with_manage_products_runs_a_staff_mutation(shop, api):
    result = api.data(ARCHIVE, token=shop.staff_token())

    assert result == {
        "errors": [{"field": "id", "code": "NOT_FOUND", "message": "no such plan in this shop"}]
    }


def test_an_expired_dashboard_token_is_refused(shop, api):
    assert api.refused(ARCHIVE, token=shop.staff_token(expires_in=-60)) == (401, "EXPIRED_TOKEN")
