"""A storefront pays a subscription checkout through Saleor's payment mutations, over HTTP: the fake Saleor
calls the app's sync payment webhooks (signed, with Saleor's headers, answers checked against Saleor's
response schemas), the app talks to the fake Stripe, and the storefront's Stripe.js side (payment methods,
3-D Secure, confirming with a client secret) runs against the fake Stripe with the publishable key the app
handed out. Then `checkoutComplete` and the subscription; and renewals charged off-session on the method the
checkout saved.

The app serves on pytest-django's live server (`live_app`); helpers are in `storefront_flow`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import CheckoutPayment, StripeCustomer
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor import CheckoutRefused
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import coffee_shop
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.live_app import app_server, jwks_clock
from tests.saleor.storefront_flow import RETURN_URL, Storefront, open_shop, stripe_settings

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


def the_renewal_is_charged_off_session(storefront: Storefront, subscription: Subscription) -> None:
    """A month (or the trial) on: the renewal order in Saleor, paid by an off-session PaymentIntent on the
    Stripe customer's saved method, and its invoice paid."""
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    before = {pi["id"] for pi in storefront.stripe.objects("payment_intent")}
    assert subscription.next_billing_at is not None
    advance_clock(
        storefront.installation, subscription.next_billing_at + timedelta(hours=1), configured_ports()
    )

    [invoice] = Invoice.objects.filter(subscription=subscription, billing_reason="renewal")
    assert invoice.status == Invoice.Status.PAID
    assert invoice.number is not None
    renewal = storefront.fake.order_by_external_reference(invoice.number)
    assert renewal is not None and renewal.id == invoice.saleor_order_id
    assert renewal.charge_status == "FULL"
    [intent] = [pi for pi in storefront.stripe.objects("payment_intent") if pi["id"] not in before]
    assert (intent["customer"], intent["payment_method"], intent["status"]) == (
        customer.stripe_customer_id,
        customer.default_payment_method_id,
        "succeeded",
    )
    assert intent["amount"] == int(invoice.total * 100)
    [created] = [r for r in storefront.stripe.requests("POST", "/v1/payment_intents") if r.status == 200][-1:]
    assert created.params["off_session"] == "true" and created.params["confirm"] == "true"
    [transaction] = renewal.transactions
    assert transaction.psp_reference == intent["id"]


def test_a_3d_secure_card_asks_then_charges_then_renews_off_session(fake_saleor, fake_shop, storefront):
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", "25.00")
    checkout = storefront.subscription_checkout(fake_shop, plan, quantity=2)
    total = checkout.total.gross.amount

    gateway = storefront.initialize_gateway(checkout)
    assert (gateway["paymentMethodTypes"], gateway["currency"]) == (["card"], "usd")
    assert gateway["amount"] == int(total * 100) and gateway["setupFutureUsage"] == "off_session"

    started = storefront.pay_with_card(checkout, "4000 0025 0000 3155")
    assert started.result == "CHARGE_ACTION_REQUIRED" and started.errors == []
    intent_id = started.response["pspReference"] if started.response else ""
    assert started.data["clientSecret"].startswith(f"{intent_id}_secret_")
    assert started.data["nextAction"]["redirect_to_url"]["return_url"] == RETURN_URL
    assert started.transaction.charged_value == 0 and started.transaction.psp_reference == intent_id
    with pytest.raises(CheckoutRefused) as refused:
        fake_saleor.checkout_complete(checkout.id)
    assert refused.value.code == "CHECKOUT_NOT_FULLY_PAID"

    # The customer passes the challenge in Stripe.js's modal; the storefront then asks Saleor to process.
    storefront.stripe.complete_authentication(intent_id)
    processed = fake_saleor.transaction_process(started.transaction, data={"paymentIntentId": intent_id})
    assert processed.result == "CHARGE_SUCCESS" and processed.event["amount"] == total
    assert processed.transaction.charged_value == total
    assert processed.transaction.available_actions == ["REFUND"]
    assert processed.transaction.external_url.endswith(f"/test/payments/{intent_id}")

    order = fake_saleor.checkout_complete(checkout.id)
    assert order.charge_status == "FULL"
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.quantity, subscription.saleor_order_id) == (
        "active",
        2,
        order.id,
    )
    intent = storefront.stripe.get(intent_id)
    assert intent["setup_future_usage"] == "off_session"
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert customer.stripe_customer_id == intent["customer"] == subscription_customer(intent)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (
        intent["payment_method"],
        "card",
    )
    assert storefront.stripe.get(intent["payment_method"])["customer"] == customer.stripe_customer_id

    # 3155 asks on-session only: set up for off-session use, the renewal goes through without the customer.
    the_renewal_is_charged_off_session(storefront, subscription)


def subscription_customer(intent: dict[str, Any]) -> str:
    """The Stripe customer the app recorded for the checkout payment of this intent."""
    customer = CheckoutPayment.objects.get(intent_id=intent["id"]).stripe_customer
    assert customer is not None
    return customer.stripe_customer_id


def test_sepa_direct_debit_is_pending_until_the_bank_settles_it(fake_saleor, storefront):
    shop = coffee_shop(fake_saleor, slug="eu-shop", currency="EUR")
    plan = storefront.create_plan(shop.variant.id, "eu-shop", "25.00")
    checkout = storefront.subscription_checkout(shop, plan)
    total = checkout.total.gross.amount
    gateway = storefront.initialize_gateway(checkout)
    assert gateway["paymentMethodTypes"] == ["card", "sepa_debit", "ideal", "bancontact"]

    iban = storefront.stripe_js.create_sepa_method(
        "DE89370400440532013000", name="Anna de Vries", email="ann@example.com"
    )
    data = {"paymentMethodId": iban["id"], "userAgent": "Mozilla/5.0 (test)"}
    started = fake_saleor.transaction_initialize(
        checkout, storefront.gateway, data=data, customer_ip_address="203.0.113.7"
    )
    assert started.result == "CHARGE_REQUEST"
    # The storefront retries (its answer was lost) with the same idempotency key: the same transaction and
    # PaymentIntent, nothing counted twice.
    key = started.delivery.payload["idempotencyKey"]
    retried = fake_saleor.transaction_initialize(
        checkout, storefront.gateway, data=data, idempotency_key=key, customer_ip_address="203.0.113.7"
    )
    assert (retried.transaction, retried.result) == (started.transaction, "CHARGE_REQUEST")
    assert storefront.stripe.count("payment_intent") == 1
    assert started.transaction.charged_value == 0
    assert fake_saleor.transaction_pending(started.transaction) == total
    intent_id = started.transaction.psp_reference
    intent = storefront.stripe.get(intent_id)
    assert (intent["status"], intent["currency"], intent["amount"]) == ("processing", "eur", int(total * 100))
    mandate = storefront.stripe.get(
        storefront.stripe.get(intent["latest_charge"])["payment_method_details"]["sepa_debit"]["mandate"]
    )
    assert mandate["customer_acceptance"]["online"] == {
        "ip_address": "203.0.113.7",
        "user_agent": "Mozilla/5.0 (test)",
    }

    # The bank confirms; the storefront (coming back later) processes the transaction again.
    assert storefront.stripe.settle_processing(intent_id) == [intent_id]
    settled = fake_saleor.transaction_process(started.transaction)
    assert settled.result == "CHARGE_SUCCESS"
    assert settled.transaction.charged_value == total
    assert fake_saleor.transaction_pending(started.transaction) == 0

    order = fake_saleor.checkout_complete(checkout.id)
    assert order.charge_status == "FULL"
    fully_paid = [d for d in fake_saleor.deliveries if d.event == "ORDER_FULLY_PAID"]
    assert [d.payload["order"]["id"] for d in fully_paid] == [order.id] and fully_paid[0].ok
    assert Subscription.objects.get().status == "active"
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (iban["id"], "sepa_debit")


def test_a_free_trial_saves_the_card_with_a_setup_intent_and_charges_when_it_ends(
    fake_saleor, fake_shop, storefront
):
    free_post = fake_saleor.add_shipping_method("default-channel", "Free trial post", Decimal(0))
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", "25.00", trialDays=14)
    checkout = storefront.subscription_checkout(fake_shop, plan, shipping_method=free_post.id)
    assert checkout.total.gross.amount == 0

    # Nothing to pay: the app makes an unconfirmed SetupIntent; Stripe.js confirms it with the card.
    started = fake_saleor.transaction_initialize(checkout, storefront.gateway, data={"returnUrl": RETURN_URL})
    assert started.result == "CHARGE_ACTION_REQUIRED"
    setup_id = started.data["setupIntentId"]
    assert setup_id.startswith("seti_") and started.data["clientSecret"].startswith(f"{setup_id}_secret_")
    card = storefront.stripe_js.create_card_method("4242 4242 4242 4242")
    confirmed = storefront.stripe_js.confirm(started.data["clientSecret"], card["id"])
    assert confirmed["status"] == "succeeded"
    processed = fake_saleor.transaction_process(started.transaction)
    assert (processed.result, processed.event["amount"]) == ("CHARGE_SUCCESS", Decimal(0))
    assert storefront.stripe.count("payment_intent") == 0  # nothing charged now

    fake_saleor.checkout_complete(checkout.id)
    subscription = Subscription.objects.get()
    assert subscription.status == "trialing"
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert customer.default_payment_method_id == card["id"]
    assert storefront.stripe.get(setup_id)["usage"] == "off_session"

    the_renewal_is_charged_off_session(storefront, subscription)
    subscription.refresh_from_db()
    assert subscription.status == "active"
