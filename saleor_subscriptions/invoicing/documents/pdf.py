"""Invoice and credit note PDFs, drawn with reportlab in the installation's language (BILLING_RULES §4, §8).

The shop's logo heads every document and its accent colour draws the shop's name and the title
(`tenants.branding`). An invoice shows the seller and the buyer as issued (`documents.parties`), every line
with what it is for and
how it was computed, its VAT rate, net, tax and gross per line, the VAT per rate and the totals, and, where a
credit balance paid part of it, the credit applied and the amount still due separately. A credit note names
the invoice it corrects and its date, with the same parties and its amount's VAT per rate reversed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from io import BytesIO
from typing import Any
from urllib.parse import urlsplit
from xml.sax.saxutils import escape

from babel.numbers import format_decimal
from reportlab.lib import colors  # type: ignore[import-untyped]
from reportlab.lib.enums import TA_RIGHT  # type: ignore[import-untyped]
from reportlab.lib.pagesizes import A4  # type: ignore[import-untyped]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped]
from reportlab.lib.units import mm  # type: ignore[import-untyped]
from reportlab.platypus import (  # type: ignore[import-untyped]
    Image,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.labels import label
from saleor_subscriptions.invoicing.documents.parties import (
    block,
    buyer_lines,
    rate_text,
    seller_lines,
    vat_rows,
)
from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine
from saleor_subscriptions.invoicing.paid_with import BANK_TRANSFER, CREDIT, paid_with_text
from saleor_subscriptions.invoicing.parties import Buyer, buyer_on, seller_on
from saleor_subscriptions.invoicing.vat import split_credit, vat_by_rate
from saleor_subscriptions.tenants.models import Installation

_BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9, leading=12)
_SMALL = ParagraphStyle(
    "small", parent=_BODY, fontSize=7.5, leading=9.5, textColor=colors.HexColor("#555555")
)
_RIGHT = ParagraphStyle("right", parent=_BODY, alignment=TA_RIGHT)
_SHOP = ParagraphStyle("shop", parent=_BODY, fontName="Helvetica-Bold", fontSize=16, leading=20)
_TITLE = ParagraphStyle("title", parent=_BODY, fontName="Helvetica-Bold", fontSize=13, leading=17)
_GREY = colors.HexColor("#dddddd")
_WIDTH = A4[0] - 36 * mm
_LOGO_HEIGHT = 16 * mm
_LOGO_WIDTH = 60 * mm
_LINE_COLUMNS = [0.31, 0.09, 0.12, 0.08, 0.13, 0.13, 0.14]


def shop_name(installation: Installation) -> str:
    """The name printed at the top of a document: the shop's name, or its Saleor host when it has none."""
    return installation.name or urlsplit(installation.saleor_api_url).hostname or installation.saleor_api_url


def render_invoice_pdf(invoice: Invoice) -> bytes:
    """The invoice as a PDF in its installation's language, every figure explained (BILLING_RULES §4, §8)."""
    installation = invoice.installation
    language = fmt.language_of(installation.language)
    currency = invoice.currency
    issued = fmt.local_date(invoice.issued_at or invoice.created_at, installation.time_zone)
    due = fmt.local_date(invoice.due_at, installation.time_zone)
    number = invoice.number or label(language, "status_draft")
    subscription = invoice.subscription

    facts = [
        (label(language, "invoice_number"), number),
        (label(language, "issued"), fmt.day(issued, language)),
        (label(language, "period"), fmt.period(invoice.period_start, invoice.period_end, language)),
        (label(language, "due"), fmt.day(due, language)),
        (label(language, "subscription"), subscription.plan_version.plan.name),
    ]
    title = f"{label(language, 'invoice')} {number}"
    story: list[Any] = _heading(invoice, title, facts, language)
    lines = list(invoice.lines.order_by("position"))
    story.append(_lines_table(lines, currency, language))
    story.append(Spacer(1, 4 * mm))
    story.append(_totals_table(_invoice_totals(invoice, lines, language)))
    story.append(Spacer(1, 6 * mm))
    status = _status_text(invoice, language)
    story.append(Paragraph(f"<b>{escape(label(language, 'status'))}:</b> {escape(status)}", _BODY))
    if invoice.credit_applied > 0:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(escape(label(language, "credit_covered_note")), _SMALL))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(escape(label(language, "thanks")), _BODY))
    return _build(story, title=title, author=_seller_name(invoice))


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    """The credit note as a PDF in its installation's language: the amount credited and why (§8)."""
    installation = credit_note.installation
    language = fmt.language_of(installation.language)
    currency = credit_note.currency
    created = fmt.local_date(credit_note.created_at, installation.time_zone)

    facts = [
        (label(language, "credit_note_number"), credit_note.number),
        (label(language, "credit_note_date"), fmt.day(created, language)),
    ]
    if credit_note.subscription is not None:
        facts.append((label(language, "subscription"), credit_note.subscription.plan_version.plan.name))
    corrected = credit_note.invoice
    if corrected is not None and corrected.number:
        issued = fmt.local_date(corrected.issued_at or corrected.created_at, installation.time_zone)
        facts.append(
            (
                label(language, "for_invoice"),
                label(language, "invoice_of", number=corrected.number, date=fmt.day(issued, language)),
            )
        )
    title = f"{label(language, 'credit_note')} {credit_note.number}"
    story: list[Any] = _heading(credit_note, title, facts, language)
    rows = [
        [
            _header_cell(label(language, "credit_reason")),
            _header_cell(label(language, "credit_amount"), right=True),
        ],
        [
            Paragraph(escape(credit_note.reason), _BODY),
            Paragraph(escape(fmt.money(credit_note.amount, currency, language)), _RIGHT),
        ],
    ]
    table = Table(rows, colWidths=[_WIDTH * 0.7, _WIDTH * 0.3])
    table.setStyle(_grid_style())
    story.append(table)
    story.append(Spacer(1, 4 * mm))
    rates = vat_by_rate(corrected.lines.all()) if corrected is not None else []
    parts = split_credit(credit_note.amount, rates, currency)
    net = sum((part.net for part in parts), Decimal(0))
    totals = [(label(language, "credit_net"), fmt.money(net, currency, language))]
    totals += vat_rows(parts, currency, language, key="credit_vat_at")
    totals.append((label(language, "total"), fmt.money(credit_note.amount, currency, language)))
    story.append(_totals_table(totals))
    story.append(Spacer(1, 6 * mm))
    closing = "refunded_note" if credit_note.refund_reference else "credit_balance_note"
    story.append(Paragraph(escape(label(language, closing)), _BODY))
    return _build(story, title=title, author=_seller_name(credit_note))


def _seller_name(document: Invoice | CreditNote) -> str:
    return seller_on(document).name or shop_name(document.installation)


def _buyer(document: Invoice | CreditNote) -> Buyer:
    buyer = buyer_on(document)
    if not buyer.email and isinstance(document, CreditNote):
        return Buyer(email=document.customer_key.removeprefix("email:"))
    return buyer


def _heading(
    document: Invoice | CreditNote, title: str, facts: Sequence[tuple[str, str]], language: fmt.Language
) -> list[Any]:
    name, under = seller_lines(seller_on(document), shop_name(document.installation), language)
    rows = [
        [Paragraph(f"<b>{escape(name)}</b>", _BODY), Paragraph(escape(value), _BODY)] for name, value in facts
    ]
    table = Table(rows, colWidths=[_WIDTH * 0.28, _WIDTH * 0.72], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    accent = colors.HexColor(document.installation.accent)
    story: list[Any] = _logo(document.installation)
    story.append(Paragraph(escape(name), ParagraphStyle("shop-accent", parent=_SHOP, textColor=accent)))
    if under:
        story.append(Paragraph(block(None, under), _SMALL))
    story += [
        Spacer(1, 3 * mm),
        Paragraph(escape(title), ParagraphStyle("title-accent", parent=_TITLE, textColor=accent)),
        Spacer(1, 4 * mm),
        Paragraph(block(label(language, "bill_to"), buyer_lines(_buyer(document), language)), _BODY),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
    ]
    return story


def _logo(installation: Installation) -> list[Any]:
    """The shop's logo at the top, within LOGO_HEIGHT by LOGO_WIDTH, keeping its proportions; none: []."""
    png = installation.logo_png()
    if png is None:
        return []
    image = Image(BytesIO(png))
    scale = min(_LOGO_HEIGHT / image.imageHeight, _LOGO_WIDTH / image.imageWidth)
    image.drawWidth, image.drawHeight = image.imageWidth * scale, image.imageHeight * scale
    image.hAlign = "LEFT"
    return [image, Spacer(1, 3 * mm)]


def _header_cell(text: str, *, right: bool = False) -> Any:
    return Paragraph(f"<b>{escape(text)}</b>", _RIGHT if right else _BODY)


def _lines_table(lines: Sequence[InvoiceLine], currency: str, language: fmt.Language) -> Any:
    header = [_header_cell(label(language, "description"))] + [
        _header_cell(label(language, key), right=True)
        for key in ("quantity", "unit_price", "vat_rate", "net", "tax", "gross")
    ]
    rows: list[list[Any]] = [header]
    for line in lines:
        what = f"{escape(line.description)}"
        if line.period_start and line.period_end:
            what += f"<br/>{escape(fmt.period(line.period_start, line.period_end, language))}"
        if line.reason:
            what += f"<br/><font size=7.5 color='#555555'>{escape(line.reason)}</font>"
        figures = (
            _quantity(line.quantity, language),
            fmt.money(line.unit_amount, currency, language),
            rate_text(line.tax_rate, language),
            fmt.money(line.amount, currency, language),
            fmt.money(line.tax_amount, currency, language),
            fmt.money(line.amount + line.tax_amount, currency, language),
        )
        rows.append([Paragraph(what, _BODY)] + [Paragraph(escape(f), _RIGHT) for f in figures])
    table = Table(rows, colWidths=[_WIDTH * share for share in _LINE_COLUMNS], repeatRows=1)
    table.setStyle(_grid_style())
    return table


def _invoice_totals(
    invoice: Invoice, lines: Sequence[InvoiceLine], language: fmt.Language
) -> list[tuple[str, str]]:
    currency = invoice.currency
    totals = [
        (label(language, "subtotal"), fmt.money(invoice.subtotal, currency, language)),
        *vat_rows(vat_by_rate(lines), currency, language),
        (label(language, "tax_total"), fmt.money(invoice.tax, currency, language)),
        (label(language, "total"), fmt.money(invoice.total, currency, language)),
    ]
    if invoice.credit_applied > 0:
        totals.append(
            (label(language, "credit_applied"), fmt.money(-invoice.credit_applied, currency, language))
        )
    totals.append((label(language, "amount_due"), fmt.money(invoice.amount_due, currency, language)))
    return totals


def _totals_table(totals: Sequence[tuple[str, str]]) -> Any:
    rows = [[Paragraph(escape(name), _RIGHT), Paragraph(escape(value), _RIGHT)] for name, value in totals]
    rows[-1] = [
        Paragraph(f"<b>{escape(totals[-1][0])}</b>", _RIGHT),
        Paragraph(f"<b>{escape(totals[-1][1])}</b>", _RIGHT),
    ]
    table = Table(rows, colWidths=[_WIDTH * 0.35, _WIDTH * 0.2], hAlign="RIGHT")
    table.setStyle(TableStyle([("LINEABOVE", (0, -1), (-1, -1), 0.75, colors.black)]))
    return table


def _status_text(invoice: Invoice, language: fmt.Language) -> str:
    zone = invoice.installation.time_zone
    if invoice.status == Invoice.Status.PAID:
        paid: datetime = invoice.paid_at or invoice.closed_at or invoice.due_at
        return paid_text(invoice, fmt.day(fmt.local_date(paid, zone), language), language)
    if invoice.status == Invoice.Status.OPEN:
        return label(language, "status_open", date=fmt.day(fmt.local_date(invoice.due_at, zone), language))
    return label(language, f"status_{invoice.status}")


def paid_text(invoice: Invoice, day: str, language: fmt.Language) -> str:
    """When and how a paid invoice was paid: with the method, and where credit paid part of it, both parts."""
    method = invoice.paid_method
    if method is None:
        return label(language, "status_paid", date=day)
    if method == CREDIT:
        return label(language, "status_paid_by_credit", date=day)
    if method == BANK_TRANSFER:
        by = label(language, "by_bank_transfer")
    else:
        by = label(language, "by_method", method=paid_with_text(method, language))
    if invoice.credit_applied > 0:
        return label(
            language,
            "status_paid_in_parts",
            date=day,
            credit=fmt.money(invoice.credit_applied, invoice.currency, language),
            rest=fmt.money(invoice.amount_paid, invoice.currency, language),
            by=by,
        )
    return label(language, "status_paid_with", date=day, by=by)


def _quantity(quantity: Decimal, language: fmt.Language) -> str:
    text: str = format_decimal(quantity, format="#,##0.######", locale=fmt.locale_of(language))
    return text


def _grid_style() -> Any:
    return TableStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.75, colors.black),
            ("LINEBELOW", (0, 1), (-1, -1), 0.25, _GREY),
        ]
    )


def _build(story: list[Any], *, title: str, author: str) -> bytes:
    buffer = BytesIO()

    def footer(canvas: Any, document: Any) -> None:
        canvas.saveState()
        canvas.setFont("Helvetica", 7)
        canvas.drawString(18 * mm, 10 * mm, f"{author} · {title} · {document.page}")
        canvas.restoreState()

    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=title,
        author=author,
        invariant=True,
    )
    document.build(story, onFirstPage=footer, onLaterPages=footer)
    return buffer.getvalue()
