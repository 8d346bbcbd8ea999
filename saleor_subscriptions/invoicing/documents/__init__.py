"""Invoice and credit note documents (PDF) in the shop's language (BILLING_RULES §4, §8)."""

from saleor_subscriptions.invoicing.documents.pdf import render_credit_note_pdf, render_invoice_pdf

__all__ = ["render_credit_note_pdf", "render_invoice_pdf"]
