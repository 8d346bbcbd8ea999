"""Webhook endpoints through the API (docs/events.md): made, changed, listed with their deliveries and removed
by staff with MANAGE_APPS; URLs checked with the app's rules on addresses (saleor/allowed_urls.py)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.event_delivery.endpoints import EndpointRefused, check_url, create_endpoint
from saleor_subscriptions.event_delivery.sending import deliver_due
from saleor_subscriptions.outbound_events.models import WebhookEndpoint
from saleor_subscriptions.tenants.api_keys import create_api_key
from tests.event_delivery.test_events_out import receiver
from tests.factories import make_installation, make_subscription

__all__ = ["receiver"]

pytestmark = pytest.mark.django_db

CREATE = """
mutation Create($url: String!, $description: String, $eventTypes: [WebhookEventType!], $isActive: Boolean) {
  webhookEndpointCreate(url: $url, description: $description, eventTypes: $eventTypes, isActive: $isActive) {
    webhookEndpoint { id url description eventTypes isActive }
    secret
    errors { field code message }
  }
}
"""
UPDATE = """
mutation Update($id: ID!, $url: String, $eventTypes: [WebhookEventType!], $isActive: Boolean,
                $rotateSecret: Boolean) {
  webhookEndpointUpdate(id: $id, url: $url, eventTypes: $eventTypes, isActive: $isActive,
                        rotateSecret: $rotateSecret) {
    webhookEndpoint { id url eventTypes isActive }
    secret
    errors { field code message }
  }
}
"""
DELETE = """
mutation Delete($id: ID!) { webhookEndpointDelete(id: $id) { deletedId errors { field code message } } }
"""
LIST = """
{ webhookEndpoints { id url eventTypes isActive
    recentDeliveries(first: 5) { eventId eventType status attempts nextAttemptAt
                                 log { number statusCode durationMs error } } } }
"""
MANAGE_APPS = ("MANAGE_APPS",)


def _token(shop: Any) -> str:
    return str(shop.staff_token(MANAGE_APPS))


def _refusing_private_networks(api: Any, shop: Any, settings: Any) -> None:
    """Private networks refused from here on; the fake Saleor (on 127.0.0.1) has given its keys already."""
    api.data(LIST, token=_token(shop))
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False


def _codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(e["field"], e["code"]) for e in result["errors"]]


def test_an_endpoint_is_made_with_its_secret_shown_once_and_lists_its_deliveries(api, shop, receiver):
    made = api.data(
        CREATE,
        {"url": receiver.url, "description": "ERP", "eventTypes": ["SUBSCRIPTION_CANCELLED"]},
        token=_token(shop),
    )
    assert made["errors"] == [] and made["secret"].startswith("whsec_")
    assert made["webhookEndpoint"]["eventTypes"] == ["SUBSCRIPTION_CANCELLED"]
    receiver.secret = made["secret"]
    version = shop.plan(price=Decimal("30.00"))
    subscription = make_subscription(version, status="active")
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
    receiver.answers = [500]
    deliver_due()

    (listed,) = api.data(LIST, token=_token(shop))

    assert "secret" not in listed and made["secret"] not in str(listed)
    (delivery,) = listed["recentDeliveries"]
    assert delivery["eventType"] == "SUBSCRIPTION_CANCELLED" and delivery["eventId"].startswith("evt_")
    assert (delivery["status"], delivery["attempts"]) == ("PENDING", 1)
    assert delivery["nextAttemptAt"] is not None
    assert [(a["number"], a["statusCode"], a["error"]) for a in delivery["log"]] == [(1, 500, "HTTP 500")]
    assert receiver.received[0]["verified"] is True


def test_update_rotates_the_secret_and_changes_what_is_given(api, shop, receiver):
    made = create_endpoint(shop.installation, receiver.url)
    endpoint_id = global_id("WebhookEndpoint", made.endpoint.pk)

    changed = api.data(
        UPDATE,
        {"id": endpoint_id, "isActive": False, "eventTypes": ["INVOICE_PAID"], "rotateSecret": True},
        token=_token(shop),
    )

    assert changed["errors"] == []
    assert changed["secret"].startswith("whsec_") and changed["secret"] != made.secret
    assert changed["webhookEndpoint"] == {
        "id": endpoint_id,
        "url": receiver.url,
        "eventTypes": ["INVOICE_PAID"],
        "isActive": False,
    }
    assert WebhookEndpoint.objects.get().secret == changed["secret"]
    unchanged = api.data(UPDATE, {"id": endpoint_id}, token=_token(shop))
    assert unchanged["secret"] is None and unchanged["webhookEndpoint"]["isActive"] is False


def test_delete_removes_the_endpoint(api, shop, receiver):
    made = create_endpoint(shop.installation, receiver.url)
    endpoint_id = global_id("WebhookEndpoint", made.endpoint.pk)

    result = api.data(DELETE, {"id": endpoint_id}, token=_token(shop))

    assert result == {"deletedId": endpoint_id, "errors": []}
    assert not WebhookEndpoint.objects.exists()


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("", "REQUIRED"),
        ("http://hooks.example.com/in", "INVALID"),
        ("ftp://hooks.example.com/in", "INVALID"),
        ("https://user:pw@hooks.example.com/in", "INVALID"),
        ("https://hooks.example.com/in#part", "INVALID"),
        ("https://hooks.example.com:0/in", "INVALID"),
        ("https://[::1/in", "INVALID"),
        ("https://127.0.0.1/in", "NOT_ALLOWED"),
        ("https://10.1.2.3/in", "NOT_ALLOWED"),
        ("https://169.254.169.254/latest/meta-data", "NOT_ALLOWED"),
        ("https://[::ffff:192.168.0.1]/in", "NOT_ALLOWED"),
        ("https://localhost/in", "NOT_ALLOWED"),
    ],
)
def test_urls_the_app_may_not_call_are_refused_naming_the_url(api, shop, settings, url, code):
    _refusing_private_networks(api, shop, settings)

    result = api.data(CREATE, {"url": url}, token=_token(shop))

    assert result["webhookEndpoint"] is None and result["secret"] is None
    assert _codes(result) == [("url", code)]
    assert not WebhookEndpoint.objects.exists()


def test_a_public_https_url_is_taken_under_the_strict_rules(api, shop, settings):
    _refusing_private_networks(api, shop, settings)

    result = api.data(CREATE, {"url": "https://93.184.215.14/in"}, token=_token(shop))

    assert result["errors"] == [] and result["webhookEndpoint"]["url"] == "https://93.184.215.14/in"


def test_a_url_over_1000_characters_is_refused_naming_it(shop):
    with pytest.raises(EndpointRefused) as refused:
        check_url("https://hooks.example.com/" + "a" * 975)
    assert (refused.value.field, refused.value.code) == ("url", "invalid")
    assert check_url("https://93.184.215.14/" + "a" * 978) == "https://93.184.215.14/" + "a" * 978


def test_an_update_to_a_private_url_is_refused_and_nothing_changes(api, shop, settings):
    made = create_endpoint(shop.installation, "https://93.184.215.14/in")
    _refusing_private_networks(api, shop, settings)
    endpoint_id = global_id("WebhookEndpoint", made.endpoint.pk)

    result = api.data(UPDATE, {"id": endpoint_id, "url": "https://192.168.1.1/in"}, token=_token(shop))

    assert _codes(result) == [("url", "NOT_ALLOWED")]
    assert WebhookEndpoint.objects.get().url == "https://93.184.215.14/in"


def test_a_long_description_is_refused_naming_it(api, shop):
    result = api.data(
        CREATE, {"url": "https://93.184.215.14/in", "description": "x" * 201}, token=_token(shop)
    )

    assert _codes(result) == [("description", "INVALID")]


def test_unknown_and_other_shops_endpoints_are_not_found(api, shop):
    other = make_installation("https://other.example.com/graphql/")
    theirs = create_endpoint(other, "https://93.184.215.14/theirs").endpoint
    ids = [global_id("WebhookEndpoint", theirs.pk), "V2ViaG9va0VuZHBvaW50Ojk5OTk5", "nonsense"]

    for endpoint_id in ids:
        for mutation in (UPDATE, DELETE):
            result = api.data(mutation, {"id": endpoint_id}, token=_token(shop))
            assert _codes(result) == [("id", "NOT_FOUND")]
    assert WebhookEndpoint.objects.get().url == "https://93.184.215.14/theirs"


def test_a_shop_has_at_most_twenty_endpoints(api, shop):
    for n in range(20):
        create_endpoint(shop.installation, f"https://93.184.215.14/{n}")

    result = api.data(CREATE, {"url": "https://93.184.215.14/21"}, token=_token(shop))

    assert _codes(result) == [(None, "TOO_MANY")]
    assert WebhookEndpoint.objects.count() == 20


def test_an_endpoint_is_refused_where_no_trigger_records_events(api, shop, monkeypatch):
    """The embedded SQLite default has no triggers: an endpoint there would never receive anything."""
    monkeypatch.setattr(connection, "vendor", "sqlite")

    result = api.data(CREATE, {"url": "https://93.184.215.14/in"}, token=_token(shop))

    assert _codes(result) == [(None, "NOT_SUPPORTED")]
    assert "PostgreSQL" in result["errors"][0]["message"]
    monkeypatch.undo()
    assert not WebhookEndpoint.objects.exists()


def test_staff_without_manage_apps_and_api_keys_cannot_manage_endpoints(api, shop):
    key = create_api_key(shop.installation, "ERP", ["read", "write", "usage"], created_by="staff").secret
    for token in (shop.staff_token(("MANAGE_ORDERS", "MANAGE_PRODUCTS")), key):
        assert api.refused(LIST, token=token) == (200, "PERMISSION_DENIED")
        assert api.refused(CREATE, {"url": "https://93.184.215.14/in"}, token=token) == (
            200,
            "PERMISSION_DENIED",
        )
    assert not WebhookEndpoint.objects.exists()
