"""Checkout payments that do not simply succeed, and what staff do with them afterwards, through the fake
Saleor's payment mutations and the app's sync webhooks (see test_storefront_payments for the happy paths):
a declined card, a card only authorised (the channel's AUTHORIZATION flow) then charged or released, refunds;
and the sync requests themselves compared with what a real Saleor sent (../shared/saleor/captures)."""

from __future__ import annotations

import json
from decimal import Decimal
from urllib.parse import urlsplit

import pytest

from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor import CheckoutRefused
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.helpers import SHARED_SALEOR, SKIP_NO_SHARED, load_capture
from tests.saleor.live_app import app_server, jwks_clock
from tests.saleor.storefront_flow import Storefront, open_shop, stripe_settings

__all__ = [
    "app_server",
    "fake_saleor",
    "fake_shop",
    "fake_stripe",
    "fake_stripe_server",
    "jwks_clock",
    "stripe_settings",
]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def storefront(fake_saleor, app_server, stripe_settings) -> Storefront:
    return open_shop(fake_saleor, stripe_settings, app_server)


@pytest.fixture
def authorizing(fake_saleor, fake_shop):
    """The owner sets the channel to authorise payments and charge them later (the storefront cannot)."""
    with fake_saleor.store.lock:
        fake_shop.channel.default_transaction_flow_strategy = "AUTHORIZATION"
    return fake_shop


def subscription_checkout(storefront: Storefront, shop):
    plan = storefront.create_plan(shop.variant.id, shop.channel.slug, "25.00")
    return storefront.subscription_checkout(shop, plan, other_lines=((shop.other_variant.id, 1),))


def test_a_declined_card_fails_the_payment_and_checkout_complete_is_refused(
    fake_saleor, fake_shop, storefront
):
    checkout = subscription_checkout(storefront, fake_shop)

    declined = storefront.pay_with_card(checkout, "4000 0000 0000 0002")
    assert declined.result == "CHARGE_FAILURE" and declined.errors == []
    assert "declined" in declined.message and "generic_decline" in declined.message
    assert declined.transaction.charged_value == 0
    with pytest.raises(CheckoutRefused) as refused:
        fake_saleor.checkout_complete(checkout.id)
    assert refused.value.code == "CHECKOUT_NOT_FULLY_PAID"
    assert not Subscription.objects.exists()

    # Another card, another transaction: now the checkout is paid and completes.
    paid = storefront.pay_with_card(checkout, "4242 4242 4242 4242")
    assert paid.result == "CHARGE_SUCCESS" and paid.transaction is not declined.transaction
    assert paid.transaction.charged_value == checkout.total.gross.amount
    order = fake_saleor.checkout_complete(checkout.id)
    assert order.charge_status == "FULL" and len(order.transactions) == 2
    assert Subscription.objects.get().status == "active"


def test_an_authorised_card_is_charged_by_staff_and_the_subscription_starts(
    fake_saleor, authorizing, storefront
):
    checkout = subscription_checkout(storefront, authorizing)
    total = checkout.total.gross.amount

    authorised = storefront.pay_with_card(checkout, "4242 4242 4242 4242")
    assert authorised.result == "AUTHORIZATION_SUCCESS"
    transaction = authorised.transaction
    assert (transaction.authorized_value, transaction.charged_value) == (total, 0)
    assert transaction.available_actions == ["CHARGE", "CANCEL"]
    intent = storefront.stripe.get(transaction.psp_reference)
    assert (intent["status"], intent["capture_method"]) == ("requires_capture", "manual")

    order = fake_saleor.checkout_complete(checkout.id)  # authorised covers the total
    assert Subscription.objects.get().status == "incomplete"  # not paid yet

    charged = fake_saleor.transaction_charge(transaction)
    assert charged.result == "CHARGE_SUCCESS" and charged.event["amount"] == total
    assert (transaction.authorized_value, transaction.charged_value) == (0, total)
    assert order.charge_status == "FULL"
    request = next(d for d in fake_saleor.deliveries if d.event == "TRANSACTION_CHARGE_REQUESTED")
    assert request.payload["issuingPrincipal"] is None
    assert request.payload["action"] == {"amount": float(total), "currency": "USD", "actionType": "CHARGE"}
    assert storefront.stripe.get(intent["id"])["amount_received"] == int(total * 100)
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.saleor_order_id) == ("active", order.id)


def test_an_authorisation_released_by_staff_leaves_nothing_to_pay_with(fake_saleor, authorizing, storefront):
    checkout = subscription_checkout(storefront, authorizing)
    authorised = storefront.pay_with_card(checkout, "4242 4242 4242 4242")
    assert authorised.result == "AUTHORIZATION_SUCCESS"

    canceled = fake_saleor.transaction_cancel(authorised.transaction)
    assert canceled.result == "CANCEL_SUCCESS"
    assert (authorised.transaction.authorized_value, authorised.transaction.canceled_value) == (
        0,
        checkout.total.gross.amount,
    )
    assert storefront.stripe.get(authorised.transaction.psp_reference)["status"] == "canceled"
    with pytest.raises(CheckoutRefused) as refused:
        fake_saleor.checkout_complete(checkout.id)
    assert refused.value.code == "CHECKOUT_NOT_FULLY_PAID"


def test_refunds_requested_from_saleor_refund_at_stripe_and_never_more_than_is_left(
    fake_saleor, fake_shop, storefront
):
    checkout = subscription_checkout(storefront, fake_shop)
    paid = storefront.pay_with_card(checkout, "4242 4242 4242 4242")
    order = fake_saleor.checkout_complete(checkout.id)
    transaction, total = paid.transaction, checkout.total.gross.amount
    intent_id = transaction.psp_reference

    partly = fake_saleor.transaction_refund(transaction, Decimal("10.00"))
    assert partly.result == "REFUND_SUCCESS" and partly.event["amount"] == Decimal("10.00")
    [refund] = storefront.stripe.objects("refund")
    assert (refund["id"], refund["amount"], refund["payment_intent"]) == (
        partly.event["psp_reference"],
        1000,
        intent_id,
    )
    assert (transaction.charged_value, transaction.refunded_value) == (total - 10, Decimal("10.00"))
    assert order.charge_status == "PARTIAL"

    # Someone refunds 5.00 in Stripe's dashboard; Saleor does not know and asks for all it holds as charged.
    storefront.stripe.client().v1.refunds.create(params={"payment_intent": intent_id, "amount": 500})
    refused = fake_saleor.transaction_refund(transaction)
    assert refused.result == "REFUND_FAILURE"
    left = total - Decimal("15.00")
    assert f"more than the {left} USD left to refund" in refused.message
    assert transaction.charged_value == total - 10  # nothing moved in Saleor
    assert storefront.stripe.count("refund") == 2  # and no refund at Stripe

    rest = fake_saleor.transaction_refund(transaction, left)
    assert (rest.result, rest.event["amount"]) == ("REFUND_SUCCESS", left)
    charge = storefront.stripe.get(storefront.stripe.get(intent_id)["latest_charge"])
    assert (charge["amount_refunded"], charge["refunded"]) == (int(total * 100), True)


@pytest.mark.skipif(not SHARED_SALEOR.is_dir(), reason=SKIP_NO_SHARED)
def test_the_sync_requests_are_made_as_a_real_saleor_makes_them(fake_saleor, authorizing, storefront):
    checkout = subscription_checkout(storefront, authorizing)
    # As in the captured run: 3-D Secure asked, then processed to an authorisation, charged and refunded.
    authorised = storefront.pay_with_card(checkout, "4000 0025 0000 3155")
    assert authorised.result == "AUTHORIZATION_ACTION_REQUIRED"
    storefront.stripe.complete_authentication(authorised.transaction.psp_reference)
    processed = fake_saleor.transaction_process(authorised.transaction, data={"threeDSecure": "completed"})
    assert processed.result == "AUTHORIZATION_SUCCESS"
    again = fake_saleor.transaction_process(authorised.transaction)  # Saleor answers: already authorised
    assert again.event is processed.event and again.delivery is None
    fake_saleor.checkout_complete(checkout.id)
    fake_saleor.transaction_charge(authorised.transaction)
    fake_saleor.transaction_refund(authorised.transaction)

    sent = {d.event: d for d in fake_saleor.deliveries if d.event.startswith(("TRANSACTION_", "PAYMENT_"))}
    assert sorted(sent) == [
        "PAYMENT_GATEWAY_INITIALIZE_SESSION",
        "TRANSACTION_CHARGE_REQUESTED",
        "TRANSACTION_INITIALIZE_SESSION",
        "TRANSACTION_PROCESS_SESSION",
        "TRANSACTION_REFUND_REQUESTED",
    ]
    assert [d.event for d in fake_saleor.deliveries].count("TRANSACTION_PROCESS_SESSION") == 1
    for event, delivery in sent.items():
        capture = load_capture(f"sync_{event.lower()}.json")
        request = capture["request"]
        assert list(delivery.headers) == list(request["headers"]), event
        assert delivery.headers["Saleor-Event"] == request["headers"]["Saleor-Event"] == event.lower()
        assert delivery.headers["Host"] == urlsplit(delivery.url).hostname  # no port, as Saleor sends it
        payload, captured = delivery.payload, json.loads(request["body"])
        assert list(payload) == list(captured), event
        assert type(payload["issuingPrincipal"]) is type(captured["issuingPrincipal"]), event
        assert (
            delivery.ok and json.loads(delivery.response_body)["result" if "TRANSACTION" in event else "data"]
        )
    session = sent["TRANSACTION_INITIALIZE_SESSION"].payload
    captured = json.loads(load_capture("sync_transaction_initialize_session.json")["request"]["body"])
    assert list(session["sourceObject"]) == list(captured["sourceObject"])
    assert session["transaction"] == {"id": authorised.transaction_id, "pspReference": ""}
    assert session["merchantReference"] == authorised.transaction_id
    assert session["action"]["actionType"] == "AUTHORIZATION"
    assert session["issuingPrincipal"] == {
        "__typename": "User",
        "id": authorizing.customer.id,
        "email": "ann@example.com",
    }
