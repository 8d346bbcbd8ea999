"""A renewal order refunded from Saleor's dashboard: the app recorded the off-session charge on the order as a
transaction Saleor may ask it to refund (TRANSACTION_REFUND_REQUESTED); the app refunds that PaymentIntent at
Stripe through the renewal gateway, never more than is left, once however often Saleor asks."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
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
def renewed(fake_saleor, fake_shop, app_server, stripe_settings):
    """A subscription paid at the checkout with a card, then renewed once: (storefront, invoice, order)."""
    storefront: Storefront = open_shop(fake_saleor, stripe_settings, app_server)
    plan = storefront.create_plan(fake_shop.variant.id, fake_shop.channel.slug, "25.00")
    checkout = storefront.subscription_checkout(fake_shop, plan)
    assert storefront.pay_with_card(checkout, "4242 4242 4242 4242").result == "CHARGE_SUCCESS"
    fake_saleor.checkout_complete(checkout.id)
    subscription = Subscription.objects.get()
    assert subscription.next_billing_at is not None
    advance_clock(
        storefront.installation, subscription.next_billing_at + timedelta(hours=1), configured_ports()
    )
    invoice = Invoice.objects.get(subscription=subscription, billing_reason="renewal")
    assert invoice.status == Invoice.Status.PAID
    order = fake_saleor.order_by_external_reference(invoice.number)
    return storefront, invoice, order


def test_the_renewal_charge_on_the_order_is_refundable_and_refunds_at_stripe(fake_saleor, renewed):
    storefront, invoice, order = renewed
    [transaction] = order.transactions
    attempt = PaymentAttempt.objects.get(invoice=invoice, status="succeeded")
    assert transaction.psp_reference == attempt.reference
    assert transaction.available_actions == ["REFUND"]

    partly = fake_saleor.transaction_refund(transaction, Decimal("10.00"))

    assert partly.result == "REFUND_SUCCESS", partly.message
    [refund] = storefront.stripe.objects("refund")
    assert (refund["payment_intent"], refund["amount"]) == (attempt.reference, 1000)
    assert partly.event["psp_reference"] == refund["id"]
    assert transaction.refunded_value == Decimal("10.00")
    assert partly.response["actions"] == ["REFUND"]  # more is left to refund

    rest = fake_saleor.transaction_refund(transaction)
    assert rest.result == "REFUND_SUCCESS", rest.message
    assert rest.response["actions"] == []
    charge = storefront.stripe.get(storefront.stripe.get(attempt.reference)["latest_charge"])
    assert charge["amount_refunded"] == charge["amount_captured"] == int(invoice.total * 100)


def test_a_refund_saleor_asks_for_twice_refunds_once(fake_saleor, renewed):
    storefront, _invoice, order = renewed
    [transaction] = order.transactions
    first = fake_saleor.transaction_refund(transaction, Decimal("5.00"))
    assert first.result == "REFUND_SUCCESS"

    again = fake_saleor.redeliver(first.delivery)

    assert again.ok
    assert storefront.stripe.count("refund") == 1


def test_more_than_is_left_at_stripe_is_refused_naming_the_amount(fake_saleor, renewed):
    storefront, invoice, order = renewed
    [transaction] = order.transactions
    attempt = PaymentAttempt.objects.get(invoice=invoice, status="succeeded")
    # Part refunded in Stripe's dashboard; Saleor does not know and asks for everything it holds as charged.
    storefront.stripe.client().v1.refunds.create(params={"payment_intent": attempt.reference, "amount": 500})

    refused = fake_saleor.transaction_refund(transaction)

    assert refused.result == "REFUND_FAILURE"
    assert refused.message.startswith("action.amount: ")
    left, asked = invoice.total - Decimal("5.00"), invoice.total
    expected = f"at most {left:.2f} USD is left to refund on invoice {invoice.number}, not {asked:.2f}"
    assert expected in refused.message
    assert storefront.stripe.count("refund") == 1
    assert transaction.refunded_value == Decimal(0)
