"""What the fake Saleor sends over the wire is what a real Saleor 3.21 sent in ../shared/saleor/captures/:
install requests, webhook headers and signatures, payload serialisation; then tokens, faults, app removal."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.saleor.jwt import ExpiredTokenError, verify_app_token, verify_customer_token
from saleor_subscriptions.saleor.signatures import BadSignatureError, verify_detached_jws
from tests.fakes.saleor import FakeSaleor, InstalledApp, InstallFailed
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.fakes.saleor.scenario import Shop, call, code_of, draft, paid_order
from tests.fakes.saleor.stub_app import StubApp
from tests.saleor.helpers import CAPTURES, SKIP_NO_SHARED, b64url_decode, load_capture

__all__ = ["fake_saleor", "fake_shop", "installed_app", "stub_app"]  # the fixtures, imported for pytest

needs_captures = pytest.mark.skipif(not CAPTURES.is_dir(), reason=SKIP_NO_SHARED)


def names(headers: Any) -> list[str]:
    return [name for name, _value in (headers.items() if isinstance(headers, dict) else headers)]


# --- install ----------------------------------------------------------------------------------------------


@needs_captures
def test_install_sends_the_manifest_get_and_token_post_saleor_sends(
    fake_saleor: FakeSaleor, stub_app: StubApp, installed_app: InstalledApp
) -> None:
    get, post = stub_app.requests[:2]
    captured_get = load_capture("install_manifest_get.json")["request"]
    captured_post = load_capture("install_register_post.json")["request"]
    assert (get.method, get.path) == ("GET", "/api/manifest")
    assert get.headers == list(captured_get["headers"].items())  # every name, value and position
    assert names(post.headers) == names(captured_post["headers"])
    assert post.header("Saleor-Api-Url") == fake_saleor.api_url
    assert post.header("Saleor-Domain") == post.header("X-Saleor-Domain") == fake_saleor.domain
    assert post.header("Host") == "127.0.0.1"
    template = captured_post["body"].replace("REDACTED-APP-TOKEN", installed_app.token)
    assert post.body == template.encode()


def test_install_registers_the_manifests_webhooks_with_the_events_their_queries_name(
    fake_saleor: FakeSaleor, installed_app: InstalledApp
) -> None:
    app = fake_saleor.app(installed_app.id)
    events = {w.name: w.async_events for w in app.webhooks}
    assert events["webhook_order_created"] == ["ORDER_CREATED"]
    assert events["webhook_product_variant_deleted"] == ["PRODUCT_VARIANT_DELETED"]
    assert (
        call(fake_saleor, "app", {}, installed_app.token)["data"]["app"]["identifier"] == "test.subscriptions"
    )


def test_an_app_that_refuses_the_token_is_not_installed(fake_saleor: FakeSaleor, stub_app: StubApp) -> None:
    stub_app.register_status = 500
    with pytest.raises(InstallFailed, match="500"):
        fake_saleor.install_app(stub_app.manifest_url)
    assert fake_saleor.apps() == []
    stub_app.register_status = 200
    assert fake_saleor.install_app(stub_app.manifest_url).identifier == "test.subscriptions"


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        ({"tokenTargetUrl": ""}, "tokenTargetUrl"),
        ({"permissions": ["MANAGE_EVERYTHING"]}, "MANAGE_EVERYTHING"),
        ({"requiredSaleorVersion": ">=3.22"}, "requires Saleor"),
        (
            {
                "webhooks": [
                    {"name": "w", "targetUrl": "http://x/", "query": "subscription { event { nope } }"}
                ]
            },
            "w",
        ),
    ],
)
def test_a_manifest_saleor_would_refuse_fails_the_install(
    fake_saleor: FakeSaleor, extra: dict, reason: str
) -> None:
    stub = StubApp(extra=extra).start()
    try:
        with pytest.raises(InstallFailed, match=reason):
            fake_saleor.install_app(stub.manifest_url)
    finally:
        stub.stop()
    assert not stub.received("/api/register")


def test_an_app_is_installed_once(
    fake_saleor: FakeSaleor, stub_app: StubApp, installed_app: InstalledApp
) -> None:
    with pytest.raises(InstallFailed, match="already installed"):
        fake_saleor.install_app(stub_app.manifest_url)


def test_a_deleted_app_loses_its_token_and_its_webhooks(
    fake_saleor: FakeSaleor, fake_shop: Shop, stub_app: StubApp, installed_app: InstalledApp
) -> None:
    fake_saleor.delete_app(installed_app.id)
    assert code_of(call(fake_saleor, "app", {}, installed_app.token)) == "PermissionDenied"
    paid_order(fake_saleor, fake_shop)
    assert fake_saleor.deliveries == []
    assert fake_saleor.install_app(stub_app.manifest_url).id != installed_app.id  # a re-install is a new app


# --- webhooks ---------------------------------------------------------------------------------------------


TRIGGERS: dict[str, Callable[[FakeSaleor, Shop], Any]] = {
    "webhook_order_created": paid_order,
    "webhook_order_fully_paid": paid_order,
    "webhook_order_cancelled": lambda fake, shop: fake.order_cancel(paid_order(fake, shop).id),
    "webhook_order_fully_refunded": lambda fake, shop: fake.order_refund_fully(paid_order(fake, shop).id),
    "webhook_product_variant_deleted": lambda fake, shop: fake.delete_variant(shop.variant),
    "webhook_product_deleted": lambda fake, shop: fake.delete_product(shop.product),
}


@pytest.mark.parametrize("name", sorted(TRIGGERS))
def test_each_webhook_document_is_delivered_signed_with_its_payload(
    fake_saleor: FakeSaleor, fake_shop: Shop, stub_app: StubApp, installed_app: InstalledApp, name: str
) -> None:
    TRIGGERS[name](fake_saleor, fake_shop)
    [delivery] = [d for d in fake_saleor.deliveries if d.webhook == name]
    assert delivery.ok and delivery.payload_errors == []
    assert delivery.payload["recipient"] == {"id": installed_app.id}
    assert delivery.payload["version"] == "3.21.69"
    [received] = stub_app.received(f"/api/webhooks/{name}")
    assert received.body == delivery.body
    verify_detached_jws(received.header("Saleor-Signature"), received.body, fake_saleor.jwks())
    assert received.header("Saleor-Event") == delivery.event.lower()


def test_deleting_a_product_sends_its_variants_deletion_first(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    fake_saleor.delete_product(fake_shop.product)
    events = [d.event for d in fake_saleor.deliveries]
    assert events == ["PRODUCT_VARIANT_DELETED", "PRODUCT_VARIANT_DELETED", "PRODUCT_DELETED"]
    assert fake_saleor.deliveries[-1].payload["product"]["variants"] == []
    assert fake_saleor.deliveries[0].payload["productVariant"]["sku"] == "COF-250"


@needs_captures
def test_a_deliverys_headers_and_signature_are_shaped_like_saleors(
    fake_saleor: FakeSaleor, fake_shop: Shop, stub_app: StubApp, installed_app: InstalledApp
) -> None:
    paid_order(fake_saleor, fake_shop)
    captured = load_capture("webhook_order_created.json")["request"]
    [received] = stub_app.received("/api/webhooks/webhook_order_created")
    assert names(received.headers) == names(captured["headers"])
    for name in (
        "User-Agent",
        "Accept-Encoding",
        "Accept",
        "Connection",
        "Content-Type",
        "Saleor-Event",
        "Host",
    ):
        assert received.header(name) == captured["headers"][name], name
    assert received.header("Content-Length") == str(len(received.body))
    ours, theirs = received.header("Saleor-Signature") or "", captured["headers"]["Saleor-Signature"]
    assert ours == received.header("X-Saleor-Signature")
    header = json.loads(b64url_decode(ours.split(".")[0]))
    assert list(header) == list(json.loads(b64url_decode(theirs.split(".")[0])))
    assert (header["alg"], header["b64"], header["crit"], header["typ"]) == ("RS256", False, ["b64"], "JWT")
    assert header["kid"] == fake_saleor.jwks()["keys"][0]["kid"]
    assert ours.split(".")[1] == ""  # detached
    flipped = received.body.replace(b'"status": "UNFULFILLED"', b'"status": "UNFULFILLEX"')
    with pytest.raises(BadSignatureError):
        verify_detached_jws(ours, flipped, fake_saleor.jwks())


def differences(ours: Any, theirs: Any, path: str = "") -> list[str]:
    """Where two payloads of (nearly) the same query disagree: the order of the keys both have, and the JSON
    type of each value both have (list items against the other side's first item)."""
    if isinstance(ours, dict) and isinstance(theirs, dict):
        shared = [key for key in ours if key in theirs]
        found = [] if shared == [key for key in theirs if key in ours] else [f"{path}: key order {shared}"]
        return found + [p for key in shared for p in differences(ours[key], theirs[key], f"{path}.{key}")]
    if isinstance(ours, list) and isinstance(theirs, list):
        return [p for item in ours for p in differences(item, theirs[0], f"{path}[]")] if theirs else []
    return [] if type(ours) is type(theirs) else [f"{path}: {ours!r} vs {theirs!r}"]


@needs_captures
def test_an_order_payload_is_serialised_like_the_captured_one(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    paid_order(fake_saleor, fake_shop, line_metadata={"subscription.plan": "plan-123"})
    ours = fake_saleor.deliveries[0].body
    theirs = load_capture("webhook_order_created.json")["request"]["body"].encode()
    assert json.dumps(json.loads(ours)).encode() == ours  # json.dumps defaults: ", " and ": "
    assert json.dumps(json.loads(theirs)).encode() == theirs
    payload, captured = json.loads(ours), json.loads(theirs)
    assert differences(payload, captured) == []
    assert len([k for k in payload["order"] if k in captured["order"]]) >= 12  # most of the capture's fields
    line = payload["order"]["lines"][0]
    assert line["metadata"] == [{"key": "subscription.plan", "value": "plan-123"}]
    assert (line["variantName"], line["taxRate"]) == ("250 g", 0.1)
    assert payload["order"]["billingAddress"]["city"] == "DETROIT"  # normalised as Saleor does
    assert payload["order"]["channel"] == captured["order"]["channel"]  # Channel:1, default-channel, USD


def test_webhooks_caused_by_a_mutation_come_after_its_answer(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, fake_shop, installed_app.token)["id"]
    call(fake_saleor, "draft_order_complete", {"id": order_id}, installed_app.token)
    fake_saleor.wait_for_webhooks()
    [delivery] = fake_saleor.deliveries
    assert delivery.event == "ORDER_CREATED"
    assert delivery.payload["order"]["externalReference"] == "INV-1"
    assert fake_saleor.redeliver(delivery).body == delivery.body


# --- tokens -----------------------------------------------------------------------------------------------


def test_customer_and_dashboard_tokens_verify_with_the_served_jwks(
    fake_saleor: FakeSaleor, fake_shop: Shop
) -> None:
    jwks = httpx.get(f"http://{fake_saleor.domain}/.well-known/jwks.json").json()
    assert jwks == fake_saleor.jwks() and fake_saleor.jwks_fetches == 1
    now = datetime.now(UTC)
    customer = verify_customer_token(
        fake_saleor.customer_token(fake_shop.customer), jwks, issuer=fake_saleor.api_url, now=now
    )
    assert (customer.user_id, customer.email, customer.is_staff) == (
        fake_shop.customer.id,
        "ann@example.com",
        False,
    )
    stub = StubApp(permissions=["MANAGE_ORDERS"]).start()
    try:
        app = fake_saleor.install_app(stub.manifest_url)
    finally:
        stub.stop()
    token = fake_saleor.dashboard_token(app.id, permissions=["MANAGE_ORDERS"], email="owner@example.com")
    dashboard = verify_app_token(token, jwks, issuer=fake_saleor.api_url, app_id=app.id, now=now)
    assert dashboard.permissions == frozenset({"MANAGE_ORDERS"})
    assert (dashboard.email, dashboard.is_staff) == ("owner@example.com", True)
    expired = fake_saleor.customer_token(fake_shop.customer, expires_in=-60)
    with pytest.raises(ExpiredTokenError):
        verify_customer_token(expired, jwks, issuer=fake_saleor.api_url, now=now)


def test_a_rotated_key_signs_with_a_new_kid_and_both_stay_served(
    fake_saleor: FakeSaleor, fake_shop: Shop
) -> None:
    old = fake_saleor.jwks()["keys"][0]["kid"]
    new = fake_saleor.rotate_key()
    assert [key["kid"] for key in fake_saleor.jwks()["keys"]] == [old, new]
    token = fake_saleor.customer_token(fake_shop.customer)
    assert json.loads(b64url_decode(token.split(".")[0]))["kid"] == new
    verify = call(fake_saleor, "token_verify", {"token": token}, None)["data"]["tokenVerify"]
    assert (verify["isValid"], verify["user"]["email"]) == (True, "ann@example.com")


# --- faults -----------------------------------------------------------------------------------------------


def _complete(fake: FakeSaleor, order_id: str, token: str, timeout: float = 10.0) -> httpx.Response:
    query = {"query": document("draft_order_complete"), "variables": {"id": order_id}}
    return httpx.post(fake.api_url, json=query, headers={"Authorization": f"Bearer {token}"}, timeout=timeout)


def test_a_500_fault_answers_without_acting_then_the_next_call_works(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, fake_shop, installed_app.token)["id"]
    fake_saleor.fail_next("DraftOrderComplete", status=502)
    assert _complete(fake_saleor, order_id, installed_app.token).status_code == 502
    assert fake_saleor.order(order_id).status == "DRAFT"
    assert _complete(fake_saleor, order_id, installed_app.token).status_code == 200
    assert fake_saleor.order(order_id).status == "UNFULFILLED"


def test_a_dropped_connection_after_acting_leaves_the_order_made(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, fake_shop, installed_app.token)["id"]
    fake_saleor.fail_next("DraftOrderComplete", mode="drop_after")
    with pytest.raises(httpx.RemoteProtocolError):
        _complete(fake_saleor, order_id, installed_app.token)
    assert fake_saleor.order(order_id).status == "UNFULFILLED"
    assert (fake_saleor.requests[-1].fault, fake_saleor.requests[-1].status) == ("drop_after", None)


def test_a_timeout_fault_acts_and_answers_too_late(
    fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp
) -> None:
    order_id = draft(fake_saleor, fake_shop, installed_app.token)["id"]
    fake_saleor.fail_next("DraftOrderComplete", mode="timeout", seconds=2)
    with pytest.raises(httpx.ReadTimeout):
        _complete(fake_saleor, order_id, installed_app.token, timeout=0.5)
    assert fake_saleor.order(order_id).status == "UNFULFILLED"
