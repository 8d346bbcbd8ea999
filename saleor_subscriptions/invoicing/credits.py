"""Credit notes and the customer's credit balance (BILLING_RULES §8).

Money returned to a customer (a downgrade or a cancellation with credit) is a numbered credit note and a
positive entry on the credit ledger; the balance per installation, customer and currency is the ledger's sum.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote, Invoice, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


def issue_credit_note(
    subscription: Subscription,
    amount: Decimal,
    *,
    reason: str,
    invoice: Invoice | None = None,
    idempotency_key: str | None = None,
    refund_reference: str = "",
) -> CreditNote:
    """A numbered credit note of `amount` (rounded to the currency) for the subscription's customer, and the
    same amount added to their credit balance in the subscription's currency (§8). Asked again with the same
    `idempotency_key`, it returns the note made the first time.

    With `refund_reference` (the payment provider's refund) the amount was paid back: the note documents the
    refund and the balance does not change; asked again for the same refund, it returns the first note."""
    currency = subscription.currency
    rounded = round_money(amount, currency)
    if rounded <= 0:
        raise ValueError(f"a credit note needs a positive amount, not {amount}")
    installation = subscription.installation
    if idempotency_key is not None:
        earlier = (
            CreditLedgerEntry.objects.filter(installation=installation, idempotency_key=idempotency_key)
            .select_related("credit_note")
            .first()
        )
        if earlier is not None and earlier.credit_note is not None:
            return earlier.credit_note
    if refund_reference:
        noted = CreditNote.objects.filter(
            installation=installation, refund_reference=refund_reference
        ).first()
        if noted is not None:
            return noted
    with transaction.atomic():
        lock_balance(installation.pk, subscription.customer_key, currency)
        note = CreditNote(
            installation=installation,
            number=take_number(installation, NumberSequence.Kind.CREDIT_NOTE),
            subscription=subscription,
            invoice=invoice,
            customer_key=subscription.customer_key,
            currency=currency,
            amount=rounded,
            reason=reason,
            refund_reference=refund_reference,
            created_at=installation.now(),
        )
        stamp_parties(note, installation, subscription)
        note.save()
        if refund_reference:
            return note
        CreditLedgerEntry.objects.create(
            installation=installation,
            customer_key=subscription.customer_key,
            currency=currency,
            amount=rounded,
            kind=CreditLedgerEntry.Kind.CREDIT_NOTE,
            credit_note=note,
            idempotency_key=idempotency_key,
            created_at=installation.now(),
        )
    return note


def credit_balance(installation: Installation, customer_key: str, currency: str) -> Decimal:
    """What the customer has in credit with this installation in `currency`: the sum of their ledger (§8)."""
    total = CreditLedgerEntry.objects.filter(
        installation=installation, customer_key=customer_key, currency=currency
    ).aggregate(total=Sum("amount"))["total"]
    return round_money(total if total is not None else Decimal(0), currency)


def lock_balance(installation_id: int, customer_key: str, currency: str) -> None:
    """Serialise everything that reads and then moves one customer's balance, until the transaction ends.

    PostgreSQL's transaction advisory lock, keyed by a hash of the balance; SQLite (the embedded default)
    runs one writer at a time anyway.
    """
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))",
            [f"credit:{installation_id}:{customer_key}:{currency}"],
        )


def balances(installation_id: int, keys: set[tuple[str, str]]) -> dict[tuple[str, str], Decimal]:
    """The balances of several (customer_key, currency) pairs of one installation, in one query (§8)."""
    if not keys:
        return {}
    rows = (
        CreditLedgerEntry.objects.filter(
            installation_id=installation_id, customer_key__in={k for k, _ in keys}
        )
        .values_list("customer_key", "currency")
        .annotate(total=Sum("amount"))
    )
    return {(key, currency): amount for key, currency, amount in rows if (key, currency) in keys}
