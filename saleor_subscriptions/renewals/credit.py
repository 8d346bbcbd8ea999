"""Credit applied to renewal invoices: the balance is used first, the rest is charged (BILLING_RULES §8)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from saleor_subscriptions.billing.money import round_money_down
from saleor_subscriptions.invoicing.credits import balances, lock_balance
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice


def apply_credit(invoices: list[Invoice], now: datetime) -> None:
    """Use each customer's balance on their invoices' gross totals, in invoice order, never beyond either;
    sets `credit_applied` and `amount_due` and writes one negative ledger entry per invoice (does not save
    the invoices). The ledger entry's idempotency key makes a repeat of this step add nothing."""
    by_installation: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        invoice.credit_applied = Decimal(0)
        invoice.amount_due = invoice.total
        by_installation[invoice.installation_id].append(invoice)
    entries: list[CreditLedgerEntry] = []
    for installation_id, group in by_installation.items():
        keys = {(invoice.subscription.customer_key, invoice.currency) for invoice in group}
        available = {k: v for k, v in balances(installation_id, keys).items() if v > 0}
        for key in sorted(available):
            lock_balance(installation_id, *key)
        if available:
            # Read again under the locks: another transaction may have used the balance meanwhile.
            available = {k: v for k, v in balances(installation_id, set(available)).items() if v > 0}
        for invoice in sorted(group, key=lambda i: i.pk):
            key = (invoice.subscription.customer_key, invoice.currency)
            balance = available.get(key, Decimal(0))
            used = min(round_money_down(balance, invoice.currency), invoice.total)
            if used <= 0:
                continue
            available[key] = balance - used
            invoice.credit_applied = used
            invoice.amount_due = invoice.total - used
            entries.append(
                CreditLedgerEntry(
                    installation_id=installation_id,
                    customer_key=key[0],
                    currency=invoice.currency,
                    amount=-used,
                    kind=CreditLedgerEntry.Kind.APPLIED,
                    invoice=invoice,
                    idempotency_key=f"applied:invoice:{invoice.pk}",
                    created_at=now,
                )
            )
    CreditLedgerEntry.objects.bulk_create(entries, ignore_conflicts=True)
