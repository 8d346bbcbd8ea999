"""API keys (docs/api.md "API keys"): made and revoked by staff with MANAGE_APPS, shown once, stored hashed,
scoped; sent as `Authorization: Bearer sk_…`, a key acts as the shop's back-end limited to its scopes."""

from __future__ import annotations

import hashlib
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.renewals.models import UsageRecord
from saleor_subscriptions.tenants.api_keys import create_api_key, key_for_secret
from saleor_subscriptions.tenants.models import ApiKey, Installation
from tests.api.test_usage import RECORD, _starter
from tests.factories import make_installation

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($name: String!, $scopes: [ApiKeyScope!]!) {
  apiKeyCreate(name: $name, scopes: $scopes) {
    apiKey { id name prefix scopes createdBy lastUsedAt revokedAt }
    secret
    errors { field code message }
  }
}
"""
REVOKE = """
mutation Revoke($id: ID!) {
  apiKeyRevoke(id: $id) { apiKey { id revokedAt } errors { field code message } }
}
"""
KEYS = "{ apiKeys { id name prefix scopes lastUsedAt revokedAt } }"
MANAGE_APPS = ("MANAGE_APPS",)


def _make(api: Any, shop: Any, scopes: list[str], name: str = "ERP") -> dict[str, Any]:
    result: dict[str, Any] = api.data(
        CREATE, {"name": name, "scopes": scopes}, token=shop.staff_token(MANAGE_APPS)
    )
    assert result["errors"] == [], result
    return result


def _usage(subscription: Any, key: str = "case-1") -> dict[str, Any]:
    return {
        "subscription": subscription_global_id(subscription.pk),
        "metric": "new_case",
        "quantity": "1",
        "key": key,
    }


def test_a_key_is_shown_once_and_stored_as_its_sha256(api, shop):
    made = _make(api, shop, ["READ", "USAGE"])
    secret = made["secret"]

    assert secret.startswith("sk_") and len(secret) >= 40
    assert made["apiKey"]["prefix"] == secret[:10]
    assert made["apiKey"]["scopes"] == ["READ", "USAGE"]
    row = ApiKey.objects.get()
    assert row.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in str(ApiKey.objects.values().get())
    listed = api.data(KEYS, token=shop.staff_token(MANAGE_APPS))
    assert listed == [
        {
            **{k: made["apiKey"][k] for k in ("id", "name", "prefix", "scopes")},
            "lastUsedAt": None,
            "revokedAt": None,
        }
    ]
    assert "sk_" not in str(listed).replace(made["apiKey"]["prefix"], "")


def test_a_usage_key_records_usage_and_its_last_use_is_shown(api, shop):
    subscription = _starter(shop)
    secret = _make(api, shop, ["USAGE"])["secret"]

    result = api.data(RECORD, _usage(subscription), token=secret)

    assert result["errors"] == [] and result["created"] is True
    assert UsageRecord.objects.filter(subscription=subscription).count() == 1
    (listed,) = api.data(KEYS, token=shop.staff_token(MANAGE_APPS))
    assert listed["lastUsedAt"] is not None


def test_the_last_use_is_written_at_most_once_a_minute(shop):
    installation = shop.installation
    made = create_api_key(installation, "ERP", ["read"], created_by="staff")
    start = timezone.now()
    key_for_secret(made.secret, start)
    key_for_secret(made.secret, start + timedelta(seconds=59))
    assert ApiKey.objects.get().last_used_at == start
    key_for_secret(made.secret, start + timedelta(seconds=61))
    assert ApiKey.objects.get().last_used_at == start + timedelta(seconds=61)


@pytest.mark.parametrize("scopes", [["READ"], ["WRITE"], ["READ", "WRITE"]])
def test_a_key_without_the_usage_scope_is_refused_naming_the_scope(api, shop, scopes):
    subscription = _starter(shop)
    secret = _make(api, shop, scopes)["secret"]

    status, body = api.post(RECORD, _usage(subscription), token=secret)

    assert status == 200 and body["data"]["subscriptionUsageRecord"] is None
    (error,) = body["errors"]
    assert error["path"] == ["subscriptionUsageRecord"]
    assert error["extensions"]["code"] == "PERMISSION_DENIED"
    assert error["extensions"]["scopes"] == ["usage"]
    assert not UsageRecord.objects.exists()


def test_keys_cannot_manage_keys_nor_call_operations_without_a_scope(api, shop):
    secret = _make(api, shop, ["READ", "WRITE", "USAGE"])["secret"]

    for query, variables in ((KEYS, {}), (CREATE, {"name": "x", "scopes": ["READ"]})):
        status, body = api.post(query, variables, token=secret)
        assert status == 200 and list(body["data"].values()) == [None]
        assert body["errors"][0]["extensions"]["code"] == "PERMISSION_DENIED"
        assert body["errors"][0]["extensions"]["scopes"] == []
    assert ApiKey.objects.count() == 1


def test_unknown_and_revoked_keys_are_refused_alike(api, shop):
    subscription = _starter(shop)
    made = _make(api, shop, ["USAGE"])
    revoked = api.data(REVOKE, {"id": made["apiKey"]["id"]}, token=shop.staff_token(MANAGE_APPS))
    assert revoked["errors"] == [] and revoked["apiKey"]["revokedAt"] is not None

    answers = []
    for secret in (made["secret"], "sk_" + "A" * 43, made["secret"][:-1]):
        status, body = api.post(RECORD, _usage(subscription), token=secret)
        answers.append((status, body))
    assert all(answer == answers[0] for answer in answers)
    assert answers[0] == (
        401,
        {"errors": [{"message": "the API key is not valid", "extensions": {"code": "INVALID_TOKEN"}}]},
    )
    assert not UsageRecord.objects.exists()


def test_a_key_naming_another_saleor_or_of_a_removed_shop_is_refused(api, shop):
    subscription = _starter(shop)
    secret = _make(api, shop, ["USAGE"])["secret"]

    assert api.refused(
        RECORD, _usage(subscription), token=secret, api_url="https://other.example/graphql/"
    ) == (
        401,
        "ISSUER_MISMATCH",
    )
    Installation.objects.filter(pk=shop.installation.pk).update(status=Installation.Status.REMOVED)
    assert api.refused(RECORD, _usage(subscription), token=secret) == (401, "SHOP_REMOVED")


def test_a_key_reaches_only_its_own_shop(api, shop):
    other = make_installation("https://other.example.com/graphql/")
    theirs = create_api_key(other, "theirs", ["usage"], created_by="x").secret
    subscription = _starter(shop)

    result = api.data(RECORD, _usage(subscription), token=theirs)

    assert [error["code"] for error in result["errors"]] == ["NOT_FOUND"]
    assert not UsageRecord.objects.exists()


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"name": "", "scopes": ["READ"]}, "name", "REQUIRED"),
        ({"name": "   ", "scopes": ["READ"]}, "name", "REQUIRED"),
        ({"name": "x" * 101, "scopes": ["READ"]}, "name", "INVALID"),
        ({"name": "ERP", "scopes": []}, "scopes", "REQUIRED"),
    ],
)
def test_create_refusals_name_their_field(api, shop, variables, field, code):
    result = api.data(CREATE, variables, token=shop.staff_token(MANAGE_APPS))

    assert result["apiKey"] is None and result["secret"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert not ApiKey.objects.exists()


def test_revoke_refusals_name_the_id(api, shop):
    made = _make(api, shop, ["READ"])
    token = shop.staff_token(MANAGE_APPS)
    api.data(REVOKE, {"id": made["apiKey"]["id"]}, token=token)

    again = api.data(REVOKE, {"id": made["apiKey"]["id"]}, token=token)
    unknown = api.data(REVOKE, {"id": "QXBpS2V5Ojk5OTk="}, token=token)

    assert [(e["field"], e["code"]) for e in again["errors"]] == [("id", "ALREADY_REVOKED")]
    assert [(e["field"], e["code"]) for e in unknown["errors"]] == [("id", "NOT_FOUND")]


def test_another_shops_key_cannot_be_revoked(api, shop):
    other = make_installation("https://other.example.com/graphql/")
    theirs = create_api_key(other, "theirs", ["usage"], created_by="x")
    result = api.data(REVOKE, {"id": global_id("ApiKey", theirs.key.pk)}, token=shop.staff_token(MANAGE_APPS))

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]
    assert ApiKey.objects.get(pk=theirs.key.pk).revoked_at is None


@pytest.mark.parametrize("permissions", [(), ("MANAGE_ORDERS", "MANAGE_PRODUCTS")])
def test_staff_without_manage_apps_cannot_manage_keys(api, shop, permissions):
    token = shop.staff_token(permissions)

    assert api.refused(KEYS, token=token) == (200, "PERMISSION_DENIED")
    assert api.refused(CREATE, {"name": "x", "scopes": ["READ"]}, token=token) == (200, "PERMISSION_DENIED")
    assert not ApiKey.objects.exists()
