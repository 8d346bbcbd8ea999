"""End to end over HTTP, as a shop owner and a storefront would: the app installed into the fake Saleor from
its manifest, a plan made with `planCreate` from the dashboard, a storefront checkout holding the subscription
line (added by the app's checkout hook) and a normal product, paid and completed; the subscription is then
active, and when the test clock passes its due date the renewal makes an order in Saleor with the plan's line,
Saleor's totals, the off-session Stripe charge recorded as a transaction and the invoice attached.

The app serves on pytest-django's live server; Saleor and Stripe are the fake servers, reached over HTTP;
renewals run with the production ports (`saleor_ports`: Saleor orders, the Stripe gateway)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_records import record_paid_orders
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.saleor import FakeSaleor
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import ADDRESS_NL, Shop
from tests.fakes.stripe import FakeStripe
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.live_app import app_server, jwks_clock

__all__ = ["app_server", "fake_saleor", "fake_shop", "fake_stripe", "fake_stripe_server", "jwks_clock"]

pytestmark = pytest.mark.django_db(transaction=True)

SIGN_UP = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
PLAN_CREATE = """
mutation Create($input: PlanCreateInput!) {
  planCreate(input: $input) { plan { id } errors { field code message } }
}
"""
LINES_ADD = """
mutation Add($checkoutId: ID!, $lines: [SubscriptionCheckoutLineInput!]!) {
  subscriptionCheckoutLinesAdd(checkoutId: $checkoutId, lines: $lines) {
    lines { lineId firstCharge { total unitPrice } }
    errors { field code message }
  }
}
"""


def graphql(app_url: str, query: str, variables: dict[str, Any], token: str) -> dict[str, Any]:
    response = httpx.post(
        f"{app_url}/graphql/",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    (result,) = body["data"].values()
    assert result["errors"] == [], result["errors"]
    return dict(result)


@pytest.fixture
def stripe_settings(settings: Any, fake_stripe: FakeStripe) -> FakeStripe:
    settings.STRIPE_API_BASE = fake_stripe.url
    settings.STRIPE_NETWORK_RETRIES = 0
    settings.RENEWAL_PORTS = "saleor_subscriptions.saleor.ports:saleor_ports"
    return fake_stripe


def install(fake: FakeSaleor, app_url: str) -> tuple[Installation, str]:
    """The shop owner installs the app from its manifest URL; this shop tries it out on a test clock."""
    app = fake.install_app(f"{app_url}/api/manifest")
    installation = Installation.objects.get(saleor_api_url=fake.api_url)
    installation.sandbox, installation.clock, installation.time_zone = True, SIGN_UP, "UTC"
    installation.save(update_fields=["sandbox", "clock", "time_zone"])
    return installation, app.id


def saved_card(fake_stripe: FakeStripe, installation: Installation, shop: Shop) -> tuple[str, str]:
    """Stripe connected for the shop, and the card the customer's checkout payment saved for renewals
    (issue 6 makes this through Saleor's payment webhooks; here it is set up as that leaves it)."""
    account = connect_stripe(
        installation, "", StripeKeys(fake_stripe.secret_key, fake_stripe.publishable_key)
    )
    customer_key = Subscription.objects.get().customer_key
    customer = stripe_customer_for(account, customer_key, email="ann@example.com")
    setup = fake_stripe.client().v1.setup_intents.create(
        params={
            "customer": customer.stripe_customer_id,
            "payment_method": "pm_card_visa",
            "confirm": True,
            "usage": "off_session",
        }
    )
    assert setup.status == "succeeded" and isinstance(setup.payment_method, str)
    remember_payment_method(installation.pk, customer.stripe_customer_id, setup.payment_method, "card")
    return customer.stripe_customer_id, setup.payment_method


def test_install_plan_checkout_activation_and_a_renewal_order_in_saleor(
    fake_saleor, fake_shop, app_server, stripe_settings
):
    installation, app_id = install(fake_saleor, app_server)

    # The owner makes a plan from the product page in the dashboard: 25.00 a month per bag.
    staff = fake_saleor.dashboard_token(app_id, permissions=["MANAGE_PRODUCTS"])
    created = graphql(
        app_server,
        PLAN_CREATE,
        {
            "input": {
                "variant": fake_shop.variant.id,
                "channel": "default-channel",
                "name": "Coffee every month",
                "terms": {"interval": "MONTH", "price": "25.00"},
            }
        },
        staff,
    )
    plan_id = created["plan"]["id"]
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

    fake_saleor.pay_checkout(checkout.id)
    order = fake_saleor.checkout_complete(checkout.id)

    subscription = Subscription.objects.get()
    assert (subscription.status, subscription.quantity, subscription.saleor_order_id) == (
        "active",
        2,
        order.id,
    )
    assert subscription.next_billing_at == datetime(2026, 12, 16, 6, 0, tzinfo=UTC)  # due at 06:00

    # A month on, the renewal: an order in Saleor, charged off-session on the saved card.
    stripe_customer, card = saved_card(stripe_settings, installation, fake_shop)
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
    [intent] = stripe_settings.objects("payment_intent")
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
