"""A billing contact pays an invoice on the pay page (the fake Stripe confirming as Stripe.js would): their
pay link neither shows nor uses the customer's saved card, and never makes a card the customer's default."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from tests.payments.stripe_webhooks.stripe_shop import (
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db


def _intent(html: str) -> str:
    found = re.search(r'name="payment_intent" value="([^"]*)"', html)
    assert found
    return found.group(1)


def test_a_contacts_pay_link_pays_without_the_customers_card_and_saves_none(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)
    before = stripe_shop.customer(subscription).default_payment_method_id
    customers_page = client.get(urlsplit(pay_url(invoice)).path).content.decode()
    assert 'value="saved"' in customers_page and 'name="make_default"' in customers_page
    link = urlsplit(pay_url(invoice, payer_only=True)).path

    html = client.get(link).content.decode()

    assert 'value="saved"' not in html and 'name="make_default"' not in html
    intent_id = _intent(html)
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})
    done = client.post(f"{link}complete/", {"payment_intent": intent_id, "make_default": "on"})
    assert done.status_code == 200
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert stripe_shop.customer(subscription).default_payment_method_id == before
