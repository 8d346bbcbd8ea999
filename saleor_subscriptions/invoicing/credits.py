"""Credit notes and the customer's credit balance (BILLING_RULES §8).

Money returned to a customer (a downgrade or a cancellation with credit) is a numbered credit note and a
positive entry on the credit ledger; the balance per installation, customer and currency is the ledger's sum.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import Sum

from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.labels import label
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote, Invoice, NumberSequence
from saleor_subscriptions.invoicing.numbering import take_number
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


@dataclass(frozen=True)
class CreditReason:
    """Why a credit note is issued, as typed facts, worded in the document's language when it is issued:

    - `unused_period`: the unused days `start` to `end` (half-open) of a period paid for (a cancellation
      with credit);
    - `unused_difference`: the unused difference of a plan change over `start` to `end`;
    - `goodwill`: credit the shop granted, with `text` when staff gave their own words;
    - `refund`: a refund of the invoice the note corrects, paid back (`paid_back`) or credited, with `text`
      when staff gave their own words.
    Staff's own words are kept as written, in the language they wrote them.
    """

    kind: str
    start: date | None = None
    end: date | None = None
    text: str = ""
    paid_back: bool = False

    KINDS = ("unused_period", "unused_difference", "goodwill", "refund")

    def __post_init__(self) -> None:
        if self.kind not in self.KINDS:
            raise ValueError(f"a credit reason is one of {self.KINDS}, not {self.kind!r}")
        if self.kind.startswith("unused") and (self.start is None or self.end is None):
            raise ValueError(f"a credit reason {self.kind!r} needs its period")

    def words(self, language: fmt.Language, invoice_number: str = "") -> str:
        """The reason as the credit note prints it, in `language`, at most 300 characters."""
        if self.kind.startswith("unused"):
            assert self.start is not None and self.end is not None
            period = fmt.period(self.start, self.end, language)
            text = label(language, f"credit_reason_{self.kind}", period=period)
        elif self.kind == "goodwill":
            text = self.text or label(language, "credit_reason_goodwill")
        else:
            how = label(language, "credit_reason_paid_back" if self.paid_back else "credit_reason_credited")
            text = label(language, "credit_reason_refund", number=invoice_number, how=self.text or how)
        return text[:300]


def issue_credit_note(
    subscription: Subscription,
    amount: Decimal,
    *,
    reason: CreditReason | str,
    invoice: Invoice | None = None,
    idempotency_key: str | None = None,
    refund_reference: str = "",
) -> CreditNote:
    """A numbered credit note of `amount` (rounded to the currency) for the subscription's customer, and the
    same amount added to their credit balance in the subscription's currency (§8). Asked again with the same
    `idempotency_key`, it returns the note made the first time.

    With `refund_reference` (the payment provider's refund) the amount was paid back: the note documents the
    refund and the balance does not change; asked again for the same refund, it returns the first note.

    `reason` is worded in the shop's language when the note is issued and kept as issued; a plain string is
    the shop's own words for credit it grants (`CreditReason("goodwill", text=…)`)."""
    if isinstance(reason, str):
        reason = CreditReason("goodwill", text=reason.strip())
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
            reason=reason.words(
                fmt.language_of(installation.language), (invoice.number or "") if invoice is not None else ""
            ),
            reason_kind=reason.kind,
            reason_period_start=reason.start,
            reason_period_end=reason.end,
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
