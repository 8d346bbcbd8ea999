"""The payment emails link into the portal: the page of one invoice (status, PDF, and while it is owed a Pay
button to the pay page, whose "Back" returns there), opened by a signed link naming only that invoice."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from urllib.parse import urlsplit

import pytest
from django.core import signing
from django.test import Client

from saleor_subscriptions.conf.ports import saleor_ports
from saleor_subscriptions.invoicing.links import PAY_LINK_SALT, invoice_page_url
from saleor_subscriptions.invoicing.models import Invoice
from tests.portal.support import ANNA, BOB, invoice_of, shop, subscription_of

pytestmark = pytest.mark.django_db


def _path(invoice: Invoice) -> str:
    return urlsplit(invoice_page_url(invoice)).path


def test_the_renewal_emails_link_to_the_portals_page_of_the_invoice(settings):
    invoice = invoice_of(subscription_of(shop(), ANNA), "INV-0002", "open")
    assert saleor_ports().pay_url(invoice).startswith(f"{settings.APP_URL}/portal/pay/")


def test_the_page_shows_the_owed_invoice_and_pays_it_on_the_pay_page_with_the_way_back(settings):
    invoice = invoice_of(subscription_of(shop(), ANNA), "INV-0002", "open")
    client = Client(enforce_csrf_checks=True)
    path = _path(invoice)

    page = client.get(path)

    text = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Invoice INV-0002" in text and "Unpaid" in text and "€30.00" in text and "Pay INV-0002" in text
    pdf = text.split('aria-label="Download PDF of INV-0002"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0]
    assert Client().get(urlsplit(pdf).path)["Content-Type"] == "application/pdf"
    assert "sign-out" not in text and "/portal/subscriptions/" not in text  # no session, no other action
    assert client.post(f"{path}pay/").status_code == 403  # no CSRF token
    token = text.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    to_pay = client.post(f"{path}pay/", {"csrfmiddlewaretoken": token})
    assert to_pay.status_code == 302
    signed = signing.loads(urlsplit(to_pay["Location"]).path.split("/")[2], salt=PAY_LINK_SALT)
    assert signed == {"invoice": invoice.pk, "return": f"{settings.APP_URL}{path}"}
    assert "portal_session" not in client.cookies


def test_once_paid_the_page_shows_the_pay_date_and_no_pay_button():
    invoice = invoice_of(
        subscription_of(shop(), ANNA), "INV-0001", "paid", paid_at=datetime(2026, 11, 17, 5, 0, tzinfo=UTC)
    )
    client, path = Client(), _path(invoice)
    text = client.get(path).content.decode()
    assert "Paid on 17 November 2026" in text and "Pay INV-0001" not in text
    assert client.post(f"{path}pay/")["Location"] == path


def test_the_page_speaks_the_shops_language():
    invoice = invoice_of(subscription_of(shop(language="nl"), BOB), "INV-0003", "open")
    text = Client().get(_path(invoice)).content.decode()
    assert '<html lang="nl">' in text and "Factuur INV-0003" in text and "Onbetaald" in text


def test_a_forged_expired_or_draft_link_opens_nothing(settings, monkeypatch):
    invoice = invoice_of(subscription_of(shop(), ANNA), "INV-0002", "open")
    path = _path(invoice)
    assert Client().get(path.replace("/pay/", "/pay/x")).status_code == 400
    draft = invoice_of(subscription_of(shop("https://tea.example.com/graphql/"), ANNA), "INV-0009", "draft")
    assert Client().get(_path(draft)).status_code == 404
    now = time.time()
    monkeypatch.setattr(time, "time", lambda: now - 2 * 86400)  # signed two days ago
    old = _path(invoice)
    monkeypatch.undo()
    settings.PAY_LINK_MAX_AGE_DAYS = 1
    assert Client().get(old).status_code == 410
    assert Client().get(path).status_code == 200
