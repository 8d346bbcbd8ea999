"""Credit applied to renewal invoices: the balance is used first, the rest is charged (BILLING_RULES §8)."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from decimal import Decimal

from django.db.models import Sum

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
    in_credit = _in_credit(invoices)
    for installation_id, group in by_installation.items():
        keys = sorted((key, currency) for shop, key, currency in in_credit if shop == installation_id)
        for customer_key, currency in keys:
            lock_balance(installation_id, customer_key, currency)
        # Read again under the locks: another transaction may have used the balance meanwhile.
        available = {k: v for k, v in balances(installation_id, set(keys)).items() if v > 0}
        for invoice in sorted(group, key=lambda i: i.pk):
            key = (invoice.subscription.customer_key, invoice.currency)
            balance = available.get(key)
            if balance is None:
                continue  # most customers have no credit: nothing to round
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


def _in_credit(invoices: list[Invoice]) -> set[tuple[int, str, str]]:
    """The (installation, customer, currency) balances of these invoices' customers that hold credit, read
    in one query for the whole batch (most customers have none, and then nothing more is read)."""
    wanted = {(i.installation_id, i.subscription.customer_key, i.currency) for i in invoices}
    rows = (
        CreditLedgerEntry.objects.filter(
            installation_id__in={k[0] for k in wanted}, customer_key__in={k[1] for k in wanted}
        )
        .values_list("installation_id", "customer_key", "currency")
        .annotate(total=Sum("amount"))
    )
    return {(i, k, c) for i, k, c, total in rows if (i, k, c) in wanted and total > 0}
