"""The seller and buyer blocks of a document and its VAT per rate, as printed (VAT directive art. 226).

The seller's block heads the page: its legal name (the shop's name or Saleor host until one is set), address,
VAT number and registration number. The buyer's block ("Bill to"): company, name, address, country (named in
the document's language), email and, for a business, its VAT number. Both come from the document's snapshot
(`invoicing.parties`), never from the shop's or customer's current details.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from xml.sax.saxutils import escape

from babel import Locale
from babel.numbers import format_decimal

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.labels import label
from saleor_subscriptions.invoicing.parties import Buyer
from saleor_subscriptions.invoicing.vat import RateTotal
from saleor_subscriptions.tenants.seller import SellerDetails


def seller_lines(seller: SellerDetails, fallback_name: str, language: fmt.Language) -> tuple[str, list[str]]:
    """The seller's name (or `fallback_name` until it has one) and the lines printed under it."""
    lines = seller.address_lines()
    if seller.vat_number:
        lines.append(f"{label(language, 'seller_vat_number')} {seller.vat_number}")
    if seller.registration_number:
        lines.append(f"{label(language, 'seller_registration_number')} {seller.registration_number}")
    return seller.name or fallback_name, lines


def country_name(code: str, language: fmt.Language) -> str:
    """A country code named in the document's language ("NL": "Nederland", "Netherlands")."""
    if not code:
        return ""
    name = Locale.parse(fmt.locale_of(language)).territories.get(code.upper())
    return str(name) if name else code


def buyer_lines(buyer: Buyer, language: fmt.Language) -> list[str]:
    """The buyer's block under "Bill to": company, name, address, country, email, VAT number."""
    lines = [buyer.company, buyer.name, *buyer.address, country_name(buyer.country, language), buyer.email]
    if buyer.vat_number:
        lines.append(f"{label(language, 'buyer_vat_number')} {buyer.vat_number}")
    return [line for line in lines if line]


def rate_text(rate: Decimal | None, language: fmt.Language) -> str:
    """A VAT rate as printed: "21%", "9%", "5.5%" ("5,5%" in Dutch); empty when not known."""
    if rate is None:
        return ""
    text: str = format_decimal(rate * 100, format="#,##0.##", locale=fmt.locale_of(language))
    return f"{text}%"


def vat_rows(
    totals: Sequence[RateTotal], currency: str, language: fmt.Language, *, key: str = "vat_at"
) -> list[tuple[str, str]]:
    """One totals row per VAT rate: "VAT 21% on €120.20" and its VAT."""
    rows = []
    for total in totals:
        net = fmt.money(total.net, currency, language)
        name = (
            label(language, key, rate=rate_text(total.rate, language), net=net)
            if total.rate is not None
            else label(language, "vat_unknown_rate")
        )
        rows.append((name, fmt.money(total.tax, currency, language)))
    return rows


def block(title: str | None, lines: Sequence[str]) -> str:
    """Paragraph markup: an optional bold title, then the lines."""
    parts = [f"<b>{escape(title)}</b>"] if title else []
    parts += [escape(line) for line in lines]
    return "<br/>".join(parts)
