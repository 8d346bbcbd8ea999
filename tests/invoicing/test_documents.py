"""Invoice and credit note PDFs: every figure readable, in the shop's language (BILLING_RULES §3, §4, §8)."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from io import BytesIO

import pytest
from pypdf import PdfReader

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents import render_credit_note_pdf, render_invoice_pdf
from saleor_subscriptions.invoicing.documents.labels import LABELS
from tests.notifications.builders import STANDARD_LINES, credit_note_for, invoice_for, shop, subscriber


def pdf_text(document: bytes) -> str:
    """The text of every page, whitespace (line breaks, non-breaking spaces) folded to single spaces.

    reportlab writes a bullet (U+2022, "Visa •••• 4242") in the standard fonts' WinAnsiEncoding as code 0x7F,
    which the PDF specification (annex D, note 6) shows as the bullet; pypdf reads the code back as is, so it
    is read as the bullet here."""
    assert document.startswith(b"%PDF-")
    reader = PdfReader(BytesIO(document))
    text = " ".join(page.extract_text() for page in reader.pages)
    text = text.replace("\xa0", " ").replace("\x7f", "\u2022")
    return re.sub(r"\s+", " ", text)


@pytest.mark.django_db
def test_english_invoice_shows_number_every_line_and_the_totals() -> None:
    invoice = invoice_for(subscriber(shop("en")))

    text = pdf_text(render_invoice_pdf(invoice))

    assert "Praktijk & Co" in text
    assert "Invoice F2026-0007" in text
    assert "Invoice date 9 December 2026" in text
    assert "Period 16 December 2026 \u2013 15 January 2027" in text
    assert "Due date 16 December 2026" in text
    assert "piet@example.com" in text
    for line in STANDARD_LINES:
        assert line.description in text
        assert line.reason in text
    # net, VAT and gross of each line: 78.00 + 16.38, 50.00 + 10.50, -7.80 - 1.64
    assert "€78.00 €16.38 €94.38" in text
    assert "€50.00 €10.50 €60.50" in text
    assert "-€7.80 -€1.64 -€9.44" in text
    assert "Subtotal (net) €120.20" in text
    assert "VAT €25.24" in text
    assert "Total €145.44" in text
    assert "Amount due €145.44" in text
    assert "Credit applied" not in text
    assert "Status: Open, please pay by 16 December 2026" in text


@pytest.mark.django_db
def test_dutch_invoice_is_written_in_dutch_with_dutch_amounts() -> None:
    invoice = invoice_for(subscriber(shop("nl")))

    text = pdf_text(render_invoice_pdf(invoice))

    assert "Factuur F2026-0007" in text
    assert "Factuurdatum 9 december 2026" in text
    assert "Periode 16 december 2026 \u2013 15 januari 2027" in text
    assert "Omschrijving" in text and "Excl. btw" in text and "Incl. btw" in text
    for line in STANDARD_LINES:
        assert line.description in text
        assert line.reason in text
    assert "€ 78,00 € 16,38 € 94,38" in text
    assert "€ 50,00 € 10,50 € 60,50" in text
    assert "€ -7,80 € -1,64 € -9,44" in text
    assert "Subtotaal excl. btw € 120,20" in text
    assert "Btw € 25,24" in text
    assert "Totaal incl. btw € 145,44" in text
    assert "Te betalen € 145,44" in text
    assert "Status: Openstaand, graag betalen vóór 16 december 2026" in text
    assert "Invoice" not in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", ["Total €145.44", "Credit applied -€45.44", "Amount due €100.00", "Paid on 16 December 2026"]),
        (
            "nl",
            [
                "Totaal incl. btw € 145,44",
                "Verrekend tegoed € -45,44",
                "Te betalen € 100,00",
                "Betaald op 16 december 2026",
            ],
        ),
    ],
)
def test_invoice_partly_paid_by_credit_shows_both_the_credit_and_the_rest(
    language: str, expected: list[str]
) -> None:
    invoice = invoice_for(subscriber(shop(language)), credit_applied=Decimal("45.44"), paid=True)

    text = pdf_text(render_invoice_pdf(invoice))

    for figure in expected:
        assert figure in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "en",
            [
                "Credit note C2026-0002",
                "Date 1 January 2027",
                "Corrects invoice F2026-0007 of 9 December 2026",
                "15 unused days of 30 \u00d7 39.00",
                "Total €19.50",
                "credit balance",
            ],
        ),
        (
            "nl",
            [
                "Creditnota C2026-0002",
                "Datum 1 januari 2027",
                "Correctie op factuur F2026-0007 van 9 december 2026",
                "15 unused days of 30 \u00d7 39.00",
                "Gecrediteerd bedrag",
                "€ 19,50",
                "tegoed",
            ],
        ),
    ],
)
def test_credit_note_shows_its_own_number_amount_and_reason(language: str, expected: list[str]) -> None:
    subscription = subscriber(shop(language))
    credit_note = credit_note_for(subscription, invoice_for(subscription))

    text = pdf_text(render_credit_note_pdf(credit_note))

    for figure in expected:
        assert figure in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "words"), [("en", "refunded to the payment method"), ("nl", "terugbetaald")]
)
def test_a_credit_note_of_money_paid_back_says_so_not_that_it_is_credit(language: str, words: str) -> None:
    subscription = subscriber(shop(language))
    credit_note = credit_note_for(subscription, invoice_for(subscription))
    credit_note.refund_reference = "re_123"
    credit_note.save()

    text = " ".join(pdf_text(render_credit_note_pdf(credit_note)).split())

    assert words in text
    assert "credit balance" not in text and "tegoed" not in text


@pytest.mark.django_db
def test_rendering_the_same_invoice_twice_gives_the_same_bytes() -> None:
    invoice = invoice_for(subscriber(shop("en")))

    assert render_invoice_pdf(invoice) == render_invoice_pdf(invoice)


def test_every_language_prints_the_same_labels() -> None:
    assert set(LABELS["nl"]) == set(LABELS["en"])


@pytest.mark.parametrize(
    ("amount", "currency", "language", "expected"),
    [
        (Decimal("1234.5"), "EUR", "nl", "€\xa01.234,50"),
        (Decimal("1234.5"), "EUR", "en", "€1,234.50"),
        (Decimal("0.005"), "EUR", "en", "€0.01"),  # half up, §3
        (Decimal("1500.4"), "JPY", "en", "JP¥1,500"),  # no minor unit
        (Decimal("1.2345"), "KWD", "en", "KWD1.235"),  # three decimals
    ],
)
def test_amounts_are_rounded_to_the_currency_minor_unit(
    amount: Decimal, currency: str, language: fmt.Language, expected: str
) -> None:
    assert fmt.money(amount, currency, language) == expected


def test_a_period_is_shown_with_its_last_day() -> None:
    assert (
        fmt.period(date(2026, 11, 16), date(2026, 12, 1), "nl") == "16 november 2026 \u2013 30 november 2026"
    )


def test_an_unknown_language_falls_back_to_english() -> None:
    assert fmt.language_of("de") == "en"
    assert fmt.language_of("nl-BE") == "nl"
