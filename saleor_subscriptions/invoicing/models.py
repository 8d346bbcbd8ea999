"""Invoices and their lines, credit notes, the credit ledger and gap-free number sequences (§4, §8)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.pricing import LineKind, LineTarget, PricedLine
from saleor_subscriptions.billing.wording_lines import describe_once
from saleor_subscriptions.bulk import made
from saleor_subscriptions.choices import enum_choices, in_choices, non_negative
from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


class LedgerKind(models.TextChoices):
    CREDIT_NOTE = "credit_note", "Credit note"
    APPLIED = "applied", "Applied to an invoice"
    REVERSAL = "reversal", "Reversal of an application"
    ADJUSTMENT = "adjustment", "Adjustment by staff"


class InvoiceReason(models.TextChoices):
    SIGNUP = "signup", "Sign-up"
    RENEWAL = "renewal", "Renewal"
    CHANGE = "change", "Plan or quantity change"
    MANUAL = "manual", "Manual"


class InvoiceStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    OPEN = "open", "Open"
    PAID = "paid", "Paid"
    VOID = "void", "Void"
    UNCOLLECTIBLE = "uncollectible", "Uncollectible"


class PipelineStep(models.TextChoices):
    """Where a renewal invoice stands: each step's outcome is stored before the next step starts."""

    ORDER = "order", "Waiting for its Saleor order"
    CHARGE = "charge", "Waiting for its charge"
    DONE = "done", "Nothing left to do automatically"


class SequenceKind(models.TextChoices):
    INVOICE = "invoice", "Invoice"
    CREDIT_NOTE = "credit_note", "Credit note"


class NumberSequence(models.Model):
    """A gap-free document number sequence of one installation: a number is taken under a row lock."""

    Kind = SequenceKind

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    prefix = models.CharField(max_length=20)
    next_number = models.PositiveBigIntegerField(default=1)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "kind"], name="number_sequence_unique"),
            in_choices("kind", SequenceKind, "number_sequence_kind_valid"),
            models.CheckConstraint(condition=models.Q(next_number__gte=1), name="number_sequence_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.prefix}{self.next_number}"


class Invoice(models.Model):
    """What a subscription owes for one period (or for a mid-period change), and how it was paid."""

    Status = InvoiceStatus

    Reason = InvoiceReason
    PipelineStep = PipelineStep

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="invoices")
    subscription = models.ForeignKey(Subscription, on_delete=models.PROTECT, related_name="invoices")
    billing_reason = models.CharField(max_length=16, choices=Reason.choices)
    # NULL until the invoice opens, so the unique constraint on numbers ignores drafts.
    number = models.CharField(  # noqa: DJ001
        max_length=40, null=True, blank=True, help_text="Given when the invoice opens"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.DRAFT)
    currency = models.CharField(max_length=3)
    period_index = models.IntegerField()
    period_start = models.DateField()
    period_end = models.DateField()
    subtotal = models.DecimalField(
        max_digits=18, decimal_places=6, default=0, help_text="Sum of the lines before credit"
    )
    tax = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    total = models.DecimalField(max_digits=18, decimal_places=6, default=0, help_text="Gross, before credit")
    credit_applied = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    amount_due = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    amount_paid = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    due_at = models.DateTimeField()
    issued_at = models.DateTimeField(null=True, blank=True)
    paid_at = models.DateTimeField(null=True, blank=True)
    paid_method_type = models.CharField(
        max_length=30,
        blank=True,
        help_text="What paid it: Stripe's type (card, sepa_debit, …), bank_transfer, credit",
    )
    paid_method_brand = models.CharField(
        max_length=30, blank=True, help_text="A card's brand, as Stripe names it"
    )
    paid_method_last4 = models.CharField(max_length=4, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    saleor_order_id = models.CharField(max_length=100, blank=True)
    pipeline_step = models.CharField(max_length=8, choices=PipelineStep.choices, default=PipelineStep.DONE)
    lease_until = models.DateTimeField(
        null=True, blank=True, help_text="A worker is running its steps until then; the sweeper waits"
    )
    order_problem = models.CharField(
        max_length=32,
        blank=True,
        help_text="Why its Saleor order waits for a person (order_conflict, order_refused); empty when none",
    )
    order_problem_detail = models.TextField(blank=True, help_text="Saleor's reason, as staff were told it")
    order_tries = models.PositiveIntegerField(default=0, help_text="Tries of the order since the problem")
    seller = models.JSONField(
        default=dict, blank=True, help_text="The seller's details as issued (tenants.seller.SellerDetails)"
    )
    buyer = models.JSONField(
        default=dict, blank=True, help_text="The buyer's name, address and VAT number as issued (parties)"
    )
    missing_seller_details = models.BooleanField(
        default=False, help_text="Issued before the shop set its legal name, address, VAT or KvK number"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            in_choices("pipeline_step", PipelineStep, "invoice_pipeline_step_valid"),
            in_choices("status", InvoiceStatus, "invoice_status_valid"),
            in_choices("billing_reason", InvoiceReason, "invoice_reason_valid"),
            models.UniqueConstraint(
                fields=["subscription", "period_index"],
                condition=models.Q(billing_reason__in=["signup", "renewal"]),
                name="invoice_one_per_subscription_period",
            ),
            models.UniqueConstraint(
                fields=["installation", "number"],
                condition=models.Q(number__isnull=False),
                name="invoice_number_unique",
            ),
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(number__isnull=False),
                name="invoice_number_once_open",
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gt=models.F("period_start")), name="invoice_period_not_empty"
            ),
            non_negative("total", "invoice_total_non_negative"),
            non_negative("tax", "invoice_tax_non_negative"),
            non_negative("credit_applied", "invoice_credit_non_negative"),
            non_negative("amount_due", "invoice_amount_due_non_negative"),
            non_negative("amount_paid", "invoice_amount_paid_non_negative"),
            models.CheckConstraint(
                condition=models.Q(credit_applied__lte=models.F("total")), name="invoice_credit_within_total"
            ),
        ]
        indexes = [
            models.Index(fields=["installation", "status"]),
            models.Index(
                fields=["lease_until"],
                condition=~models.Q(pipeline_step="done"),
                name="invoice_unfinished_idx",
            ),
        ]

    def __str__(self) -> str:
        return self.number or f"draft invoice {self.pk}"

    @property
    def paid_method(self) -> PaidMethod | None:
        """The method that paid it, when known."""
        if not self.paid_method_type:
            return None
        return PaidMethod(self.paid_method_type, self.paid_method_brand, self.paid_method_last4)

    @paid_method.setter
    def paid_method(self, method: PaidMethod | None) -> None:
        method = method or PaidMethod("")
        self.paid_method_type, self.paid_method_brand = method.type[:30], method.brand[:30]
        self.paid_method_last4 = method.last4[:4]


class InvoiceLine(models.Model):
    """One figure of an invoice, with what it is for and how it was computed (§4)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.CASCADE, related_name="lines")
    position = models.PositiveIntegerField()
    kind = models.CharField(max_length=16, choices=enum_choices(LineKind))
    target = models.CharField(
        max_length=16,
        choices=enum_choices(LineTarget),
        blank=True,
        default="",
        help_text="What the line is for (a discount: the line it reduces); empty for credit and shipping",
    )
    description = models.CharField(max_length=300)
    reason = models.CharField(max_length=300, blank=True, help_text="The formula, e.g. 30.00 × 15/30 days")
    quantity = models.DecimalField(max_digits=18, decimal_places=6, default=1)
    unit_amount = models.DecimalField(max_digits=18, decimal_places=6)
    amount = models.DecimalField(
        max_digits=18, decimal_places=6, help_text="Net; negative for a discount or credit"
    )
    tax_amount = models.DecimalField(max_digits=18, decimal_places=6, default=0)
    tax_rate = models.DecimalField(
        max_digits=7,
        decimal_places=4,
        null=True,
        blank=True,
        help_text="Saleor's VAT rate as a fraction (0.2100 for 21%); empty when not known or untaxed",
    )
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    facts = models.JSONField(
        default=dict,
        blank=True,
        help_text="What the text says, typed (billing.wording_lines): the text is written from it at issue",
    )

    class Meta:
        constraints = [
            in_choices("kind", LineKind, "invoice_line_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(target__in=["", *(t.value for t in LineTarget)])
                & (~models.Q(kind="discount") | ~models.Q(target="")),
                name="invoice_line_target_valid",
            ),
            models.UniqueConstraint(fields=["invoice", "position"], name="invoice_line_position_unique"),
            models.CheckConstraint(
                condition=models.Q(kind__in=["discount", "credit"]) | models.Q(amount__gte=0),
                name="invoice_line_only_discounts_negative",
            ),
        ]
        ordering = ["invoice", "position"]

    def __str__(self) -> str:
        return self.description

    @classmethod
    def of(cls, invoice: Invoice, position: int, line: PricedLine, language: str = "en") -> InvoiceLine:
        """The stored row of an engine's line at `position` on `invoice`, its text written in `language` (the
        installation's) from its facts, as issued (texts cut to their columns)."""
        text = describe_once(line.facts, language)
        description, reason = text if text is not None else (line.description, line.reason)
        return made(
            cls,
            installation_id=invoice.installation_id,
            invoice=invoice,
            position=position,
            kind=line.kind.value,
            target=line.target.value if line.target else "",
            description=description[:300],
            reason=reason[:300],
            quantity=Decimal(line.quantity),
            unit_amount=line.unit_amount,
            amount=line.amount,
            period_start=line.period_start,
            period_end=line.period_end,
            facts=dict(line.facts),
        )


class CreditNote(models.Model):
    """Money returned to a customer's credit balance, as a numbered document (§8)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="credit_notes")
    number = models.CharField(max_length=40)
    subscription = models.ForeignKey(
        Subscription, on_delete=models.PROTECT, null=True, blank=True, related_name="credit_notes"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    customer_key = models.CharField(max_length=320)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(max_digits=18, decimal_places=6)
    reason = models.CharField(
        max_length=300, help_text="Why, as issued: in the shop's language at the time (`CreditReason.words`)"
    )
    reason_kind = models.CharField(
        max_length=20,
        blank=True,
        help_text="unused_period, unused_difference, goodwill or refund; empty: issued before kinds",
    )
    reason_period_start = models.DateField(null=True, blank=True)
    reason_period_end = models.DateField(null=True, blank=True, help_text="Exclusive, as periods are stored")
    seller = models.JSONField(default=dict, blank=True, help_text="The seller's details as issued")
    buyer = models.JSONField(default=dict, blank=True, help_text="The buyer's details as issued")
    missing_seller_details = models.BooleanField(default=False)
    refund_reference = models.CharField(
        max_length=100,
        blank=True,
        help_text="The Stripe refund that paid the amount back; empty: it went to the credit balance",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "number"], name="credit_note_number_unique"),
            models.UniqueConstraint(
                fields=["installation", "refund_reference"],
                condition=~models.Q(refund_reference=""),
                name="credit_note_refund_once",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="credit_note_amount_positive"),
        ]

    def __str__(self) -> str:
        return self.number


class AppendOnlyError(Exception):
    """A credit ledger entry was changed or deleted: the ledger only grows (§8)."""


class CreditLedgerEntry(models.Model):
    """One movement of a customer's credit balance in one currency: added, never edited (§8)."""

    Kind = LedgerKind

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    customer_key = models.CharField(max_length=320)
    currency = models.CharField(max_length=3)
    amount = models.DecimalField(
        max_digits=18, decimal_places=6, help_text="Positive adds credit, negative uses it"
    )
    kind = models.CharField(max_length=16, choices=Kind.choices)
    credit_note = models.ForeignKey(
        CreditNote, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    idempotency_key = models.CharField(max_length=200, null=True, blank=True)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            in_choices("kind", LedgerKind, "credit_entry_kind_valid"),
            models.CheckConstraint(condition=~models.Q(amount=0), name="credit_entry_not_zero"),
            models.UniqueConstraint(
                fields=["installation", "idempotency_key"],
                condition=models.Q(idempotency_key__isnull=False),
                name="credit_entry_idempotent",
            ),
        ]
        indexes = [models.Index(fields=["installation", "customer_key", "currency"])]

    def __str__(self) -> str:
        return f"{self.amount} {self.currency} ({self.kind})"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("credit ledger entries are never edited; add a reversal instead")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("credit ledger entries are never deleted; add a reversal instead")
