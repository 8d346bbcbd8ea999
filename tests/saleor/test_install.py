"""Install: the manifest Saleor reads (what a real Saleor 3.21 asked for and accepted), the token POST and its
refusals, and an installation marked removed when Saleor refuses its token (its renewals stop)."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import pytest
from django.test import Client
from graphql import build_schema, parse, validate
from graphql.type import GraphQLEnumType

from saleor_subscriptions.conf.manifest import build_manifest
from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS
from saleor_subscriptions.renewals.batch import due_filter
from saleor_subscriptions.saleor.client import TokenRejectedError
from saleor_subscriptions.saleor.documents import SCHEMA_PATH, document
from saleor_subscriptions.saleor.install import mark_removed, on_token_rejected
from saleor_subscriptions.saleor.manifest import schema_version
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation
from tests.lifecycle.helpers import at, plan, sandbox
from tests.renewals.support import signed_up
from tests.saleor.helpers import SHARED_SALEOR, SKIP_NO_SHARED, load_capture

needs_shared = pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)
APP_URL = "https://subs.example.com"


@pytest.fixture(autouse=True)
def _app_url(settings: Any) -> None:
    settings.APP_URL = APP_URL


def get_manifest(client: Client, **headers: str) -> dict[str, Any]:
    response = client.get("/api/manifest", headers=headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    manifest: dict[str, Any] = response.json()
    return manifest


def captured_manifest_headers() -> dict[str, str]:
    return dict(load_capture("install_manifest_get.json")["request"]["headers"])


# --- the manifest -------------------------------------------------------------------------------------------


@needs_shared
def test_the_manifest_answers_the_request_saleor_3_21_made_without_widgets(client):
    manifest = get_manifest(client, **captured_manifest_headers())

    assert manifest["id"] == "saleor.app.subscriptions"
    assert manifest["version"] == "0.1.0"
    assert manifest["tokenTargetUrl"] == f"{APP_URL}/api/register"
    assert manifest["appUrl"] == f"{APP_URL}/dashboard/"
    assert manifest["requiredSaleorVersion"] == ">=3.20"
    assert manifest["permissions"] == [
        "MANAGE_PRODUCTS",
        "MANAGE_CHECKOUTS",
        "HANDLE_CHECKOUTS",
        "MANAGE_ORDERS",
        "MANAGE_ORDERS_IMPORT",
        "HANDLE_PAYMENTS",
        "MANAGE_USERS",
    ]
    assert {e["target"] for e in manifest["extensions"]} == {"APP_PAGE", "POPUP"}


@needs_shared
def test_the_manifest_uses_only_keys_of_the_manifest_saleor_3_21_accepted(client):
    accepted = json.loads(load_capture("install_manifest_get.json")["response_sent"]["body"])
    manifest = get_manifest(client, **captured_manifest_headers())

    assert set(manifest) <= set(accepted)
    webhook_keys = set().union(*(w.keys() for w in accepted["webhooks"]))
    assert all(set(w) <= webhook_keys for w in manifest["webhooks"])
    extension_keys = set().union(*(e.keys() for e in accepted["extensions"]))
    assert all(set(e) <= extension_keys for e in manifest["extensions"])


@needs_shared
def test_permissions_mounts_targets_and_events_exist_in_saleor_3_21():
    schema = build_schema((SHARED_SALEOR / "schema-3.21.graphql").read_text(), assume_valid=True)
    manifest = build_manifest("3.21")

    def values(enum: str) -> set[str]:
        found = schema.get_type(enum)
        assert isinstance(found, GraphQLEnumType)
        return set(found.values)

    assert set(manifest["permissions"]) <= values("PermissionEnum")
    assert {e["mount"] for e in manifest["extensions"]} <= values("AppExtensionMountEnum")
    assert {e["target"] for e in manifest["extensions"]} <= values("AppExtensionTargetEnum")
    async_events = {event for w in manifest["webhooks"] for event in w.get("asyncEvents", [])}
    assert async_events <= values("WebhookEventTypeAsyncEnum")
    sync_events = {event for w in manifest["webhooks"] for event in w.get("syncEvents", [])}
    assert sync_events == {
        "PAYMENT_GATEWAY_INITIALIZE_SESSION",
        "TRANSACTION_INITIALIZE_SESSION",
        "TRANSACTION_PROCESS_SESSION",
        "TRANSACTION_CHARGE_REQUESTED",
        "TRANSACTION_REFUND_REQUESTED",
        "TRANSACTION_CANCELATION_REQUESTED",
    }
    assert sync_events <= values("WebhookEventTypeSyncEnum")


@pytest.mark.parametrize("header", ["3.22", "3.23", "4.0"])
def test_saleor_3_22_and_newer_also_get_the_product_widget(client, header):
    manifest = get_manifest(client, **{"Saleor-Schema-Version": header})

    widgets = [e for e in manifest["extensions"] if e["target"] == "WIDGET"]
    assert widgets[:1] == [
        {
            "label": "Subscription plans",
            "mount": "PRODUCT_DETAILS_WIDGETS",
            "target": "WIDGET",
            "permissions": ["MANAGE_PRODUCTS"],
            "url": f"{APP_URL}/dashboard/product-plans/widget",
            "options": {"widgetTarget": {"method": "GET"}},
        }
    ]


@pytest.mark.parametrize("header", [None, "3.20", "3.21", "3.9", "three", ""])
def test_older_or_unknown_schema_versions_get_no_widget(client, header):
    manifest = get_manifest(client, **({"Saleor-Schema-Version": header} if header is not None else {}))

    assert [e["target"] for e in manifest["extensions"]] == ["APP_PAGE", "POPUP", "POPUP", "POPUP"]


def test_schema_versions_are_read_as_numbers():
    assert (schema_version("3.9"), schema_version(" 3.22 "), schema_version("3.22.1")) == (
        (3, 9),
        (3, 22),
        None,
    )


def test_extensions_ask_only_for_permissions_the_app_has_and_app_pages_are_paths(client):
    manifest = get_manifest(client, **{"Saleor-Schema-Version": "3.22"})

    for extension in manifest["extensions"]:
        assert set(extension["permissions"]) <= set(manifest["permissions"])
        is_path = extension["url"].startswith("/")
        assert is_path == (extension["target"] == "APP_PAGE"), extension


def test_each_webhook_is_registered_with_its_document_verbatim_and_the_event_it_listens_to(client):
    manifest = get_manifest(client)
    schema = build_schema(SCHEMA_PATH.read_text())
    async_webhooks = [w for w in manifest["webhooks"] if "asyncEvents" in w]

    assert [w["name"] for w in async_webhooks] == list(WEBHOOKS)
    for entry in async_webhooks:
        webhook = WEBHOOKS[entry["name"]]
        assert entry["query"] == document(webhook.document)
        assert entry["targetUrl"] == f"{APP_URL}/api/webhooks/{webhook.name}"
        assert entry["isActive"] is True
        assert validate(schema, parse(entry["query"])) == []
        event_type = webhook.event.title().replace("_", "")
        assert f"... on {event_type} {{" in entry["query"]
        assert entry["asyncEvents"] == [webhook.event]
    assert {w["asyncEvents"][0] for w in async_webhooks} == {
        "ORDER_CREATED",
        "ORDER_FULLY_PAID",
        "ORDER_CANCELLED",
        "ORDER_FULLY_REFUNDED",
        "PRODUCT_DELETED",
        "PRODUCT_VARIANT_DELETED",
    }


def test_each_sync_payment_webhook_is_registered_with_its_document_and_route(client):
    manifest = get_manifest(client)
    schema = build_schema(SCHEMA_PATH.read_text())
    sync_webhooks = [w for w in manifest["webhooks"] if "syncEvents" in w]

    assert [w["name"] for w in sync_webhooks] == list(SYNC_WEBHOOKS)
    for entry in sync_webhooks:
        webhook = SYNC_WEBHOOKS[entry["name"]]
        assert "asyncEvents" not in entry
        assert entry["query"] == document(webhook.document)
        assert entry["targetUrl"] == f"{APP_URL}/api/payments/{webhook.name}"
        assert entry["syncEvents"] == [webhook.event]
        assert validate(schema, parse(entry["query"])) == []


def test_the_manifest_is_only_read(client):
    assert client.post("/api/manifest").status_code == 405


# --- the token POST: refusals (a Saleor that answers is in test_install_http.py) ----------------------------


def register(client: Client, body: Any, **headers: str) -> Any:
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    return client.generic(
        "POST", "/api/register", data=data, content_type="application/json", headers=headers
    )


def closed_port_url() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}/graphql/"


def assert_register_refused(response: Any, status: int, field: str, code: str) -> None:
    assert response.status_code == status, response.content
    body = response.json()
    assert body["success"] is False
    assert (body["error"]["field"], body["error"]["code"]) == (field, code)
    assert body["error"]["message"]


@pytest.mark.django_db
@pytest.mark.parametrize("body", [{}, {"auth_token": ""}, {"auth_token": 42}, b"not json", b""])
def test_a_token_post_without_a_token_is_refused(client, body):
    response = register(client, body, **{"Saleor-Api-Url": "https://shop.example.com/graphql/"})

    assert_register_refused(response, 400, "auth_token", "required")
    assert not Installation.objects.exists()


@pytest.mark.django_db
def test_a_token_that_cannot_be_one_is_refused(client):
    response = register(
        client, {"auth_token": "two words"}, **{"Saleor-Api-Url": "https://shop.example.com/graphql/"}
    )

    assert_register_refused(response, 400, "auth_token", "invalid")


@pytest.mark.django_db
def test_a_token_post_without_saleor_api_url_is_refused(client):
    assert_register_refused(register(client, {"auth_token": "t0k3n"}), 400, "Saleor-Api-Url", "required")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "shop.example.com/graphql/",
        "ftp://shop.example.com/graphql/",
        "https:///graphql/",
        "https://shop.example.com/api/",
        "https://shop.example.com/graphql/?x=1",
    ],
)
def test_a_saleor_api_url_that_is_not_a_graphql_url_is_refused(client, url):
    response = register(client, {"auth_token": "t0k3n"}, **{"Saleor-Api-Url": url})

    assert_register_refused(response, 400, "Saleor-Api-Url", "invalid")


@pytest.mark.django_db
def test_a_saleor_not_on_the_allow_list_is_forbidden(client, settings):
    settings.SALEOR_ALLOWED_API_URLS = ["https://*.saleor.cloud/graphql/"]

    response = register(
        client, {"auth_token": "t0k3n"}, **{"Saleor-Api-Url": "https://evil.example.com/graphql/"}
    )

    assert_register_refused(response, 403, "Saleor-Api-Url", "not_allowed")
    assert not Installation.objects.exists()


@needs_shared
@pytest.mark.django_db
def test_the_captured_token_post_is_refused_when_its_saleor_serves_no_jwks(client):
    request = load_capture("install_register_post.json")["request"]
    headers = {k: v for k, v in request["headers"].items() if k not in ("Content-Type", "Content-Length")}
    headers["Saleor-Api-Url"] = closed_port_url()

    response = register(client, request["body"].encode(), **headers)

    assert_register_refused(response, 400, "Saleor-Api-Url", "jwks_unavailable")
    assert not Installation.objects.exists()


# --- removal ------------------------------------------------------------------------------------------------


@pytest.fixture
def installed() -> Installation:
    installation = make_installation("https://shop.example.com/graphql/")
    app = SaleorApp(installation=installation, app_id="QXBwOjg=")
    app.token = "t0k3n"
    app.save()
    return installation


@pytest.mark.django_db
def test_a_rejected_token_marks_the_installation_removed_loudly(installed, caplog):
    with caplog.at_level(logging.ERROR, logger="saleor_subscriptions.saleor.install"):
        assert mark_removed(installed, "Saleor answered 401") is True

    installed.refresh_from_db()
    assert installed.status == "removed" and installed.removed_at is not None
    assert SaleorApp.objects.get(installation=installed).token_rejected_at is not None
    (record,) = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "INSTALLATION REMOVED" in record.getMessage() and "Saleor answered 401" in record.getMessage()


@pytest.mark.django_db
def test_marking_removed_twice_changes_nothing_the_second_time(installed, caplog):
    mark_removed(installed, "first")
    removed_at = Installation.objects.get().removed_at
    caplog.clear()

    with caplog.at_level(logging.WARNING):
        assert mark_removed(installed, "second") is False

    assert Installation.objects.get().removed_at == removed_at
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]


@pytest.mark.django_db
def test_a_token_refused_inside_on_token_rejected_marks_removed_and_reaches_the_caller(installed):
    with pytest.raises(TokenRejectedError), on_token_rejected(installed):
        raise TokenRejectedError("draftOrderCreate", [{"message": "Saleor answered 401 Unauthorized"}])

    assert Installation.objects.get().status == "removed"


@pytest.mark.django_db
def test_other_errors_inside_on_token_rejected_leave_the_installation_active(installed):
    with pytest.raises(RuntimeError), on_token_rejected(installed):
        raise RuntimeError("Saleor timed out")

    assert Installation.objects.get().status == "active"


@pytest.mark.django_db
def test_the_subscriptions_of_a_removed_installation_are_no_longer_due(installed):
    shop = sandbox(at(2026, 11, 16), url="https://sandbox.example.com/graphql/")
    subscription = signed_up(plan(shop, "39.00"))
    assert Subscription.objects.filter(due_filter(shop.pk)).get() == subscription

    mark_removed(shop, "token refused")

    assert not Subscription.objects.filter(due_filter(shop.pk)).exists()


def test_the_manifest_names_the_homepage_and_support_pages_when_set_else_the_app(settings):
    settings.APP_URL = "https://subs.example.com"
    manifest = build_manifest("3.21")
    assert (manifest["homepageUrl"], manifest["supportUrl"]) == ("https://subs.example.com/",) * 2

    settings.APP_HOMEPAGE_URL = "https://example.com/subscriptions"
    settings.APP_SUPPORT_URL = "https://example.com/help"
    manifest = build_manifest("3.21")
    assert (manifest["homepageUrl"], manifest["supportUrl"]) == (
        "https://example.com/subscriptions",
        "https://example.com/help",
    )
