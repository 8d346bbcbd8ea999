"""The sign-up's invoice end to end (BILLING_RULES §4, §8): a storefront pays a checkout holding a
subscription line (a code, a setup fee, two units) and another product through the app, on the fake Saleor
and the fake Stripe over HTTP; the paid order makes the first invoice, which is written on that order (its
document and the line's metadata, once however often the recorder runs), emailed as paid, listed by the
customer API; and an immediate cancellation credits what that invoice charged for the period, not the list
price.

The app serves on pytest-django's live server (`live_app`); helpers are in `storefront_flow`."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import httpx
import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.links import invoice_of_token
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.lifecycle import cancel_subscription
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.order_records import record_paid_orders
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import ADDRESS_NL
from tests.fakes.stripe.fixtures import fake_stripe, fake_stripe_server
from tests.saleor.live_app import app_server, jwks_clock
from tests.saleor.storefront_flow import Storefront, graphql, open_shop, stripe_settings

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

LINES_ADD_WITH_CODE = """
mutation Add($checkoutId: ID!, $lines: [SubscriptionCheckoutLineInput!]!, $code: String) {
  subscriptionCheckoutLinesAdd(checkoutId: $checkoutId, lines: $lines, discountCode: $code) {
    lines { lineId firstCharge { total unitPrice } }
    errors { field code message }
  }
}
"""
MY_SUBSCRIPTIONS = """
query { mySubscriptions {
  invoices {
    number status total currency paidAt periodStart periodEnd documentUrl payUrl missingSellerDetails
    paidWith
  }
  openInvoices { number }
} }
"""


def api(app_url: str, query: str, token: str) -> dict[str, Any]:
    """A query of the app's API with a customer's token: its data, asserting no errors."""
    response = httpx.post(
        f"{app_url}/graphql/", json={"query": query}, headers={"Authorization": f"Bearer {token}"}, timeout=30
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert "errors" not in body, body
    return dict(body["data"])


@pytest.fixture
def storefront(fake_saleor, app_server, stripe_settings) -> Storefront:
    return open_shop(fake_saleor, stripe_settings, app_server)


def test_a_checkout_paid_through_the_app_has_its_first_invoice_on_its_order_and_credits_what_it_charged(
    fake_saleor, fake_shop, storefront
):
    DiscountCode.objects.create(
        installation=storefront.installation, code="HALF", kind="percentage", percent=50
    )
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", "25.00", setupFee="5.00")
    checkout = fake_saleor.checkout_create(
        fake_shop.channel.slug,
        user=fake_shop.customer.id,
        lines=[(fake_shop.other_variant.id, 1)],
        shipping_address=ADDRESS_NL,
        billing_address=ADDRESS_NL,
    )
    customer = fake_saleor.customer_token(fake_shop.customer.id)
    lines = [{"variantId": fake_shop.variant.id, "planId": plan, "quantity": 2}]
    added = graphql(
        storefront.app_url,
        LINES_ADD_WITH_CODE,
        {"checkoutId": checkout.id, "lines": lines, "code": "HALF"},
        customer,
    )
    # 25.00 x 2 = 50.00 less 50% = 25.00, and the setup fee 5.00 x 2 = 10.00.
    assert Decimal(added["lines"][0]["firstCharge"]["total"]) == Decimal("35.00")
    checkout = fake_saleor.checkout_delivery_method_update(checkout.id, fake_shop.shipping.id)

    paid = storefront.pay_with_card(checkout, "4242 4242 4242 4242")
    assert paid.result == "CHARGE_SUCCESS", paid
    order = fake_saleor.checkout_complete(checkout.id)

    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    invoice = Invoice.objects.get()
    # The installation's own prefix (random per installation), then the first number of its sequence.
    first_number = f"{subscription.installation.invoice_prefix}000001"
    [order_line] = [line for line in order.lines if line.id == subscription.saleor_order_line_id]
    assert (invoice.number, invoice.billing_reason, invoice.status, invoice.saleor_order_id) == (
        first_number,
        "signup",
        "paid",
        order.id,
    )
    assert order_line.total_price is not None
    assert (invoice.subtotal, invoice.total) == (
        order_line.total_price.net.amount,
        order_line.total_price.gross.amount,
    )
    assert [(ln.kind, ln.amount) for ln in invoice.lines.order_by("position")] == [
        ("plan", Decimal("50.00")),
        ("setup_fee", Decimal("10.00")),
        ("discount", Decimal("-25.00")),
    ]
    receipt = OutgoingEmail.objects.get(kind="receipt")
    assert receipt.invoice == invoice and first_number in receipt.subject + receipt.text_body

    # Written on the checkout's order as a renewal's on its own: the document once, the line's metadata.
    sink = SaleorOrderSink()
    try:
        assert record_paid_orders(sink, installation_id=storefront.installation.pk).done == 1
        assert record_paid_orders(sink, installation_id=storefront.installation.pk).done == 0
    finally:
        sink.close()
    order = fake_saleor.order(order.id)
    assert [(i.number, bool(i.url)) for i in order.invoices] == [(first_number, True)]
    [order_line] = [line for line in order.lines if line.id == subscription.saleor_order_line_id]
    assert order_line.metadata[order_lines.INVOICE] == first_number
    assert order_line.metadata[order_lines.SUBSCRIPTION] == str(subscription.pk)
    explained = json.loads(order_line.metadata[order_lines.INVOICE_LINES])
    assert [(ln["kind"], ln["amount"]) for ln in explained] == [
        ("plan", "50.00"),
        ("setup_fee", "10.00"),
        ("discount", "-25.00"),
    ]
    assert len(order.transactions) == 1  # the checkout's own payment; nothing recorded again

    # The customer API lists it like every other invoice: paid, with its pay date and its document.
    listed = api(storefront.app_url, MY_SUBSCRIPTIONS, fake_saleor.customer_token(fake_shop.customer.id))
    [node] = listed["mySubscriptions"]
    [listed_invoice] = node["invoices"]
    token = listed_invoice.pop("documentUrl").rsplit("/", 1)[1].removesuffix(".pdf")
    assert invoice_of_token(token) == invoice.pk
    assert [listed_invoice] == [
        {
            "number": first_number,
            "status": "PAID",
            "total": "42.35",  # 35.00 and the Netherlands' 21% that Saleor computed on the order line
            "currency": "USD",
            "paidAt": invoice.paid_at.isoformat() if invoice.paid_at else None,
            "periodStart": "2026-11-16",
            "periodEnd": "2026-12-16",
            "payUrl": None,
            "missingSellerDetails": True,  # the shop has not set its seller details
            "paidWith": "Visa •••• 4242",  # the checkout's payment names the method (saleor.signup_signals)
        }
    ]
    assert node["openInvoices"] == []

    # Cancelled at once on the day of the sign-up: the whole period is unused, and what was charged for it
    # is 25.00 (50.00 less the code's 50%), never the setup fee nor the list price 50.00 (§8).
    cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately", credit=True)
    assert CreditNote.objects.get(subscription=subscription).amount == Decimal("25.00")


def test_a_plan_on_the_variants_channel_price_invoices_that_price(fake_saleor, fake_shop, storefront):
    """The plan has no price of its own: the first invoice takes the variant's price in the channel from
    Saleor (9.99 in the coffee shop's channel), as the checkout did."""
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", None)
    checkout = storefront.subscription_checkout(fake_shop, plan)
    assert storefront.pay_with_card(checkout, "4242 4242 4242 4242").result == "CHARGE_SUCCESS"
    fake_saleor.checkout_complete(checkout.id)

    invoice = Invoice.objects.get()
    assert [(ln.kind, ln.unit_amount, ln.amount) for ln in invoice.lines.all()] == [
        ("plan", Decimal("9.99"), Decimal("9.99"))
    ]


def test_the_first_invoice_copies_seller_the_checkouts_billing_address_vat_number_and_saleors_rate(
    fake_saleor, fake_shop, storefront
):
    """The storefront writes the buyer's VAT number in the checkout's metadata (`vat_number`); Saleor copies
    it to the order, and the invoice names the business with it, the seller as set, and Saleor's 21 %."""
    storefront.installation.update_seller(
        name="Koffie & Co B.V.",
        address="Keizersgracht 1\n1015 CJ Amsterdam",
        vat_number="NL804733568B01",
        registration_number="12345678",
    )
    plan = storefront.create_plan(fake_shop.variant.id, "default-channel", "25.00")
    company = {**ADDRESS_NL, "companyName": "De Vries Fysio"}
    checkout = storefront.subscription_checkout(
        fake_shop, plan, address=company, metadata={"vat_number": "nl 0012.34567.B89"}
    )
    assert storefront.pay_with_card(checkout, "4242 4242 4242 4242").result == "CHARGE_SUCCESS"
    fake_saleor.checkout_complete(checkout.id)

    invoice = Invoice.objects.get()
    assert Subscription.objects.get().customer_vat_number == "NL001234567B89"
    assert invoice.missing_seller_details is False
    assert invoice.seller == {
        "name": "Koffie & Co B.V.",
        "address": "Keizersgracht 1\n1015 CJ Amsterdam",
        "vat_number": "NL804733568B01",
        "registration_number": "12345678",
    }
    assert invoice.buyer == {
        "name": "Anna de Vries",
        "company": "De Vries Fysio",
        "address": ["Damrak 1", "1012 LG Amsterdam"],
        "country": "NL",
        "email": invoice.subscription.customer_email,
        "vat_number": "NL001234567B89",
    }
    assert [(ln.kind, ln.tax_rate) for ln in invoice.lines.all()] == [("plan", Decimal("0.2100"))]
    listed = api(storefront.app_url, MY_SUBSCRIPTIONS, fake_saleor.customer_token(fake_shop.customer.id))
    assert [i["missingSellerDetails"] for i in listed["mySubscriptions"][0]["invoices"]] == [False]
