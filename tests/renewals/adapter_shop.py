"""The shop that the renewal tests on the production adapters run against (`test_crash_safety_adapters`,
`test_races_adapters`): the fake Saleor's coffee shop with Stripe connected at the fake Stripe, customers with
cards saved there for off-session charges, what Stripe holds for an installation, and the environment of
worker processes that reach both fakes over HTTP with `conf.ports:saleor_ports`."""

from __future__ import annotations

from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.conf import settings

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_amounts import from_minor
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.saleor import FakeSaleor
from tests.fakes.stripe import FakeStripe
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
)
from tests.saleor.test_orders_pipeline import fake_saleor
from tests.saleor.test_orders_shop import Shop, make_shop

__all__ = ["fake_saleor", "fake_stripe", "fake_stripe_server", "stripe_settings"]


def shop_with_stripe(
    fake_saleor: FakeSaleor, fake_stripe: FakeStripe, **shop_fields: Any
) -> tuple[Shop, StripeAccount]:
    """`make_shop(fake_saleor, **shop_fields)` with its Stripe account connected at the fake Stripe."""
    shop = make_shop(fake_saleor, **shop_fields)
    endpoint = fake_stripe.add_webhook_endpoint(f"{APP_URL}/webhooks/stripe/{shop.installation.pk}/")
    account = connect_stripe(
        shop.installation,
        "",
        StripeKeys(fake_stripe.secret_key, fake_stripe.publishable_key, endpoint["secret"]),
    )
    return shop, account


def save_card(shop: Shop, fake: FakeStripe, account: StripeAccount, subscription: Subscription) -> None:
    """A card saved at the fake Stripe for the subscription's customer, for off-session charges."""
    client = fake.client(max_network_retries=0)
    customer = stripe_customer_for(account, subscription.customer_key, email=subscription.customer_email)
    setup = client.v1.setup_intents.create(
        params={
            "customer": customer.stripe_customer_id,
            "payment_method": "pm_card_visa",
            "confirm": True,
            "usage": "off_session",
        }
    )
    assert setup.status == "succeeded"
    remember_payment_method(
        shop.installation.pk, customer.stripe_customer_id, str(setup.payment_method), "card"
    )


def stripe_figures(fake: FakeStripe, installation_id: int) -> tuple[dict[str, list[dict[str, Any]]], Decimal]:
    """The succeeded PaymentIntents of each invoice number, and what Stripe holds: charged less refunded."""
    succeeded: dict[str, list[dict[str, Any]]] = defaultdict(list)
    held = Decimal(0)
    for intent in fake.objects("payment_intent"):
        metadata = intent.get("metadata") or {}
        if metadata.get("installation") != str(installation_id) or intent["status"] != "succeeded":
            continue
        succeeded[metadata["invoice_number"]].append(intent)
        held += from_minor(int(intent.get("amount_received") or intent["amount"]), intent["currency"].upper())
    for refund in fake.objects("refund"):
        if refund.get("status") == "succeeded" and refund.get("payment_intent"):
            held -= from_minor(int(refund["amount"]), refund["currency"].upper())
    return succeeded, held


def adapter_environ(fake: FakeStripe) -> dict[str, str]:
    """What a worker process needs, beyond `child_environ`'s, to renew on the production adapters against the
    fakes (Saleor's URL is the installation's own)."""
    environ = {
        "RENEWAL_PORTS": "saleor_subscriptions.conf.ports:saleor_ports",
        "STRIPE_API_BASE": fake.url,
        "STRIPE_NETWORK_RETRIES": "0",
        "SECRET_KEY": settings.SECRET_KEY,
        # Test hooks (the crash points) are refused with an https APP_URL: the workers' links are plain http.
        "APP_URL": APP_URL.replace("https://", "http://", 1),
        "SALEOR_RETRIES": "1",
    }
    if settings.APP_TOKEN_KEYS:
        environ["APP_TOKEN_KEYS"] = ",".join(settings.APP_TOKEN_KEYS)
    return environ


def check_anytime(fake_saleor: FakeSaleor, fake: FakeStripe, installation_id: int) -> None:
    """What holds at any moment, however a worker died."""
    invoices = list(Invoice.objects.filter(installation_id=installation_id))
    numbers = {invoice.number for invoice in invoices}
    orders = Counter(order.external_reference for order in fake_saleor.orders())
    assert [ref for ref, n in orders.items() if n > 1] == [], "an invoice has two Saleor orders"
    assert set(orders) <= numbers, "a Saleor order of no invoice"
    succeeded, held = stripe_figures(fake, installation_id)
    assert [number for number, intents in succeeded.items() if len(intents) > 1] == []
    paid = sum((invoice.amount_paid for invoice in invoices), Decimal(0))
    assert paid <= held, f"the invoices say {paid} is paid, Stripe holds {held}"
    for invoice in invoices:
        if invoice.status == Invoice.Status.PAID and invoice.amount_due > 0:
            assert invoice.number in succeeded, f"{invoice.number} is paid and Stripe never charged it"
    assigned = sorted(int(str(n)[4:]) for n in numbers if n)
    assert assigned == list(range(1, len(assigned) + 1)), "a gap in the invoice numbers"


def check_finished(fake_saleor: FakeSaleor, fake: FakeStripe, installation_id: int) -> None:
    """When every worker has finished: everything paid once, charged once, and written on its one order."""
    check_anytime(fake_saleor, fake, installation_id)
    invoices = list(Invoice.objects.filter(installation_id=installation_id))
    assert {i.pipeline_step for i in invoices} == {Invoice.PipelineStep.DONE}
    assert {i.status for i in invoices} == {Invoice.Status.PAID}
    succeeded, held = stripe_figures(fake, installation_id)
    assert held == sum((i.amount_paid for i in invoices), Decimal(0))
    orders = {order.external_reference: order for order in fake_saleor.orders()}
    assert len(orders) == len(invoices)
    for invoice in invoices:
        number = str(invoice.number)
        order = orders[number]
        assert order.total is not None
        assert (order.id, order.status, order.total.gross.amount) == (
            invoice.saleor_order_id,
            "UNFULFILLED",
            invoice.total,
        )
        assert len(succeeded[number]) == 1, f"{number}: {len(succeeded[number])} succeeded PaymentIntents"
        assert len(order.transactions) == 1, f"{number}: {len(order.transactions)} transactions on its order"
        [intent], [transaction] = succeeded[number], order.transactions
        assert transaction.psp_reference == intent["id"]
        assert [(e["type"], e["psp_reference"]) for e in transaction.events] == [
            ("CHARGE_SUCCESS", intent["id"])
        ]
        assert transaction.charged_value == invoice.amount_paid
        assert [document.number for document in order.invoices] == [invoice.number], f"{number}: documents"
        assert OrderRecord.objects.get(invoice=invoice).done_at is not None
