"""A sign-up staff made (`renewals.staff_signup`, issue 15) paid for real, over the fake Stripe:
SAVED_METHOD is charged off-session by the renewal runner's sweeper through the Stripe gateway as the clock
runs; PAY_LINK's emailed link opens the pay page, which says the subscription starts once paid, and paying
there activates it."""

from __future__ import annotations

import re

import pytest

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.customers import recorded_method
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.staff_signup import Collection, create_and_bill
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import at, plan
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    ShopWithStripe,
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.renewals.support import reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

pytestmark = pytest.mark.django_db
STAFF = "VXNlcjox"


def _create(shop: ShopWithStripe, email: str, collection: Collection) -> tuple[Subscription, Invoice]:
    return create_and_bill(
        shop.installation,
        plan(shop.installation, "30.00"),
        customer_user_id="",
        customer_email=email,
        quantity=1,
        start_on=None,
        discount_code="",
        collection=collection,
        has_saved_method=lambda sub: recorded_method(shop.account, sub.customer_key) is not None,
        actor_id=STAFF,
        notifier=shop.notifier,
        pay_url=pay_url,
    )


def _page_value(html: str, name: str) -> str:
    found = re.search(rf'var {name} = "([^"]*)"', html) or re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"{name} not on the page"
    return found.group(1)


def test_saved_method_is_charged_off_session_by_the_sweeper_and_the_subscription_becomes_active(stripe_shop):
    stripe_shop.subscriber("pm_card_visa", email="ann@example.com")  # her card is saved
    sub, invoice = _create(stripe_shop, "ann@example.com", Collection.SAVED_METHOD)
    assert (sub.status, invoice.status) == ("incomplete", "open")

    stripe_shop.advance(at(2026, 11, 16, 12))

    invoice.refresh_from_db()
    assert (invoice.status, reload(sub).status) == ("paid", "active")
    assert attempts(invoice) == [(1, "succeeded", "")]
    intent = stripe_shop.fake.get(PaymentAttempt.objects.get(invoice=invoice).reference)
    assert (intent["status"], intent["amount"]) == ("succeeded", int(invoice.amount_due * 100))
    assert intent["metadata"]["invoice_number"] == invoice.number


def test_a_declined_saved_method_leaves_the_signup_incomplete_without_dunning(stripe_shop):
    stripe_shop.subscriber("pm_card_chargeCustomerFail", email="bob@example.com")
    sub, invoice = _create(stripe_shop, "bob@example.com", Collection.SAVED_METHOD)

    stripe_shop.advance(at(2026, 11, 16, 12))

    invoice.refresh_from_db()
    assert (invoice.status, reload(sub).status) == ("open", "incomplete")


def test_the_pay_link_opens_the_pay_page_and_paying_there_activates(client, stripe_shop):
    sub, invoice = _create(stripe_shop, "cor@example.com", Collection.PAY_LINK)
    [request] = stripe_shop.notifier.of("payment_request")
    link = request.args[1].removeprefix(APP_URL)

    html = client.get(link).content.decode()
    assert "starts once this first invoice is paid" in html
    intent_id = _page_value(html, "payment_intent")
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})
    done = client.post(f"{link}complete/", {"payment_intent": intent_id})

    assert done.status_code == 200
    invoice.refresh_from_db()
    paid = reload(sub)
    assert (invoice.status, paid.status) == ("paid", "active")
    assert list(paid.events.order_by("pk").values_list("kind", "actor_type", "actor_id")) == [
        ("start", "staff", STAFF),
        ("activate", "app", ""),
    ]
