"""Invoices in the portal (number, period, Unpaid or Paid with the pay date, the PDF, paying an open one on
the pay page with the way back), the credit balance, and the saved payment method (replaced on the page that
saves another card, with the portal as its return)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.core import signing

from saleor_subscriptions.invoicing.links import METHOD_LINK_SALT, PAY_LINK_SALT
from saleor_subscriptions.invoicing.links import subscription_of as method_link_subscription
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice
from tests.portal.support import ANNA, invoice_of, shop, signed_in, subscription_of

pytestmark = pytest.mark.django_db


def _token(location: str, prefix: str) -> str:
    path = urlsplit(location).path
    assert path.startswith(prefix), location
    return path.removeprefix(prefix).split("/")[0]


def test_invoices_show_number_period_and_unpaid_or_paid_with_the_pay_date():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    invoice_of(
        subscription, "INV-0001", "paid", paid_at=datetime(2026, 10, 16, 5, 0, tzinfo=UTC), period_index=0
    )
    invoice_of(subscription, "INV-0002", "open")
    client = signed_in(coffee, ANNA)

    page = client.get("/portal/invoices/").content.decode()

    assert "INV-0001" in page and "Paid on 16 October 2026" in page
    assert "INV-0002" in page and "Unpaid" in page and "Pay INV-0002" in page
    assert "16 November 2026 – 15 December 2026" in page  # the period, shown with its last day
    assert page.count('/pay/"') == 1  # only the open invoice has a pay button


def test_in_dutch_the_statuses_read_betaald_and_onbetaald():
    coffee = shop(language="nl")
    subscription = subscription_of(coffee, ANNA)
    invoice_of(
        subscription, "INV-0001", "paid", paid_at=datetime(2026, 10, 16, 5, 0, tzinfo=UTC), period_index=0
    )
    invoice_of(subscription, "INV-0002", "open")
    page = signed_in(coffee, ANNA).get("/portal/invoices/").content.decode()
    assert '<html lang="nl">' in page and "Betaald op 16 oktober 2026" in page and "Onbetaald" in page


def test_the_customer_switches_the_language_to_english():
    coffee = shop(language="nl")
    client = signed_in(coffee, ANNA)
    assert "Abonnementen" in client.get("/portal/").content.decode()

    client.post("/portal/language/", {"language": "en", "next": "/portal/invoices/"})

    assert "Subscriptions" in client.get("/portal/").content.decode()


def test_the_pdf_is_the_invoice_document():
    coffee = shop()
    invoice = invoice_of(
        subscription_of(coffee, ANNA), "INV-0001", "paid", paid_at=datetime(2026, 11, 16, 5, 0, tzinfo=UTC)
    )
    client = signed_in(coffee, ANNA)

    found = client.get(f"/portal/invoices/{invoice.pk}/pdf/", follow=True)

    assert found.status_code == 200 and found["Content-Type"] == "application/pdf"
    assert found["Content-Disposition"] == 'inline; filename="INV-0001.pdf"'


def test_paying_an_open_invoice_goes_to_the_pay_page_which_leads_back_to_the_portal(settings):
    coffee = shop()
    invoice = invoice_of(subscription_of(coffee, ANNA), "INV-0002", "open")
    client = signed_in(coffee, ANNA)

    to_pay = client.post(f"/portal/invoices/{invoice.pk}/pay/")

    assert to_pay.status_code == 302
    token = _token(to_pay["Location"], "/pay/")
    signed = signing.loads(token, salt=PAY_LINK_SALT)
    assert signed == {"invoice": invoice.pk, "return": f"{settings.APP_URL}/portal/invoices/"}


def test_a_paid_invoice_cannot_be_sent_to_the_pay_page():
    coffee = shop()
    invoice = invoice_of(
        subscription_of(coffee, ANNA), "INV-0001", "paid", paid_at=datetime(2026, 11, 16, 5, 0, tzinfo=UTC)
    )
    assert signed_in(coffee, ANNA).post(f"/portal/invoices/{invoice.pk}/pay/").status_code == 404


def test_the_credit_balance_is_shown():
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    CreditLedgerEntry.objects.create(
        installation=coffee,
        customer_key=subscription.customer_key,
        currency="EUR",
        amount=Decimal("12.50"),
        kind="adjustment",
    )
    page = signed_in(coffee, ANNA).get("/portal/invoices/").content.decode()
    assert "Credit balance" in page and "€12.50" in page


def test_updating_the_payment_method_goes_to_the_page_that_saves_another_card_and_back(settings):
    coffee = shop()
    subscription = subscription_of(coffee, ANNA)
    client = signed_in(coffee, ANNA)
    page = client.get("/portal/payment-method/").content.decode()
    assert "No payment method saved" in page and "Update the payment method of Coffee monthly" in page

    to_method = client.post(f"/portal/payment-method/{subscription.pk}/update/")

    token = _token(to_method["Location"], "/pay/method/")
    assert method_link_subscription(token).pk == subscription.pk
    assert (
        signing.loads(token, salt=METHOD_LINK_SALT)["return"] == f"{settings.APP_URL}/portal/payment-method/"
    )
    assert Invoice.objects.count() == 0
