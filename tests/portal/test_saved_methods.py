"""Choosing among saved payment methods in the portal, over the fake Stripe: every chargeable method listed
with the default marked, another made the default (and the next renewal charges it), a method removed
(detached at Stripe), the default's removal refused clearly, another customer's method refused, CSRF."""

from __future__ import annotations

import re
from typing import Any, cast
from urllib.parse import urlsplit

import pytest
from django.test import Client
from stripe.params import SetupIntentCreateParams

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal.sessions import create_guest_link
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.stripe.scenarios import ONLINE_MANDATE
from tests.payments.stripe_webhooks.stripe_shop import (
    ShopWithStripe,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.portal.support import csrf_token

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

pytestmark = pytest.mark.django_db

PAGE = "/portal/payment-method/"


def _signed_in(shop: ShopWithStripe, email: str = "piet@example.com", *, csrf: bool = False) -> Client:
    _, url = create_guest_link(shop.installation, email=email, return_url="")
    client = Client(enforce_csrf_checks=csrf)
    assert client.get(urlsplit(url).path).status_code == 302
    return client


def _with_two_methods(shop: ShopWithStripe) -> tuple[Subscription, str, str]:
    """A subscriber whose Visa is the default, with a SEPA account saved too."""
    subscription = shop.subscriber("pm_card_visa")
    customer = shop.customer(subscription)
    card = customer.default_payment_method_id
    params: dict[str, Any] = {
        "customer": customer.stripe_customer_id,
        "confirm": True,
        "usage": "off_session",
        "payment_method_types": ["sepa_debit"],
        "payment_method_data": {
            "type": "sepa_debit",
            "sepa_debit": {"iban": "DE89370400440532013000"},
            "billing_details": {"name": "Piet Jansen", "email": "piet@example.com"},
        },
        "mandate_data": ONLINE_MANDATE,
    }
    setup = shop.client.v1.setup_intents.create(params=cast(SetupIntentCreateParams, params))
    assert setup.status == "succeeded"
    return subscription, card, str(setup.payment_method)


def _listed(html: str) -> list[tuple[str, bool]]:
    return [
        (m.group(1), m.group(2) is not None)
        for m in re.finditer(r'data-method="([^"]+)"( data-default="true")?', html)
    ]


def test_every_saved_method_is_listed_with_the_default_first(stripe_shop):
    _, card, sepa = _with_two_methods(stripe_shop)
    html = _signed_in(stripe_shop).get(PAGE).content.decode()
    assert _listed(html) == [(card, True), (sepa, False)]
    assert "Visa •••• 4242" in html and "SEPA Direct Debit •••• 3000" in html
    assert f"/portal/payment-method/saved/{sepa}/remove/" in html
    assert f"/portal/payment-method/saved/{card}/remove/" not in html  # the default offers no removal


def test_another_method_made_the_default_is_the_one_the_next_renewal_charges(stripe_shop):
    subscription, card, sepa = _with_two_methods(stripe_shop)
    client = _signed_in(stripe_shop)
    done = client.post(f"/portal/payment-method/saved/{sepa}/default/")
    assert done.status_code == 302 and done["Location"] == f"{PAGE}?done=default"
    page = client.get(done["Location"]).content.decode()
    assert "charged to the new default" in page
    assert _listed(page) == [(sepa, True), (card, False)]
    customer = stripe_shop.customer(subscription)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (sepa, "sepa_debit")

    invoice = stripe_shop.renew(subscription)
    attempt = PaymentAttempt.objects.get(invoice=invoice)
    assert stripe_shop.fake.get(attempt.reference)["payment_method"] == sepa
    assert attempt.status == PaymentAttempt.Status.PROCESSING
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


def test_a_method_that_is_not_the_default_is_removed_at_stripe(stripe_shop):
    _, card, sepa = _with_two_methods(stripe_shop)
    client = _signed_in(stripe_shop)
    done = client.post(f"/portal/payment-method/saved/{sepa}/remove/")
    assert done.status_code == 302
    assert stripe_shop.fake.get(sepa)["customer"] is None
    assert _listed(client.get(PAGE).content.decode()) == [(card, True)]


def test_removing_the_default_is_refused_and_changes_nothing(stripe_shop):
    subscription, card, _ = _with_two_methods(stripe_shop)
    refused = _signed_in(stripe_shop).post(f"/portal/payment-method/saved/{card}/remove/")
    html = refused.content.decode()
    assert refused.status_code == 400
    assert 'data-code="is_default"' in html and "Make another one the default first" in html
    assert stripe_shop.fake.get(card)["customer"] == stripe_shop.customer(subscription).stripe_customer_id
    assert stripe_shop.customer(subscription).default_payment_method_id == card


def test_another_customers_method_is_not_found(stripe_shop):
    _, card, _ = _with_two_methods(stripe_shop)
    stripe_shop.subscriber("pm_card_mastercard", email="anna@example.com")
    anna = _signed_in(stripe_shop, "anna@example.com")
    for action in ("default", "remove"):
        refused = anna.post(f"/portal/payment-method/saved/{card}/{action}/")
        assert refused.status_code == 404 and 'data-code="not_found"' in refused.content.decode()
    assert stripe_shop.fake.get(card)["customer"] is not None


def test_the_choice_needs_the_csrf_token(stripe_shop):
    _, _, sepa = _with_two_methods(stripe_shop)
    client = _signed_in(stripe_shop, csrf=True)
    assert client.post(f"/portal/payment-method/saved/{sepa}/default/").status_code == 403
    token = csrf_token(client, PAGE)
    ok = client.post(f"/portal/payment-method/saved/{sepa}/default/", {"csrfmiddlewaretoken": token})
    assert ok.status_code == 302


def test_the_page_in_dutch(stripe_shop):
    _with_two_methods(stripe_shop)
    client = _signed_in(stripe_shop)
    client.post("/portal/language/", {"language": "nl"})
    html = client.get(PAGE).content.decode()
    assert "Je opgeslagen betaalmethodes" in html and "SEPA-incasso •••• 3000" in html
