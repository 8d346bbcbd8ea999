"""The webhook intake: every request is stored first; Saleor's own deliveries (the captures) are accepted byte
for byte and refused with one byte changed; unsigned, forged, unknown-key, unknown-shop, removed-shop,
wrong-event, non-JSON and replayed deliveries are refused (or not applied again), each recorded with its
reason and answered with its status."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.signatures import Jwks, JwksCache
from saleor_subscriptions.saleor.webhooks.intake import dedupe_key
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation
from tests.lifecycle.helpers import at, plan, sandbox
from tests.saleor.helpers import CAPTURES, SHARED_SALEOR, SKIP_NO_SHARED, SigningKey, load_capture
from tests.worker import tasks_inline

pytestmark = pytest.mark.django_db

needs_shared = pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)
CAPTURED = sorted(p.name for p in CAPTURES.glob("webhook_*.json")) if CAPTURES.is_dir() else []
ROUTES = {f"/api/webhooks/{name}" for name in WEBHOOKS}


def _route(name: str) -> str:
    return str(load_capture(name)["request"]["path"])


ROUTED = [name for name in CAPTURED if _route(name) in ROUTES]
NOT_SUBSCRIBED = [name for name in CAPTURED if _route(name) not in ROUTES]

SHOP = "https://shop.example.com/graphql/"
BODY = json.dumps(
    {
        "issuedAt": "2026-11-16T10:00:00+00:00",
        "version": "3.21.69",
        "recipient": {"id": "QXBwOjg="},
        "productVariant": {
            "id": "UHJvZHVjdFZhcmlhbnQ6NDAy",
            "name": "Monthly refill",
            "sku": "refill-1",
            "product": {"id": "UHJvZHVjdDoxMzQ=", "name": "Coffee"},
            "metadata": [],
        },
    }
).encode()


def post(client: Client, path: str, body: bytes, headers: dict[str, str]) -> Any:
    """POST `body` with `headers` as Saleor sends them (the client sets Content-Length itself)."""
    extra = {k: v for k, v in headers.items() if k.lower() not in ("content-type", "content-length")}
    content_type = headers.get("Content-Type", "application/json")
    return client.generic("POST", path, data=body, content_type=content_type, headers=extra)


def last_delivery() -> WebhookDelivery:
    return WebhookDelivery.objects.order_by("-pk").first() or pytest.fail("nothing was recorded")


def assert_refused(response: Any, status: int, code: str) -> WebhookDelivery:
    assert response.status_code == status, response.content
    assert response.json()["error"]["code"] == code
    delivery = last_delivery()
    assert (delivery.status, delivery.refusal_code, delivery.accepted) == ("refused", code, False)
    assert delivery.refusal_reason
    return delivery


# --- the captures of a real Saleor 3.21 ---------------------------------------------------------------------


@pytest.fixture
def captured_shop() -> Iterator[Installation]:
    """The Saleor of the captures installed, the JWKS cache holding the keys it served then."""
    jwks = load_capture("webhook_order_created.json")["jwks"]
    url = load_capture("webhook_order_created.json")["request"]["headers"]["Saleor-Api-Url"]
    saleor_jwks.jwks_cache().put(url, jwks)
    try:
        yield make_installation(url)
    finally:
        saleor_jwks.jwks_cache().forget(url)


@needs_shared
def test_the_captured_webhooks_the_app_does_not_subscribe_to_are_exactly_these():
    assert NOT_SUBSCRIBED == ["webhook_app_deleted.json", "webhook_order_refunded.json"]


@needs_shared
@pytest.mark.parametrize("name", ROUTED)
def test_each_captured_webhook_is_accepted_byte_for_byte(client, captured_shop, name):
    request = load_capture(name)["request"]
    body = request["body"].encode()

    response = post(client, request["path"], body, request["headers"])

    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted"
    delivery = last_delivery()
    assert (delivery.status, delivery.accepted, delivery.installation) == ("received", True, captured_shop)
    assert delivery.raw_body == body
    assert delivery.headers["Saleor-Signature"] == request["headers"]["Saleor-Signature"]
    assert delivery.signature_kid == load_capture(name)["jwks"]["keys"][0]["kid"]
    assert delivery.event == request["headers"]["Saleor-Event"]
    payload = json.loads(body)
    assert delivery.object_id == (payload.get("order") or payload.get("productVariant"))["id"]


@needs_shared
@pytest.mark.parametrize("name", ROUTED)
def test_each_captured_webhook_with_one_byte_changed_is_refused_as_bad_signature(client, captured_shop, name):
    request = load_capture(name)["request"]
    body = bytearray(request["body"].encode())
    body[len(body) // 2] ^= 0x01

    assert_refused(post(client, request["path"], bytes(body), request["headers"]), 401, "bad_signature")
    assert last_delivery().raw_body == bytes(body)


@needs_shared
@pytest.mark.parametrize("name", NOT_SUBSCRIBED)
def test_a_captured_webhook_of_an_event_the_app_does_not_subscribe_to_is_refused_as_unknown(
    client, captured_shop, name
):
    request = load_capture(name)["request"]
    path = "/api/webhooks/" + Path(request["path"]).name

    assert_refused(post(client, path, request["body"].encode(), request["headers"]), 404, "unknown_webhook")


@needs_shared
def test_a_capture_replayed_is_answered_as_a_duplicate_and_not_queued_again(
    client, captured_shop, django_capture_on_commit_callbacks
):
    request = load_capture("webhook_order_created.json")["request"]
    with django_capture_on_commit_callbacks() as queued:
        first = post(client, request["path"], request["body"].encode(), request["headers"])
        replay = post(client, request["path"], request["body"].encode(), request["headers"])

    assert first.json()["status"] == "accepted"
    assert (replay.status_code, replay.json()["status"]) == (200, "duplicate")
    original, duplicate = WebhookDelivery.objects.order_by("pk")
    assert (duplicate.status, duplicate.duplicate_of, duplicate.accepted) == ("duplicate", original, False)
    assert len(queued) == 1


# --- a Saleor with a key made here --------------------------------------------------------------------------


class Saleor:
    """A shop's Saleor as the intake sees it: the key it signs with and the JWKS it serves (counted)."""

    def __init__(self) -> None:
        self.key = SigningKey(kid="kid-1")
        self.served: Jwks = self.key.jwks()
        self.fetches = 0
        self.now = 1000.0
        self.down = False

    def fetch(self, api_url: str) -> Jwks:
        self.fetches += 1
        if self.down:
            raise saleor_jwks.JwksUnavailable(f"{api_url}: connection refused")
        return self.served

    def headers(
        self, body: bytes = BODY, event: str = "product_variant_deleted", **header: Any
    ) -> dict[str, str]:
        return {
            "Content-Type": "application/json",
            "Saleor-Event": event,
            "Saleor-Domain": "shop.example.com",
            "Saleor-Signature": self.key.webhook_signature(body, **header),
            "Saleor-Api-Url": SHOP,
        }


@pytest.fixture
def saleor(monkeypatch: pytest.MonkeyPatch) -> Saleor:
    """The process's JWKS cache, with a clock the test moves, fetching from this Saleor."""
    saleor = Saleor()
    cache = JwksCache(saleor.fetch, clock=lambda: saleor.now)
    cache.put(SHOP, saleor.served)
    monkeypatch.setattr(saleor_jwks, "jwks_cache", lambda: cache)
    return saleor


@pytest.fixture
def shop() -> Installation:
    return make_installation(SHOP)


PATH = "/api/webhooks/product-variant-deleted"


def test_a_signed_delivery_is_stored_accepted_and_queued_after_the_commit(
    client, saleor, shop, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as queued:
        response = post(client, PATH, BODY, saleor.headers())

    assert (response.status_code, response.json()["status"]) == (200, "accepted")
    delivery = last_delivery()
    assert (delivery.status, delivery.signature_kid, delivery.object_id) == (
        "received",
        "kid-1",
        "UHJvZHVjdFZhcmlhbnQ6NDAy",
    )
    assert delivery.saleor_api_url == SHOP and delivery.headers["Saleor-Domain"] == "shop.example.com"
    assert len(queued) == 1


def test_an_unsigned_delivery_is_refused(client, saleor, shop):
    headers = saleor.headers()
    del headers["Saleor-Signature"]

    assert_refused(post(client, PATH, BODY, headers), 401, "missing_signature")


def test_a_delivery_signed_with_another_key_under_the_same_kid_is_refused(client, saleor, shop):
    saleor.key = SigningKey(kid="kid-1")

    assert_refused(post(client, PATH, BODY, saleor.headers()), 401, "bad_signature")


def test_a_signature_claiming_hs256_is_refused(client, saleor, shop):
    assert_refused(post(client, PATH, BODY, saleor.headers(alg="HS256")), 401, "unsupported_algorithm")


def test_a_signature_that_is_not_a_detached_jws_is_refused(client, saleor, shop):
    headers = saleor.headers() | {"Saleor-Signature": "not-a-jws"}

    assert_refused(post(client, PATH, BODY, headers), 401, "malformed_signature")


B64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"


def reencoded(signature: str) -> str:
    """The same signature bytes with other unused low bits in the last base64url character."""
    head, last = signature[:-1], signature[-1]
    unused = {2: 4, 3: 2}[len(signature.rsplit(".", 1)[1]) % 4]
    index = B64URL.index(last)
    return head + B64URL[index ^ ((1 << unused) - 1)]


def test_a_replay_with_a_reencoded_signature_is_refused_and_not_applied_again(
    client, saleor, shop, django_capture_on_commit_callbacks
):
    headers = saleor.headers()
    replayed = headers | {"Saleor-Signature": reencoded(headers["Saleor-Signature"])}
    assert replayed["Saleor-Signature"] != headers["Saleor-Signature"]

    with django_capture_on_commit_callbacks() as queued:
        first = post(client, PATH, BODY, headers)
        replay = post(client, PATH, BODY, replayed)

    assert first.json()["status"] == "accepted"
    assert_refused(replay, 401, "malformed_signature")  # PyJWT reads only the canonical encoding
    assert len(queued) == 1


def test_the_dedupe_key_is_the_same_for_a_reencoded_signature(saleor):
    signature = saleor.headers()["Saleor-Signature"]

    assert dedupe_key(reencoded(signature), BODY) == dedupe_key(signature, BODY)
    assert dedupe_key(signature, BODY + b" ") != dedupe_key(signature, BODY)


DEEP = b'{"a":' * 100_000 + b"1" + b"}" * 100_000


def test_a_body_nested_100000_levels_deep_is_refused_with_400(client, saleor, shop):
    assert_refused(post(client, PATH, DEEP, saleor.headers(DEEP)), 400, "invalid_body")


def test_a_sync_payment_webhook_nested_100000_levels_deep_is_refused_with_400(client, saleor, shop):
    headers = saleor.headers(DEEP, event="transaction_initialize_session")

    response = post(client, "/api/payments/transaction-initialize-session", DEEP, headers)

    assert_refused(response, 400, "invalid_body")


def test_a_new_kid_fetches_the_jwks_again_once_and_is_accepted_when_saleor_serves_it(client, saleor, shop):
    saleor.now += 60
    saleor.key = SigningKey(kid="kid-2")
    saleor.served = {"keys": [*saleor.served["keys"], saleor.key.jwk()]}

    response = post(client, PATH, BODY, saleor.headers())

    assert response.status_code == 200, response.content
    assert (saleor.fetches, last_delivery().signature_kid) == (1, "kid-2")


def test_an_unknown_kid_still_unknown_after_the_refetch_is_refused(client, saleor, shop):
    saleor.now += 60
    saleor.key = SigningKey(kid="kid-unknown")

    assert_refused(post(client, PATH, BODY, saleor.headers()), 401, "unknown_key")
    assert saleor.fetches == 1
    assert_refused(post(client, PATH, BODY, saleor.headers()), 401, "unknown_key")
    assert saleor.fetches == 1, "a stream of unknown kids does not make the app fetch again at once"


def test_when_the_jwks_cannot_be_fetched_saleor_is_asked_to_retry(client, saleor, shop):
    saleor.now += 3600
    saleor.down = True

    assert_refused(post(client, PATH, BODY, saleor.headers()), 503, "jwks_unavailable")


def test_a_delivery_from_a_saleor_without_the_app_is_refused_as_unknown_shop(client, saleor):
    assert_refused(post(client, PATH, BODY, saleor.headers()), 404, "unknown_shop")


def test_a_delivery_for_a_removed_installation_is_refused_as_gone(client, saleor, shop):
    Installation.objects.filter(pk=shop.pk).update(status="removed")

    delivery = assert_refused(post(client, PATH, BODY, saleor.headers()), 410, "shop_removed")
    assert delivery.installation == shop


def test_a_delivery_without_saleor_api_url_is_refused(client, saleor, shop):
    headers = saleor.headers()
    del headers["Saleor-Api-Url"]

    assert_refused(post(client, PATH, BODY, headers), 400, "missing_api_url")


def test_a_delivery_whose_event_is_not_the_routes_is_refused(client, saleor, shop):
    assert_refused(post(client, PATH, BODY, saleor.headers(event="order_created")), 400, "wrong_event")


@pytest.mark.parametrize("body", [b"not json", b"[1, 2]", b"\xff\xfe"])
def test_a_signed_body_that_is_not_a_json_object_is_refused(client, saleor, shop, body):
    assert_refused(post(client, PATH, body, saleor.headers(body)), 400, "invalid_body")


def test_a_delivery_to_a_route_of_no_webhook_is_refused_and_recorded(client, saleor, shop):
    delivery = assert_refused(
        post(client, "/api/webhooks/order-updated", BODY, saleor.headers()), 404, "unknown_webhook"
    )

    assert delivery.name == "order-updated" and delivery.raw_body == BODY


def test_a_body_larger_than_django_accepts_is_refused_and_recorded_empty(client, saleor, shop, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100

    delivery = assert_refused(post(client, PATH, BODY, saleor.headers()), 413, "body_too_large")
    assert delivery.raw_body == b""


def test_saleors_older_x_headers_are_read_when_the_new_ones_are_missing(client, saleor, shop):
    headers = {
        f"X-{k}" if k.startswith("Saleor-") and k != "Saleor-Api-Url" else k: v
        for k, v in saleor.headers().items()
    }

    assert post(client, PATH, BODY, headers).status_code == 200


@pytest.fixture
def eager_celery() -> Iterator[None]:
    with tasks_inline():
        yield


def test_an_accepted_delivery_is_applied_by_the_task_once_committed(
    client, saleor, django_capture_on_commit_callbacks, eager_celery
):
    shop = sandbox(at(2026, 11, 16), url=SHOP)
    version = plan(shop, "39.00", variant_id="UHJvZHVjdFZhcmlhbnQ6NDAy")

    with django_capture_on_commit_callbacks(execute=True):
        post(client, PATH, BODY, saleor.headers())

    delivery = last_delivery()
    assert (delivery.status, delivery.attempts) == ("processed", 1)
    assert delivery.outcome == {"variant": "UHJvZHVjdFZhcmlhbnQ6NDAy", "archived_plans": [version.plan_id]}
    version.plan.refresh_from_db()
    assert version.plan.status == "archived"
