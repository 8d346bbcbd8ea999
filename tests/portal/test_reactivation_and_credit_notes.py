"""Reactivating a subscription cancelled for nonpayment, within its window, by paying its unpaid invoice (the
lifecycle's own check decides, as for the API's payUrl; the payment's settlement reactivates it), and the
customer's credit notes in the invoice list."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import signing

from saleor_subscriptions.invoicing.links import PAY_LINK_SALT
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.subscriptions.contacts import contact_url
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.portal.support import ANNA, BOB, NOV_16, invoice_of, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db


def _cancelled_for_nonpayment(
    installation: Installation, cancelled_days_ago: int
) -> tuple[Subscription, Invoice]:
    subscription = subscription_of(installation, ANNA, status="cancelled")
    cancelled = NOV_16 - timedelta(days=cancelled_days_ago)
    Subscription.objects.filter(pk=subscription.pk).update(
        cancelled_at=cancelled, ended_at=cancelled, cancel_reason="nonpayment", next_billing_at=None
    )
    invoice = invoice_of(subscription, "INV-0007", "uncollectible", amount_due=Decimal("30.00"))
    return Subscription.objects.get(pk=subscription.pk), invoice


def test_within_the_window_the_page_offers_to_pay_and_reactivate(settings):
    coffee = shop()
    subscription, invoice = _cancelled_for_nonpayment(coffee, 10)
    client = signed_in(coffee, ANNA)

    page = client.get(f"/portal/subscriptions/{subscription.pk}/").content.decode()

    assert "Bring the subscription back" in page
    assert "Pay invoice INV-0007 (€30.00) by 6 December 2026" in page  # cancelled 6 November, 30 days after
    to_pay = client.post(f"/portal/subscriptions/{subscription.pk}/reactivate/")
    assert to_pay.status_code == 302
    token = urlsplit(to_pay["Location"]).path.split("/")[2]
    assert signing.loads(token, salt=PAY_LINK_SALT) == {
        "invoice": invoice.pk,
        "return": f"{settings.APP_URL}/portal/subscriptions/{subscription.pk}/",
    }
    assert Subscription.objects.get(pk=subscription.pk).status == "cancelled"  # until the payment arrives


def test_after_the_window_nothing_is_offered_and_the_server_refuses():
    coffee = shop()
    subscription, _invoice = _cancelled_for_nonpayment(coffee, 40)
    client = signed_in(coffee, ANNA)

    page = client.get(f"/portal/subscriptions/{subscription.pk}/").content.decode()
    refused = client.post(f"/portal/subscriptions/{subscription.pk}/reactivate/")

    assert "Bring the subscription back" not in page and "/reactivate/" not in page
    assert refused.status_code == 400 and 'data-code="reactivation_closed"' in refused.content.decode()


def test_an_active_subscription_or_another_customers_is_not_reactivated():
    coffee = shop()
    active = subscription_of(coffee, ANNA)
    invoice_of(active, "INV-0001", "open")
    bobs = subscription_of(coffee, BOB, status="cancelled")
    client = signed_in(coffee, ANNA)
    assert client.post(f"/portal/subscriptions/{active.pk}/reactivate/").status_code == 400
    assert client.post(f"/portal/subscriptions/{bobs.pk}/reactivate/").status_code == 404


def test_in_dutch_the_offer_reads_terughalen():
    coffee = shop(language="nl")
    subscription, _invoice = _cancelled_for_nonpayment(coffee, 10)
    page = signed_in(coffee, ANNA).get(f"/portal/subscriptions/{subscription.pk}/").content.decode()
    assert "Abonnement terughalen" in page and "uiterlijk 6 december 2026" in page


def test_credit_notes_are_listed_for_the_customer_and_their_contacts_only():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    invoice = invoice_of(subscription, "INV-0001", "paid", paid_at=NOV_16)
    CreditNote.objects.create(
        installation=coffee,
        number="CN-0001",
        subscription=subscription,
        invoice=invoice,
        customer_key=subscription.customer_key,
        currency="EUR",
        amount=Decimal("12.50"),
        reason="downgrade",
        created_at=datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
    )
    bobs = subscription_of(coffee, BOB)
    CreditNote.objects.create(
        installation=coffee,
        number="CN-0002",
        customer_key=bobs.customer_key,
        currency="EUR",
        amount=Decimal("5.00"),
        reason="goodwill",
    )
    client = signed_in(coffee, ANNA)

    page = client.get("/portal/invoices/").content.decode()

    assert "Credit notes" in page and "CN-0001" in page and "CN-0002" not in page
    row = page.split('data-number="CN-0001"', 1)[1].split("</tr>", 1)[0]
    assert "20 November 2026" in row and "INV-0001" in row and "€12.50" in row
    client.post("/portal/contacts/add/", {"email": "accountant@example.com"})
    contact_page = client.get(urlsplit(contact_url(BillingContact.objects.get())).path).content.decode()
    assert "CN-0001" in contact_page and "CN-0002" not in contact_page
    bobs_page = signed_in(coffee, BOB).get("/portal/invoices/").content.decode()
    assert "CN-0002" in bobs_page and "CN-0001" not in bobs_page
