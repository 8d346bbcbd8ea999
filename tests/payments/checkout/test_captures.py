"""The sync payment requests a real Saleor 3.21 sent (../shared/saleor/captures/sync_*.json) fed to the app
byte for byte, in their order, against the fake Stripe: each accepted and answered with JSON that validates
against Saleor's schema for its event; each with one byte changed refused; bad input answered clearly."""

from __future__ import annotations

import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]
import pytest
from django.test import Client
from django.utils import timezone

from saleor_subscriptions.payments.checkout.actions import refund_requested
from saleor_subscriptions.payments.checkout.sessions import gateway_initialize
from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS
from saleor_subscriptions.payments.models import CheckoutPayment, StripeAccount, StripeCustomer
from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.stripe import FakeStripe
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.helpers import SHARED_SALEOR, SKIP_NO_SHARED, load_capture

__all__ = ["fake_stripe", "fake_stripe_server"]

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED),
]

ORDER = [
    "sync_payment_gateway_initialize_session.json",
    "sync_transaction_initialize_session.json",
    "sync_transaction_process_session.json",
    "sync_transaction_charge_requested.json",
    "sync_transaction_refund_requested.json",
]
SCHEMAS = SHARED_SALEOR / "json_schemas"


def schema_valid(name: str, answer: dict[str, Any]) -> None:
    """Fails unless `answer` fits Saleor's JSON Schema of the webhook `name` (by route name)."""
    schema = json.loads((SCHEMAS / f"{SYNC_WEBHOOKS[name].response_schema}.json").read_text())
    jsonschema.validate(answer, schema, format_checker=jsonschema.FormatChecker())


def post(client: Client, capture: str, body: bytes | None = None) -> Any:
    request = load_capture(capture)["request"]
    headers = {
        k: v for k, v in request["headers"].items() if k.lower() not in ("content-type", "content-length")
    }
    name = request["path"].rsplit("/", 1)[1]
    return client.generic(
        "POST",
        f"/api/payments/{name}",
        data=body if body is not None else request["body"].encode(),
        content_type="application/json",
        headers=headers,
    )


@pytest.fixture
def captured_shop(fake_stripe: FakeStripe, settings: Any) -> Iterator[Installation]:
    capture = load_capture(ORDER[0])
    url = capture["request"]["headers"]["Saleor-Api-Url"]
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_NETWORK_RETRIES = 0
    saleor_jwks.jwks_cache().put(url, capture["jwks"])
    installation = Installation.objects.create(saleor_api_url=url, time_zone="UTC")
    account = StripeAccount(
        installation=installation,
        channel_slug="default-channel",
        livemode=False,
        publishable_key=fake_stripe.publishable_key,
        verified_at=timezone.now(),
    )
    account.secret_key = fake_stripe.secret_key
    account.save()
    try:
        yield installation
    finally:
        saleor_jwks.jwks_cache().forget(url)


def test_the_captured_sync_requests_are_accepted_and_answered_schema_valid_in_order(
    client, captured_shop, fake_stripe
):
    answers = {}
    for capture in ORDER:
        response = post(client, capture)
        assert response.status_code == 200, response.content
        name = load_capture(capture)["request"]["path"].rsplit("/", 1)[1]
        schema_valid(name, response.json())
        answers[name] = response.json()

    assert (
        answers["payment-gateway-initialize-session"]["data"]["publishableKey"] == fake_stripe.publishable_key
    )
    initialized = answers["transaction-initialize-session"]
    assert initialized["result"] == "AUTHORIZATION_SUCCESS", initialized  # the channel's flow: AUTHORIZATION
    assert answers["transaction-process-session"]["result"] == "AUTHORIZATION_SUCCESS"
    charged = answers["transaction-charge-requested"]
    assert (charged["result"], charged["amount"]) == ("CHARGE_SUCCESS", "17.99")
    refunded = answers["transaction-refund-requested"]
    assert (refunded["result"], refunded["amount"]) == ("REFUND_SUCCESS", "17.99")
    payment = CheckoutPayment.objects.get()
    assert payment.has_subscription and payment.intent_id == initialized["pspReference"]
    intent = fake_stripe.get(payment.intent_id)
    assert intent["setup_future_usage"] == "off_session" and intent["capture_method"] == "manual"
    customer = StripeCustomer.objects.get()
    assert customer.customer_key == "user:VXNlcjox"
    assert customer.default_payment_method_id == intent["payment_method"]
    assert customer.payment_method_type == "card"


def test_the_initialize_session_repeated_makes_one_intent(client, captured_shop, fake_stripe):
    first = post(client, ORDER[1]).json()
    again = post(client, ORDER[1]).json()

    assert first["pspReference"] == again["pspReference"]
    assert fake_stripe.count("payment_intent") == 1
    assert CheckoutPayment.objects.count() == 1


def test_a_refund_of_more_than_is_left_is_refused_with_what_is_left(client, captured_shop, fake_stripe):
    for capture in ORDER[1:]:
        assert post(client, capture).status_code == 200

    again = post(client, ORDER[4]).json()  # 17.99 once more, after all of it was refunded

    schema_valid("transaction-refund-requested", again)
    assert again["result"] == "REFUND_FAILURE"
    assert again["message"].startswith("action.amount: refunding 17.99 USD is more than the 0.00 USD left")
    assert fake_stripe.count("refund") == 1


@pytest.mark.parametrize("capture", ORDER)
def test_each_captured_sync_request_with_one_byte_changed_is_refused(client, captured_shop, capture):
    body = bytearray(load_capture(capture)["request"]["body"].encode())
    body[len(body) // 2] ^= 0x01

    response = post(client, capture, bytes(body))

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "bad_signature"


def test_a_shop_without_the_app_is_refused_as_unknown(client, fake_stripe):
    response = post(client, ORDER[1])

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "unknown_shop"


def test_a_channel_without_a_stripe_account_gets_a_failure_naming_the_channel(client, captured_shop):
    StripeAccount.objects.all().delete()

    initialized = post(client, ORDER[1]).json()
    gateway = post(client, ORDER[0]).json()

    schema_valid("transaction-initialize-session", initialized)
    assert initialized["result"] == "AUTHORIZATION_FAILURE"
    assert "channel: no Stripe account is connected for channel 'default-channel'" in initialized["message"]
    assert gateway["data"]["error"]["code"] == "not_configured"


def test_an_amount_stripe_cannot_take_is_an_error_naming_the_amount(captured_shop):
    payload = json.loads(load_capture(ORDER[0])["request"]["body"], parse_float=Decimal)
    payload["sourceObject"]["channel"]["currencyCode"] = "JPY"  # yen have no minor unit at Stripe

    answer = gateway_initialize(captured_shop, payload)

    schema_valid("payment-gateway-initialize-session", answer)
    error = answer["data"]["error"]
    assert (error["field"], error["code"]) == ("amount", "invalid")
    assert "17.99" in error["message"] and "JPY" in error["message"]


def test_a_refund_amount_stripe_cannot_take_is_refused_naming_action_amount(
    client, captured_shop, fake_stripe
):
    for capture in ORDER[1:4]:
        assert post(client, capture).status_code == 200
    payload = json.loads(load_capture(ORDER[4])["request"]["body"], parse_float=Decimal)
    payload["action"]["amount"] = Decimal("1.999")  # a tenth of a cent

    answer = refund_requested(captured_shop, payload)

    schema_valid("transaction-refund-requested", answer)
    assert answer["result"] == "REFUND_FAILURE"
    assert answer["message"].startswith("action.amount: ")
    assert fake_stripe.count("refund") == 0
