"""The invoice document link (`invoicing.links`): a signed token naming one invoice; the PDF behind it."""

from __future__ import annotations

import pytest

from saleor_subscriptions.invoicing.links import document_token, document_url, invoice_of_token
from tests.notifications.builders import invoice_for, shop, subscriber

pytestmark = pytest.mark.django_db


def test_the_link_serves_the_invoice_pdf(client, settings):
    settings.APP_URL = "https://subs.example.com"
    invoice = invoice_for(subscriber(shop("nl")))

    url = document_url(invoice)
    assert url.startswith("https://subs.example.com/documents/invoices/") and url.endswith(".pdf")
    response = client.get(url.removeprefix("https://subs.example.com"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'inline; filename="F2026-0007.pdf"'
    assert response.content.startswith(b"%PDF")


@pytest.mark.parametrize("damage", ["forged", "changed", "other salt"])
def test_a_forged_or_changed_token_shows_nothing(client, damage):
    invoice = invoice_for(subscriber(shop("en")))
    token = document_token(invoice)
    if damage == "forged":
        token = "eyJpbnZvaWNlIjoxfQ:1tFake:bad-signature"
    elif damage == "changed":
        token = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    else:
        from django.core import signing

        token = signing.dumps({"invoice": invoice.pk}, salt="saleor_subscriptions.pay", compress=True)

    assert invoice_of_token(token) is None
    assert client.get(f"/documents/invoices/{token}.pdf").status_code == 404


def test_a_draft_invoice_has_no_document(client):
    invoice = invoice_for(subscriber(shop("en")))
    invoice.number = None
    invoice.status = "draft"
    invoice.save(update_fields=["number", "status"])

    assert client.get(f"/documents/invoices/{document_token(invoice)}.pdf").status_code == 404


def test_only_get_is_answered(client):
    invoice = invoice_for(subscriber(shop("en")))
    assert client.post(f"/documents/invoices/{document_token(invoice)}.pdf").status_code == 405
