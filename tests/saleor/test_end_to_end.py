"""End to end over HTTP, as a shop owner and a storefront would: the app installed into the fake Saleor from
its manifest, a plan made with `planCreate` from the dashboard, a storefront checkout holding the subscription
line (added by the app's checkout hook) and a normal product, paid with a card through Saleor's payment
webhooks to the app (Stripe.js on the fake Stripe, see `storefront_flow`) and completed; the subscription is
then active, and when the test clock passes its due date the renewal makes an order in Saleor with the plan's
line, Saleor's totals, the off-session Stripe charge on the saved card recorded as a transaction and the
invoice attached.

The app serves on pytest-django's live server; Saleor and Stripe are the fake servers, reached over HTTP;
renewals run with the production ports (`saleor_ports`: Saleor orders, the Stripe gateway)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import httpx
import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_records import record_paid_orders
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import ADDRESS_NL
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.live_app import app_server, jwks_clock
from tests.saleor.storefront_flow import LINES_ADD, graphql, open_shop, stripe_settings

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


def test_install_plan_checkout_activation_and_a_renewal_order_in_saleor(
    fake_saleor, fake_shop, app_server, stripe_settings
):
    shop = open_shop(
        fake_saleor, stripe_settings, app_server
    )  # installed from its manifest, Stripe connected
    installation = shop.installation

    # The owner makes a plan from the product page in the dashboard: 25.00 a month per bag.
    plan_id = shop.create_plan(fake_shop.variant.id, "default-channel", "25.00")
    assert fake_saleor.variant(fake_shop.variant.id).metadata[
        "subscriptions.plans"
    ]  # mirrored for storefronts

    # The storefront: a checkout with a normal product, then the subscription line through the app's hook.
    checkout = fake_saleor.checkout_create(
        "default-channel",
        user=fake_shop.customer.id,
        lines=[(fake_shop.other_variant.id, 1)],
        shipping_address=ADDRESS_NL,
        billing_address=ADDRESS_NL,
    )
    customer = fake_saleor.customer_token(fake_shop.customer.id)
    added = graphql(
        app_server,
        LINES_ADD,
        {
            "checkoutId": checkout.id,
            "lines": [{"variantId": fake_shop.variant.id, "planId": plan_id, "quantity": 2}],
        },
        customer,
    )
    assert added["lines"][0]["firstCharge"]["unitPrice"] == "25.00"  # the first full month, per bag
    fake_saleor.checkout_delivery_method_update(checkout.id, fake_shop.shipping.id)
    view = fake_saleor.checkout(checkout.id)
    lines = {line.variant_id: line for line in view.lines}
    assert lines[fake_shop.other_variant.id].price_override is None  # the normal line untouched
    assert lines[fake_shop.other_variant.id].unit_price.net.amount == Decimal("17.50")
    assert lines[fake_shop.variant.id].unit_price.net.amount == Decimal("25.00")

    # Paid with a card through Saleor's payment mutations and the app's sync webhooks; the card is saved.
    paid = shop.pay_with_card(view, "4242 4242 4242 4242")
    assert paid.result == "CHARGE_SUCCESS" and paid.transaction is not None
    assert paid.transaction.charged_value == view.total.gross.amount
    order = fake_saleor.checkout_complete(checkout.id)

    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.quantity, subscription.saleor_order_id) == (
        "active",
        2,
        order.id,
    )
    assert subscription.next_billing_at == datetime(2026, 12, 16, 6, 0, tzinfo=UTC)  # due at 06:00

    # A month on, the renewal: an order in Saleor, charged off-session on the card the checkout saved.
    saved = StripeCustomer.objects.get(installation=installation)
    checkout_intent = stripe_settings.get(paid.transaction.psp_reference)
    stripe_customer, card = checkout_intent["customer"], checkout_intent["payment_method"]
    assert (saved.stripe_customer_id, saved.default_payment_method_id) == (stripe_customer, card)
    advance_clock(installation, subscription.next_billing_at + timedelta(hours=1), configured_ports())

    [invoice] = Invoice.objects.filter(subscription=subscription, billing_reason="renewal")
    assert invoice.status == Invoice.Status.PAID
    renewal = fake_saleor.order_by_external_reference(invoice.number)
    assert renewal is not None and renewal.id == invoice.saleor_order_id
    assert renewal.status == "UNFULFILLED"
    assert [(line.variant.id, line.quantity, line.unit_price.net.amount) for line in renewal.lines] == [
        (fake_shop.variant.id, 2, Decimal("25.00"))
    ]
    assert renewal.shipping_method.id == fake_shop.shipping.id
    assert renewal.shipping_address.street_address1 == ADDRESS_NL["streetAddress1"]
    # Saleor's totals (NL: 21 % on 50.00 and on the post 4.95) are the invoice's, line by line.
    assert (renewal.total.net.amount, renewal.total.gross.amount) == (Decimal("54.95"), Decimal("66.49"))
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("54.95"),
        Decimal("11.54"),
        Decimal("66.49"),
    )
    assert [(line.kind, line.amount, line.tax_amount) for line in invoice.lines.order_by("position")] == [
        ("plan", Decimal("50.00"), Decimal("10.50")),
        ("shipping", Decimal("4.95"), Decimal("1.04")),
    ]

    # The charge: one off-session PaymentIntent on the saved card, recorded on the order.
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    [intent] = [pi for pi in stripe_settings.objects("payment_intent") if pi["id"] != checkout_intent["id"]]
    assert (intent["id"], intent["amount"], intent["currency"]) == (attempt.reference, 6649, "usd")
    assert (intent["customer"], intent["payment_method"], intent["status"]) == (
        stripe_customer,
        card,
        "succeeded",
    )
    [transaction] = renewal.transactions
    assert transaction.psp_reference == attempt.reference
    assert transaction.charged_amount.amount == Decimal("66.49")
    assert renewal.charge_status == "FULL"
    [document] = renewal.invoices
    assert document.number == invoice.number
    pdf = httpx.get(document.url, timeout=30)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert OrderRecord.objects.get(invoice=invoice).done_at is not None

    # Recording again (beat's task, a retry) writes nothing twice.
    sink = SaleorOrderSink()
    assert record_paid_orders(sink).done == 0
    renewal = fake_saleor.order_by_external_reference(invoice.number)
    assert renewal is not None
    assert (len(renewal.transactions), len(renewal.invoices)) == (1, 1)
