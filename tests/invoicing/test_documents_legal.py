"""What the EU VAT directive (art. 226) asks of an invoice, read off the PDFs: the seller's legal name,
address, VAT and registration number; the buyer's name, address and (for a business) VAT number; the VAT
rate per line and the VAT per rate; a credit note naming the invoice it corrects with its VAT reversed. In
English and in Dutch, for a business and a consumer, for open, paid, partly credited and void invoices."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.invoicing.documents import render_credit_note_pdf, render_invoice_pdf
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import BANK_TRANSFER, CREDIT, PaidMethod
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.notifications.builders import (
    BUSINESS,
    CONSUMER,
    SELLER,
    STANDARD_LINES,
    LineSpec,
    credit_note_for,
    invoice_for,
    shop,
    subscriber,
)

pytestmark = pytest.mark.django_db

SELLER_TEXT = {
    "en": [
        "Praktijk & Co B.V.",
        "Keizersgracht 1 1015 CJ Amsterdam",
        "VAT number NL804733568B01",
        "Chamber of Commerce no. 12345678",
    ],
    "nl": [
        "Praktijk & Co B.V.",
        "Keizersgracht 1 1015 CJ Amsterdam",
        "Btw-nummer NL804733568B01",
        "KvK-nummer 12345678",
    ],
}
BUSINESS_TEXT = {
    "en": "Bill to Kine Gent BV Piet Peeters Veldstraat 10 9000 Gent Belgium piet@example.com "
    "VAT number BE0123456749",
    "nl": "Factuur aan Kine Gent BV Piet Peeters Veldstraat 10 9000 Gent België piet@example.com "
    "Btw-nummer BE0123456749",
}
CONSUMER_TEXT = {
    "en": "Bill to Anna de Vries Damrak 1 1012 LG Amsterdam Netherlands piet@example.com Invoice number",
    "nl": "Factuur aan Anna de Vries Damrak 1 1012 LG Amsterdam Nederland piet@example.com Factuurnummer",
}
# The standard lines: 78.00 + 50.00 - 7.80 = 120.20 net at 21 %, VAT 16.38 + 10.50 - 1.64 = 25.24.
VAT_TEXT = {
    "en": ["€39.00 21% €78.00 €16.38 €94.38", "VAT 21% on €120.20 €25.24", "VAT €25.24"],
    "nl": ["€ 39,00 21% € 78,00 € 16,38 € 94,38", "Btw 21% over € 120,20 € 25,24", "Btw € 25,24"],
}
STATUS_TEXT = {
    ("en", "open"): "Status: Open, please pay by 16 December 2026",
    ("en", "paid"): "Status: Paid on 16 December 2026",
    ("en", "void"): "Status: Void",
    ("nl", "open"): "Status: Openstaand, graag betalen vóór 16 december 2026",
    ("nl", "paid"): "Status: Betaald op 16 december 2026",
    ("nl", "void"): "Status: Vervallen",
}


def _invoice(language: str, buyer: dict[str, Any], status: str, credit: Decimal = Decimal(0)) -> Invoice:
    installation = shop(language, **SELLER)
    return invoice_for(
        subscriber(installation, **buyer), status=status, paid=status == "paid", credit_applied=credit
    )


@pytest.mark.parametrize("language", ["en", "nl"])
@pytest.mark.parametrize("status", ["open", "paid", "void"])
def test_a_business_invoice_names_seller_buyer_and_its_vat_number_with_vat_per_rate(
    language: str, status: str
) -> None:
    invoice = _invoice(language, BUSINESS, status)

    text = pdf_text(render_invoice_pdf(invoice))

    assert invoice.missing_seller_details is False
    for part in SELLER_TEXT[language]:
        assert part in text
    assert BUSINESS_TEXT[language] in text
    for part in VAT_TEXT[language]:
        assert part in text
    assert STATUS_TEXT[(language, status)] in text


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_consumer_invoice_names_the_buyer_without_a_vat_number(language: str) -> None:
    invoice = _invoice(language, CONSUMER, "open")

    text = pdf_text(render_invoice_pdf(invoice))

    for part in SELLER_TEXT[language]:
        assert part in text
    assert CONSUMER_TEXT[language] in text
    assert "BE0123456749" not in text
    for part in VAT_TEXT[language]:
        assert part in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Credit applied -€45.44", "Amount due €100.00", "VAT 21% on €120.20 €25.24"]),
        ("nl", ["Verrekend tegoed € -45,44", "Te betalen € 100,00", "Btw 21% over € 120,20 € 25,24"]),
    ],
)
def test_a_partly_credited_invoice_keeps_its_legal_content(language: str, expected: list[str]) -> None:
    invoice = _invoice(language, BUSINESS, "paid", credit=Decimal("45.44"))

    text = pdf_text(render_invoice_pdf(invoice))

    assert BUSINESS_TEXT[language] in text
    for part in expected:
        assert part in text


def test_lines_at_two_rates_show_the_vat_of_each_rate() -> None:
    shipping = LineSpec(
        "Shipping: PostNL",
        "",
        Decimal(1),
        Decimal("4.95"),
        Decimal("4.95"),
        Decimal("0.45"),
        kind="shipping",
        tax_rate=Decimal("0.09"),
    )
    invoice = invoice_for(subscriber(shop("nl", **SELLER), **CONSUMER), (*STANDARD_LINES, shipping))

    text = pdf_text(render_invoice_pdf(invoice))

    assert "Btw 21% over € 120,20 € 25,24 Btw 9% over € 4,95 € 0,45 Btw € 25,69" in text
    assert "€ 4,95 9% € 4,95 € 0,45 € 5,40" in text


def test_an_invoice_issued_without_seller_details_is_made_and_marked_and_names_the_shop() -> None:
    invoice = invoice_for(subscriber(shop("en"), **CONSUMER))

    text = pdf_text(render_invoice_pdf(invoice))

    assert invoice.number == "F2026-0007"
    assert Invoice.objects.get(pk=invoice.pk).missing_seller_details is True
    assert "· 1 Praktijk & Co Invoice F2026-0007 Bill to Anna de Vries" in text
    assert "VAT number" not in text


def test_the_document_keeps_the_details_it_was_issued_with() -> None:
    installation = shop("en", **SELLER)
    subscription = subscriber(installation, **BUSINESS)
    invoice = invoice_for(subscription)
    before = render_invoice_pdf(invoice)

    Installation.objects.get(pk=installation.pk).update_seller(
        name="Other Name B.V.", address="Elsewhere 9", vat_number="NL000099998B57"
    )
    subscription.billing_address = CONSUMER["billing_address"]
    subscription.customer_vat_number = ""
    subscription.save()

    again = Invoice.objects.get(pk=invoice.pk)
    assert render_invoice_pdf(again) == before
    assert "Other Name" not in pdf_text(render_invoice_pdf(again))


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Credit note C2026-0002",
                "Corrects invoice F2026-0007 of 9 December 2026",
                "Net credited -€16.12",
                "VAT 21% reversed on -€16.12 -€3.38",
                "Total €19.50",
            ],
        ),
        (
            "nl",
            [
                "Creditnota C2026-0002",
                "Correctie op factuur F2026-0007 van 9 december 2026",
                "Gecrediteerd excl. btw € -16,12",
                "Btw 21% teruggeboekt over € -16,12 € -3,38",
            ],
        ),
    ],
)
def test_a_credit_note_names_the_invoice_it_corrects_with_the_same_parties_and_vat_reversed(
    language: str, expected: list[str]
) -> None:
    subscription = subscriber(shop(language, **SELLER), **BUSINESS)
    note = credit_note_for(subscription, invoice_for(subscription))

    text = pdf_text(render_credit_note_pdf(note))

    for part in [*SELLER_TEXT[language], BUSINESS_TEXT[language], *expected]:
        assert part in text


@pytest.mark.parametrize(
    ("language", "method", "credit", "expected"),
    [
        ("en", PaidMethod("card", "visa", "4242"), "0", "Status: Paid on 16 December 2026 by Visa •••• 4242"),
        (
            "nl",
            PaidMethod("card", "visa", "4242"),
            "0",
            "Status: Betaald op 16 december 2026 met Visa •••• 4242",
        ),
        (
            "en",
            PaidMethod("sepa_debit", "", "3000"),
            "0",
            "Paid on 16 December 2026 by SEPA Direct Debit •••• 3000",
        ),
        ("nl", PaidMethod("sepa_debit"), "0", "Betaald op 16 december 2026 met SEPA-incasso"),
        ("en", PaidMethod("ideal"), "0", "Paid on 16 December 2026 by iDEAL"),
        ("en", BANK_TRANSFER, "0", "Paid on 16 December 2026 by bank transfer"),
        ("nl", BANK_TRANSFER, "0", "Betaald op 16 december 2026 per bankoverschrijving"),
        (
            "en",
            PaidMethod("card", "mastercard", "4444"),
            "45.44",
            "Paid on 16 December 2026: €45.44 from your credit balance and €100.00 by Mastercard •••• 4444",
        ),
        (
            "nl",
            PaidMethod("card", "mastercard", "4444"),
            "45.44",
            "Betaald op 16 december 2026: € 45,44 uit je tegoed en € 100,00 met Mastercard •••• 4444",
        ),
    ],
)
def test_a_paid_invoice_says_when_and_how_it_was_paid(
    language: str, method: PaidMethod, credit: str, expected: str
) -> None:
    invoice = _invoice(language, CONSUMER, "paid", credit=Decimal(credit))
    invoice.paid_method = method
    invoice.save()

    text = pdf_text(render_invoice_pdf(Invoice.objects.get(pk=invoice.pk)))

    assert expected in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Paid on 16 December 2026 from your credit balance"),
        ("nl", "Betaald op 16 december 2026 uit je tegoed"),
    ],
)
def test_an_invoice_the_credit_balance_paid_in_full_says_so(language: str, expected: str) -> None:
    invoice = _invoice(language, CONSUMER, "paid", credit=Decimal("145.44"))
    invoice.paid_method = CREDIT
    invoice.save()

    assert expected in pdf_text(render_invoice_pdf(invoice))
