"""iDEAL and Bancontact pay a subscription checkout through Saleor's payment mutations, over HTTP: the app
answers `transactionInitialize` by sending the customer to the bank (`redirect_to_url`), the customer
authorises (or refuses) on the fake Stripe's bank page, `transactionProcess` reads the outcome; the SEPA
Direct Debit method the payment leaves (`generated_sepa_debit`, with its mandate) is the one saved, and
renewals are debited off-session on it: `processing`, then settled by the bank and reported by Stripe's
webhooks.

The app serves on pytest-django's live server (`live_app`); helpers are in `storefront_flow`."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import CheckoutPayment, StripeCustomer
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor import CheckoutRefused
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import Shop, coffee_shop
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.live_app import app_server, jwks_clock
from tests.saleor.storefront_flow import (
    CUSTOMER_IP,
    RETURN_URL,
    USER_AGENT,
    Storefront,
    open_shop,
    stripe_settings,
)

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

EUR_TYPES = ["card", "sepa_debit", "ideal", "bancontact"]


@pytest.fixture
def storefront(fake_saleor, app_server, stripe_settings) -> Storefront:
    shop = open_shop(fake_saleor, stripe_settings, app_server)
    shop.connect_stripe_webhooks()
    return shop


@pytest.fixture
def eu_shop(fake_saleor) -> Shop:
    return coffee_shop(fake_saleor, slug="eu-shop", currency="EUR")


def generated_sepa(
    storefront: Storefront, intent: dict[str, Any], kind: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The SEPA Direct Debit method Stripe generated from the iDEAL/Bancontact payment (its charge, or its
    set-up attempt), and its mandate: multi-use, accepted from the customer's browser at the checkout."""
    source = storefront.stripe.get(intent["latest_charge"]) if intent["object"] == "payment_intent" else None
    source = source or storefront.stripe.get(intent["latest_attempt"])
    details = source["payment_method_details"]
    assert details["type"] == kind
    method = storefront.stripe.get(details[kind]["generated_sepa_debit"])
    assert method["type"] == "sepa_debit"
    mandate = storefront.stripe.get(details[kind]["generated_sepa_debit_mandate"])
    assert (mandate["payment_method"], mandate["type"], mandate["status"]) == (
        method["id"],
        "multi_use",
        "active",
    )
    assert mandate["customer_acceptance"]["online"] == {"ip_address": CUSTOMER_IP, "user_agent": USER_AGENT}
    return method, mandate


def the_renewal_is_debited_on_the_sepa_mandate(
    storefront: Storefront, subscription: Subscription, sepa_method: dict[str, Any], mandate: dict[str, Any]
) -> Invoice:
    """The clock reaches the renewal: an off-session SEPA debit on the generated method (`processing`, the
    invoice still open); the bank settles it and Stripe's webhooks tell the app: the invoice is paid."""
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    before = {pi["id"] for pi in storefront.stripe.objects("payment_intent")}
    assert subscription.next_billing_at is not None
    advance_clock(
        storefront.installation, subscription.next_billing_at + timedelta(hours=1), configured_ports()
    )
    [invoice] = Invoice.objects.filter(subscription=subscription, billing_reason="renewal")
    [intent] = [pi for pi in storefront.stripe.objects("payment_intent") if pi["id"] not in before]
    assert (intent["customer"], intent["payment_method"], intent["payment_method_types"]) == (
        customer.stripe_customer_id,
        sepa_method["id"],
        ["sepa_debit"],
    )
    assert (intent["status"], intent["amount"]) == ("processing", int(invoice.total * 100))
    created = [r for r in storefront.stripe.requests("POST", "/v1/payment_intents") if r.status == 200][-1]
    assert created.params["off_session"] == "true" and "mandate_data" not in created.params
    charge = storefront.stripe.get(intent["latest_charge"])
    assert charge["payment_method_details"]["sepa_debit"]["mandate"] == mandate["id"]
    assert Invoice.objects.get(pk=invoice.pk).status != Invoice.Status.PAID

    assert storefront.stripe.settle_processing(intent["id"]) == [intent["id"]]
    delivered = storefront.deliver_stripe_events()
    assert "payment_intent.succeeded" in delivered
    # Every event (the checkout's iDEAL/Bancontact ones too) was applied by the app, none failed.
    statuses = set(StripeEvent.objects.values_list("status", flat=True))
    assert statuses == {StripeEvent.Status.PROCESSED}, statuses
    invoice.refresh_from_db()
    assert invoice.status == Invoice.Status.PAID and invoice.number is not None
    renewal = storefront.fake.order_by_external_reference(invoice.number)
    assert renewal is not None and renewal.id == invoice.saleor_order_id
    # The charge is written on the order by the outbox that runs every minute (`record_paid_orders`).
    assert renewal.charge_status == "NONE"
    followup = configured_ports().followup
    assert followup is not None
    followup(storefront.installation.pk, storefront.installation.now())
    renewal = storefront.fake.order_by_external_reference(invoice.number)
    assert renewal is not None and renewal.charge_status == "FULL"
    assert [t.psp_reference for t in renewal.transactions] == [intent["id"]]
    return invoice


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_the_first_order_is_paid_at_the_bank_and_renewals_are_debited_on_the_generated_sepa_mandate(
    fake_saleor, eu_shop, storefront, kind
):
    plan = storefront.create_plan(eu_shop.variant.id, "eu-shop", "25.00")
    checkout = storefront.subscription_checkout(eu_shop, plan)
    total = checkout.total.gross.amount
    assert storefront.initialize_gateway(checkout)["paymentMethodTypes"] == EUR_TYPES

    started = storefront.pay_with_bank(checkout, kind)
    assert (started.result, started.errors) == ("CHARGE_ACTION_REQUIRED", [])
    assert "bank" in started.message
    intent_id = started.transaction.psp_reference
    next_action = started.data["nextAction"]
    assert next_action["redirect_to_url"]["return_url"] == RETURN_URL
    assert started.transaction.charged_value == 0
    intent = storefront.stripe.get(intent_id)
    assert (intent["status"], intent["payment_method_types"], intent["setup_future_usage"]) == (
        "requires_action",
        [kind],
        "off_session",
    )
    with pytest.raises(CheckoutRefused) as refused:
        fake_saleor.checkout_complete(checkout.id)
    assert refused.value.code == "CHECKOUT_NOT_FULLY_PAID"

    # At the bank: the customer authorises; the bank sends the browser back to the storefront.
    back = storefront.at_the_bank(next_action)
    assert back["payment_intent"] == intent_id
    processed = fake_saleor.transaction_process(started.transaction, data={"paymentIntentId": intent_id})
    assert (processed.result, processed.event["amount"]) == ("CHARGE_SUCCESS", total)
    assert processed.transaction.charged_value == total

    order = fake_saleor.checkout_complete(checkout.id)
    assert order.charge_status == "FULL"
    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.saleor_order_id) == ("active", order.id)

    # Renewals charge the SEPA Direct Debit method the payment left, not the single-use iDEAL/Bancontact one.
    intent = storefront.stripe.get(intent_id)
    sepa, mandate = generated_sepa(storefront, intent, kind)
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (sepa["id"], "sepa_debit")
    assert sepa["customer"] == customer.stripe_customer_id == intent["customer"]
    assert customer.default_payment_method_id != intent["payment_method"]
    assert storefront.stripe.get(intent["payment_method"])["customer"] is None
    row = CheckoutPayment.objects.get(intent_id=intent_id)
    assert (row.payment_method_id, row.payment_method_type, row.status) == (
        sepa["id"],
        "sepa_debit",
        "succeeded",
    )

    the_renewal_is_debited_on_the_sepa_mandate(storefront, subscription, sepa, mandate)
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_a_refusal_at_the_bank_leaves_the_checkout_unpaid_and_says_why(fake_saleor, eu_shop, storefront):
    plan = storefront.create_plan(eu_shop.variant.id, "eu-shop", "25.00")
    checkout = storefront.subscription_checkout(eu_shop, plan)
    started = storefront.pay_with_bank(checkout, "ideal")
    intent_id = started.transaction.psp_reference

    back = storefront.at_the_bank(started.data["nextAction"], authorise=False)
    assert back["payment_intent"] == intent_id
    processed = fake_saleor.transaction_process(started.transaction, data={"paymentIntentId": intent_id})

    assert processed.result == "CHARGE_FAILURE"
    assert "did not authorise the payment at their bank" in processed.message
    assert "(payment_intent_authentication_failure)" in processed.message
    assert processed.transaction.charged_value == 0
    assert fake_saleor.transaction_pending(processed.transaction) == 0
    with pytest.raises(CheckoutRefused) as refused:
        fake_saleor.checkout_complete(checkout.id)
    assert refused.value.code == "CHECKOUT_NOT_FULLY_PAID"
    assert not Subscription.objects.exists()
    assert storefront.stripe.get(intent_id)["status"] == "requires_payment_method"
    assert storefront.stripe.count("mandate") == 0
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert not customer.default_payment_method_id
    row = CheckoutPayment.objects.get(intent_id=intent_id)
    assert (row.status, row.payment_method_id) == ("requires_payment_method", "")


def test_a_free_trial_is_set_up_with_ideal_and_debited_on_the_generated_sepa_mandate_when_it_ends(
    fake_saleor, eu_shop, storefront
):
    free_post = fake_saleor.add_shipping_method("eu-shop", "Free trial post", Decimal(0))
    plan = storefront.create_plan(eu_shop.variant.id, "eu-shop", "25.00", trialDays=14)
    checkout = storefront.subscription_checkout(eu_shop, plan, shipping_method=free_post.id)
    assert checkout.total.gross.amount == 0

    # Nothing to pay: an unconfirmed SetupIntent that allows what the channel offers, iDEAL among them.
    started = fake_saleor.transaction_initialize(checkout, storefront.gateway, data={"returnUrl": RETURN_URL})
    assert started.result == "CHARGE_ACTION_REQUIRED"
    setup_id = started.data["setupIntentId"]
    assert storefront.stripe.get(setup_id)["payment_method_types"] == EUR_TYPES

    # The customer picks iDEAL; the storefront has Saleor process the transaction with the method.
    method = storefront.create_bank_method("ideal")
    data = {"paymentMethodId": method["id"], "returnUrl": RETURN_URL, "userAgent": USER_AGENT}
    chosen = fake_saleor.transaction_process(started.transaction, data=data, customer_ip_address=CUSTOMER_IP)
    assert chosen.result == "CHARGE_ACTION_REQUIRED" and "bank" in chosen.message
    back = storefront.at_the_bank(chosen.data["nextAction"])
    assert back["setup_intent"] == setup_id
    processed = fake_saleor.transaction_process(started.transaction)
    assert (processed.result, processed.event["amount"]) == ("CHARGE_SUCCESS", Decimal(0))
    assert storefront.stripe.count("payment_intent") == 0  # nothing charged now

    fake_saleor.checkout_complete(checkout.id)
    subscription = Subscription.objects.get()
    assert subscription.status == "trialing"
    setup = storefront.stripe.get(setup_id)
    assert setup["payment_method"] == method["id"]  # the SetupIntent keeps the iDEAL method...
    sepa, mandate = generated_sepa(storefront, setup, "ideal")  # ...its set-up attempt names the SEPA one
    customer = StripeCustomer.objects.get(installation=storefront.installation)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (sepa["id"], "sepa_debit")

    the_renewal_is_debited_on_the_sepa_mandate(storefront, subscription, sepa, mandate)
    subscription.refresh_from_db()
    assert subscription.status == "active"


def test_ideal_in_a_channel_that_does_not_take_euros_is_refused_with_stripes_reason(
    fake_saleor, fake_shop, storefront
):
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", "25.00")
    checkout = storefront.subscription_checkout(fake_shop, plan)
    assert storefront.initialize_gateway(checkout)["paymentMethodTypes"] == ["card"]

    started = storefront.pay_with_bank(checkout, "ideal")

    assert started.result == "CHARGE_FAILURE"
    assert "usd" in started.message and "eur" in started.message
    assert started.transaction.charged_value == 0
    assert storefront.stripe.count("payment_intent") == 0
