"""The words printed on invoices and credit notes, per language: an explicit catalogue, no compiled .mo files.

Every language holds exactly the same keys (a test checks it); `{date}` and `{number}` are filled in by the
document. Dutch is written as a Dutch shop writes its invoices ("btw", "Te betalen", "Verrekend tegoed").
"""

from __future__ import annotations

from typing import Final

from saleor_subscriptions.invoicing.documents.formatting import Language

LABELS: Final[dict[Language, dict[str, str]]] = {
    "en": {
        "invoice": "Invoice",
        "credit_note": "Credit note",
        "invoice_number": "Invoice number",
        "credit_note_number": "Credit note number",
        "issued": "Invoice date",
        "credit_note_date": "Date",
        "period": "Period",
        "due": "Due date",
        "customer": "Customer",
        "subscription": "Subscription",
        "description": "Description",
        "quantity": "Qty",
        "unit_price": "Unit price",
        "net": "Net",
        "tax": "VAT",
        "gross": "Gross",
        "subtotal": "Subtotal (net)",
        "tax_total": "VAT",
        "total": "Total",
        "credit_applied": "Credit applied",
        "amount_due": "Amount due",
        "amount_paid": "Amount paid",
        "status": "Status",
        "status_paid": "Paid on {date}",
        "status_paid_with": "Paid on {date} by {method}",
        "status_paid_by_credit": "Paid on {date} from your credit balance",
        "status_paid_in_parts": "Paid on {date}: {credit} from your credit balance and {rest} by {method}",
        "status_open": "Open, please pay by {date}",
        "status_draft": "Draft",
        "status_void": "Void",
        "status_uncollectible": "Uncollectible",
        "credit_amount": "Amount credited",
        "credit_reason": "Reason",
        "for_invoice": "Corrects invoice",
        "credit_balance_note": "This amount has been added to your credit balance and will be deducted "
        "from your next invoices.",
        "refunded_note": "This amount has been refunded to the payment method you paid with.",
        "credit_covered_note": "Part of this invoice was paid from your credit balance.",
        "thanks": "Thank you for your subscription.",
        "seller_vat_number": "VAT number",
        "seller_registration_number": "Chamber of Commerce no.",
        "bill_to": "Bill to",
        "buyer_vat_number": "VAT number",
        "vat_rate": "VAT rate",
        "vat_at": "VAT {rate} on {net}",
        "vat_unknown_rate": "VAT",
        "invoice_of": "{number} of {date}",
        "credit_vat_at": "VAT {rate} reversed on {net}",
        "credit_net": "Net credited",
    },
    "nl": {
        "invoice": "Factuur",
        "credit_note": "Creditnota",
        "invoice_number": "Factuurnummer",
        "credit_note_number": "Creditnotanummer",
        "issued": "Factuurdatum",
        "credit_note_date": "Datum",
        "period": "Periode",
        "due": "Vervaldatum",
        "customer": "Klant",
        "subscription": "Abonnement",
        "description": "Omschrijving",
        "quantity": "Aantal",
        "unit_price": "Prijs per stuk",
        "net": "Excl. btw",
        "tax": "Btw",
        "gross": "Incl. btw",
        "subtotal": "Subtotaal excl. btw",
        "tax_total": "Btw",
        "total": "Totaal incl. btw",
        "credit_applied": "Verrekend tegoed",
        "amount_due": "Te betalen",
        "amount_paid": "Betaald bedrag",
        "status": "Status",
        "status_paid": "Betaald op {date}",
        "status_paid_with": "Betaald op {date} met {method}",
        "status_paid_by_credit": "Betaald op {date} uit je tegoed",
        "status_paid_in_parts": "Betaald op {date}: {credit} uit je tegoed en {rest} met {method}",
        "status_open": "Openstaand, graag betalen vóór {date}",
        "status_draft": "Concept",
        "status_void": "Vervallen",
        "status_uncollectible": "Oninbaar",
        "credit_amount": "Gecrediteerd bedrag",
        "credit_reason": "Reden",
        "for_invoice": "Correctie op factuur",
        "credit_balance_note": "Dit bedrag staat als tegoed op je account en wordt verrekend met je "
        "volgende facturen.",
        "refunded_note": "Dit bedrag is terugbetaald op de betaalmethode waarmee je hebt betaald.",
        "credit_covered_note": "Een deel van deze factuur is betaald met je tegoed.",
        "thanks": "Bedankt voor je abonnement.",
        "seller_vat_number": "Btw-nummer",
        "seller_registration_number": "KvK-nummer",
        "bill_to": "Factuur aan",
        "buyer_vat_number": "Btw-nummer",
        "vat_rate": "Btw-tarief",
        "vat_at": "Btw {rate} over {net}",
        "vat_unknown_rate": "Btw",
        "invoice_of": "{number} van {date}",
        "credit_vat_at": "Btw {rate} teruggeboekt over {net}",
        "credit_net": "Gecrediteerd excl. btw",
    },
}


def label(language: Language, key: str, **values: str) -> str:
    """The printed word for `key` in `language`, with `{placeholders}` filled in."""
    text = LABELS[language][key]
    return text.format(**values) if values else text
