"""Stripe.js on the fake Stripe: the publishable key creates payment methods and confirms an intent given its
client secret (3-D Secure then completed by the customer), and may do nothing else."""

from __future__ import annotations

import pytest

from .stripe_js import StripeJs, StripeJsError


@pytest.fixture
def stripe_js(fake_stripe):
    return StripeJs(fake_stripe.publishable_key, fake_stripe.url)


def test_a_publishable_key_makes_payment_methods_but_cannot_call_server_endpoints(stripe_js, fake_stripe):
    card = stripe_js.create_card_method("4242 4242 4242 4242", name="Ann Smith")
    assert (card["object"], card["type"], card["card"]["last4"]) == ("payment_method", "card", "4242")
    assert card["customer"] is None and card["billing_details"]["name"] == "Ann Smith"
    sepa = stripe_js.create_sepa_method("DE89370400440532013000", name="Ann Smith", email="ann@example.com")
    assert (sepa["type"], sepa["sepa_debit"]["last4"]) == ("sepa_debit", "3000")

    with pytest.raises(StripeJsError) as refused:
        stripe_js._call("POST", "/v1/customers", {"email": "ann@example.com"})
    assert refused.value.status == 401
    assert "publishable API key" in refused.value.error["message"]
    assert fake_stripe.count("customer") == 0


def test_confirming_needs_the_intents_client_secret(stripe_js, stripe_client):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(params={"customer": customer, "usage": "off_session"})
    card = stripe_js.create_card_method("4242424242424242")["id"]
    path = f"/v1/setup_intents/{setup.id}/confirm"

    with pytest.raises(StripeJsError) as missing:
        stripe_js._call("POST", path, {"payment_method": card})
    assert (missing.value.status, missing.value.error["param"]) == (400, "client_secret")
    with pytest.raises(StripeJsError) as wrong:
        stripe_js.confirm(f"{setup.id}_secret_wrong", card)
    assert wrong.value.status == 400 and "does not match" in wrong.value.error["message"]
    assert stripe_client.v1.setup_intents.retrieve(setup.id).status == "requires_payment_method"

    confirmed = stripe_js.confirm(str(setup.client_secret), card)
    assert confirmed["status"] == "succeeded"
    assert stripe_client.v1.payment_methods.retrieve(card).customer == customer


def test_3d_secure_on_a_stripe_js_confirmation_is_completed_by_the_customer(
    stripe_js, fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    intent = stripe_client.v1.payment_intents.create(
        params={"amount": 2500, "currency": "usd", "customer": customer, "setup_future_usage": "off_session"}
    )
    card = stripe_js.create_card_method("4000 0025 0000 3155")["id"]

    asked = stripe_js.confirm(str(intent.client_secret), card)
    assert asked["status"] == "requires_action" and asked["next_action"] is not None
    fake_stripe.complete_authentication(intent.id, succeed=False)
    failed = stripe_js.retrieve_intent(str(intent.client_secret))
    assert failed["status"] == "requires_payment_method" and failed["last_payment_error"] is not None

    again = stripe_js.confirm(
        str(intent.client_secret), stripe_js.create_card_method("4000002500003155")["id"]
    )
    assert again["status"] == "requires_action"
    fake_stripe.complete_authentication(intent.id)
    assert stripe_js.retrieve_intent(str(intent.client_secret))["status"] == "succeeded"
