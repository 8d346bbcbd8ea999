"""The shop's look (`tenants.branding`) where customers meet it: the logo heading every PDF, email and billing
page, and the accent colour drawing the shop's name, the emails' buttons and the portal's."""

from __future__ import annotations

from io import BytesIO

import pytest
from pypdf import PdfReader

from saleor_subscriptions.invoicing.documents import render_credit_note_pdf, render_invoice_pdf
from saleor_subscriptions.notifications.models import MessageKind, OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.tenants.branding import check_logo
from saleor_subscriptions.tenants.models import Installation
from tests.notifications.builders import credit_note_for, invoice_for, shop, subscriber
from tests.portal import support as portal
from tests.tenants.test_branding import image_bytes

pytestmark = pytest.mark.django_db

ACCENT = "#0b7a75"
ACCENT_RGB = ".043137 .478431 .458824 rg"
"""How reportlab sets #0b7a75 as the fill colour of text (each channel over 255, six decimals, no leading
zero)."""


def branded(installation: Installation) -> Installation:
    installation.set_logo(check_logo(image_bytes((300, 100), colour="#ff0000"), "image/png"))
    Installation.objects.filter(pk=installation.pk).update(accent_colour=ACCENT)
    return Installation.objects.get(pk=installation.pk)


def images_and_content(document: bytes) -> tuple[list[tuple[int, int]], str]:
    page = PdfReader(BytesIO(document)).pages[0]
    sizes = [image.image.size for image in page.images if image.image is not None]
    content = page.get_contents()
    return sizes, content.get_data().decode("latin-1") if content is not None else ""


@pytest.mark.parametrize("language", ["en", "nl"])
def test_an_invoice_of_a_branded_shop_carries_its_logo_and_accent(language: str) -> None:
    invoice = invoice_for(subscriber(branded(shop(language))))

    sizes, content = images_and_content(render_invoice_pdf(invoice))

    assert sizes == [(300, 100)]
    assert ACCENT_RGB in content


def test_a_credit_note_of_a_branded_shop_carries_its_logo_too() -> None:
    subscription = subscriber(branded(shop()))
    note = credit_note_for(subscription, invoice_for(subscription, paid=True))

    sizes, content = images_and_content(render_credit_note_pdf(note))

    assert sizes == [(300, 100)] and ACCENT_RGB in content


def test_a_shop_without_a_logo_or_accent_prints_its_name_as_before() -> None:
    invoice = invoice_for(subscriber(shop()))

    sizes, content = images_and_content(render_invoice_pdf(invoice))

    assert sizes == [] and ACCENT_RGB not in content


@pytest.mark.parametrize("language", ["en", "nl"])
def test_emails_show_the_logo_and_colour_their_button_with_the_accent(language: str) -> None:
    installation = branded(shop(language))
    invoice = invoice_for(subscriber(installation))

    EmailNotifier().payment_failed(invoice, "https://shop.example.com/pay/x", attempt=1)

    html = OutgoingEmail.objects.get(kind=MessageKind.PAYMENT_FAILED).html_body
    assert f'<img src="{installation.logo_url()}" alt="Praktijk &amp; Co"' in html
    assert f"border-top:4px solid {ACCENT}" in html
    assert f"background:{ACCENT};color:#ffffff;" in html


def test_an_email_of_a_light_accent_writes_black_on_its_button() -> None:
    installation = shop()
    Installation.objects.filter(pk=installation.pk).update(accent_colour="#ffcc00")

    invoice = invoice_for(subscriber(Installation.objects.get(pk=installation.pk)))
    EmailNotifier().payment_failed(invoice, "https://x.example/pay", attempt=1)

    html = OutgoingEmail.objects.get(kind=MessageKind.PAYMENT_FAILED).html_body
    assert "background:#ffcc00;color:#000000;" in html and "<img" not in html


def test_the_portal_shows_the_logo_and_draws_its_buttons_with_the_accent() -> None:
    installation = branded(portal.shop())
    portal.subscription_of(installation, portal.ANNA)
    client = portal.signed_in(installation, portal.ANNA)

    page = client.get("/portal/").content.decode()

    assert f'<img class="logo" src="{installation.logo_url()}" alt="Coffee Club">' in page
    assert f"background: {ACCENT};" in page and "color: #ffffff;" in page


def test_a_light_accent_is_not_used_for_text_on_white_in_the_portal() -> None:
    installation = portal.shop()
    Installation.objects.filter(pk=installation.pk).update(accent_colour="#ffcc00")
    portal.subscription_of(installation, portal.ANNA)

    page = portal.signed_in(installation, portal.ANNA).get("/portal/").content.decode()

    assert "background: #ffcc00;" in page and "color: #000000;" in page
    assert "button.secondary { background: #fff; color: #1f2430;" in page
