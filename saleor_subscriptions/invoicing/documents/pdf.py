"""Invoice and credit note PDFs, drawn with reportlab in the installation's language (BILLING_RULES §4, §8).

An invoice shows every line with what it is for and how it was computed, net, tax and gross per line and in
total, and, where a credit balance paid part of it, the credit applied and the amount still due separately.
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
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.labels import label
from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine
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
_LINE_COLUMNS = [0.35, 0.10, 0.14, 0.13, 0.14, 0.14]


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
        (label(language, "customer"), subscription.customer_email),
        (label(language, "subscription"), subscription.plan_version.plan.name),
    ]
    story: list[Any] = _heading(installation, f"{label(language, 'invoice')} {number}", facts)
    story.append(_lines_table(list(invoice.lines.order_by("position")), currency, language))
    story.append(Spacer(1, 4 * mm))
    story.append(_totals_table(_invoice_totals(invoice, language)))
    story.append(Spacer(1, 6 * mm))
    status = _status_text(invoice, language)
    story.append(Paragraph(f"<b>{escape(label(language, 'status'))}:</b> {escape(status)}", _BODY))
    if invoice.credit_applied > 0:
        story.append(Spacer(1, 2 * mm))
        story.append(Paragraph(escape(label(language, "credit_covered_note")), _SMALL))
    story.append(Spacer(1, 8 * mm))
    story.append(Paragraph(escape(label(language, "thanks")), _BODY))
    return _build(story, title=f"{label(language, 'invoice')} {number}", author=shop_name(installation))


def render_credit_note_pdf(credit_note: CreditNote) -> bytes:
    """The credit note as a PDF in its installation's language: the amount credited and why (§8)."""
    installation = credit_note.installation
    language = fmt.language_of(installation.language)
    currency = credit_note.currency
    created = fmt.local_date(credit_note.created_at, installation.time_zone)
    customer = (
        credit_note.subscription.customer_email if credit_note.subscription else credit_note.customer_key
    )
    customer = customer.removeprefix("email:")

    facts = [
        (label(language, "credit_note_number"), credit_note.number),
        (label(language, "credit_note_date"), fmt.day(created, language)),
        (label(language, "customer"), customer),
    ]
    if credit_note.subscription is not None:
        facts.append((label(language, "subscription"), credit_note.subscription.plan_version.plan.name))
    if credit_note.invoice is not None and credit_note.invoice.number:
        facts.append((label(language, "for_invoice"), credit_note.invoice.number))
    title = f"{label(language, 'credit_note')} {credit_note.number}"
    story: list[Any] = _heading(installation, title, facts)
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
    story.append(
        _totals_table([(label(language, "total"), fmt.money(credit_note.amount, currency, language))])
    )
    story.append(Spacer(1, 6 * mm))
    story.append(Paragraph(escape(label(language, "credit_balance_note")), _BODY))
    return _build(story, title=title, author=shop_name(installation))


def _heading(installation: Installation, title: str, facts: Sequence[tuple[str, str]]) -> list[Any]:
    rows = [
        [Paragraph(f"<b>{escape(name)}</b>", _BODY), Paragraph(escape(value), _BODY)] for name, value in facts
    ]
    table = Table(rows, colWidths=[_WIDTH * 0.28, _WIDTH * 0.72], hAlign="LEFT")
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    return [
        Paragraph(escape(shop_name(installation)), _SHOP),
        Spacer(1, 3 * mm),
        Paragraph(escape(title), _TITLE),
        Spacer(1, 4 * mm),
        table,
        Spacer(1, 6 * mm),
    ]


def _header_cell(text: str, *, right: bool = False) -> Any:
    return Paragraph(f"<b>{escape(text)}</b>", _RIGHT if right else _BODY)


def _lines_table(lines: Sequence[InvoiceLine], currency: str, language: fmt.Language) -> Any:
    header = [_header_cell(label(language, "description"))] + [
        _header_cell(label(language, key), right=True)
        for key in ("quantity", "unit_price", "net", "tax", "gross")
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
            fmt.money(line.amount, currency, language),
            fmt.money(line.tax_amount, currency, language),
            fmt.money(line.amount + line.tax_amount, currency, language),
        )
        rows.append([Paragraph(what, _BODY)] + [Paragraph(escape(f), _RIGHT) for f in figures])
    table = Table(rows, colWidths=[_WIDTH * share for share in _LINE_COLUMNS], repeatRows=1)
    table.setStyle(_grid_style())
    return table


def _invoice_totals(invoice: Invoice, language: fmt.Language) -> list[tuple[str, str]]:
    currency = invoice.currency
    totals = [
        (label(language, "subtotal"), fmt.money(invoice.subtotal, currency, language)),
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
        return label(language, "status_paid", date=fmt.day(fmt.local_date(paid, zone), language))
    if invoice.status == Invoice.Status.OPEN:
        return label(language, "status_open", date=fmt.day(fmt.local_date(invoice.due_at, zone), language))
    return label(language, f"status_{invoice.status}")


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
