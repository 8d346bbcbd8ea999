"""Invoices, credit notes, the credit ledger and number sequences (BILLING_RULES §4 and §8)."""
