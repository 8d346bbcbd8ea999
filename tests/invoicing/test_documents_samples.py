"""The sample invoices docs/invoices.md shows: a Dutch shop's paid invoice to a Belgian business, in English
and in Dutch, with its logo and accent. The test reads what the images show off the PDFs; with
`WRITE_DOC_SAMPLES=DIR` it also writes them there as PDFs, which `pdftoppm` turns into the docs' images:

    WRITE_DOC_SAMPLES=docs/images .venv/bin/python -m pytest tests/invoicing/test_documents_samples.py
    for l in en nl; do pdftoppm -png -r 60 -singlefile docs/images/invoice-$l.pdf docs/images/invoice-$l; done
"""

from __future__ import annotations

import os
from dataclasses import replace
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image, ImageDraw, ImageFont

from saleor_subscriptions.billing.wording_lines import describe, facts
from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.tenants.branding import check_logo
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.invoicing.test_documents_look import ACCENT
from tests.notifications.builders import (
    BUSINESS,
    SELLER,
    STANDARD_LINES,
    LineSpec,
    invoice_for,
    shop,
    subscriber,
)

pytestmark = pytest.mark.django_db

SHOWN = {
    "en": ["Invoice F2026-0007", "Praktijk & Co B.V.", "Bill to Kine Gent BV", "Paid on 16 December 2026"],
    "nl": [
        "Factuur F2026-0007",
        "Praktijk & Co B.V.",
        "Factuur aan Kine Gent BV",
        "Betaald op 16 december 2026",
        "Maandabonnement × 2",
        "Opstartkosten × 2",
    ],
}


def worded_lines(language: str) -> tuple[LineSpec, ...]:
    """Seed 001's "standard" for two practitioners, worded as the app words it (`billing.wording_lines`)."""
    plan = describe(
        facts("plan", unit="month", count=1, quantity=2, price="39.00", currency="EUR", start="2026-12-16",
              end="2027-01-15"),
        language,
    )
    fee = describe(facts("setup_fee", currency="EUR", quantity=2, fee="25.00"), language)
    off = describe(
        facts("discount_percent", code="WELKOM10", percent="10", of="78.00", of_form="plan", of_unit="month",
              of_quantity="2", currency="EUR"),
        language,
    )
    assert plan is not None and fee is not None and off is not None
    standard, setup, discount = STANDARD_LINES
    return (
        replace(standard, description=plan.description, reason=plan.reason),
        replace(setup, description=fee.description, reason=fee.reason),
        replace(discount, description=off.description, reason=off.reason),
    )


def sample_logo() -> bytes:
    """A wordmark in the accent colour, as a shop would upload it."""
    image = Image.new("RGB", (360, 90), "#ffffff")
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((0, 0, 90, 90), radius=18, fill=ACCENT)
    draw.text((45, 45), "P", fill="#ffffff", font=ImageFont.load_default(size=56), anchor="mm")
    draw.text((108, 45), "Praktijk & Co", fill=ACCENT, font=ImageFont.load_default(size=38), anchor="lm")
    out = BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_sample_invoice_of_the_docs(language: str) -> None:
    installation = shop(language, **SELLER)
    installation.set_logo(check_logo(sample_logo(), "image/png"))
    Installation.objects.filter(pk=installation.pk).update(accent_colour=ACCENT)
    installation.refresh_from_db()
    invoice = invoice_for(
        subscriber(installation, **BUSINESS), worded_lines(language), status="paid", paid=True
    )
    document = render_invoice_pdf(invoice)

    text = pdf_text(document)
    for shown in SHOWN[language]:
        assert shown in text
    folder = os.environ.get("WRITE_DOC_SAMPLES")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / f"invoice-{language}.pdf").write_bytes(document)
