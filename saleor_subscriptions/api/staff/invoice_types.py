"""Invoices as staff see them: their lines with the formulas, the payment attempts with Stripe's references,
refunds and credit notes; credit notes and credit balances."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene
from django.db.models import Prefetch, QuerySet

from saleor_subscriptions.api.enums import InvoiceStatusEnum
from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.invoicing.links import document_url
from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine
from saleor_subscriptions.payments.stripe_webhooks.models import StripeFollowUp
from saleor_subscriptions.renewals.models import PaymentAttempt

INVOICE_TYPE = "Invoice"
CREDIT_NOTE_TYPE = "CreditNote"


def money(field: str, description: str = "", required: bool = True) -> DecimalScalar:
    def resolve(root: Any, _info: Any) -> str | None:
        value = getattr(root, field)
        return None if value is None else show_amount(value, root.currency)

    return DecimalScalar(required=required, description=description or None, resolver=resolve)


class InvoiceLineType(graphene.ObjectType):
    """One figure of an invoice and how it was computed (BILLING_RULES §4)."""

    class Meta:
        name = "InvoiceLine"

    position = graphene.Int(required=True)
    kind = graphene.String(
        required=True, description="plan, setup_fee, proration, trial, discount, usage, credit or shipping."
    )
    description = graphene.String(required=True)
    formula = graphene.String(
        required=True, description="How the amount came about, e.g. 30.00 × 15/30 days."
    )
    quantity = graphene.String(required=True)
    unit_amount = money("unit_amount")
    amount = money("amount", "Net; negative for a discount or credit.")
    tax_amount = money("tax_amount")
    period_start = graphene.Date()
    period_end = graphene.Date(description="End exclusive.")

    @staticmethod
    def resolve_formula(root: InvoiceLine, _info: Any) -> str:
        return root.reason

    @staticmethod
    def resolve_quantity(root: InvoiceLine, _info: Any) -> str:
        return format(root.quantity.normalize(), "f")


class PaymentAttemptType(graphene.ObjectType):
    """One charge of an invoice at Stripe."""

    class Meta:
        name = "PaymentAttempt"

    number = graphene.Int(required=True)
    status = graphene.String(
        required=True,
        description=(
            "pending, succeeded, processing, requires_action, declined, amount_refused, failed, cancelled."
        ),
    )
    amount = money("amount")
    currency = graphene.String(required=True)
    stripe_reference = graphene.String(required=True, description="The PaymentIntent (pi_…); empty if none.")
    decline_code = graphene.String(required=True)
    idempotency_key = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    completed_at = graphene.DateTime()

    @staticmethod
    def resolve_stripe_reference(root: PaymentAttempt, _info: Any) -> str:
        return root.reference


class RefundType(graphene.ObjectType):
    """Money sent back at Stripe for a payment the invoice did not need (paid twice, or after it was void)."""

    class Meta:
        name = "InvoiceRefund"

    amount = DecimalScalar(description="Null: the whole payment.")
    stripe_payment_intent = graphene.String(required=True)
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    done_at = graphene.DateTime(description="When Stripe took it; null while it is still to be sent.")
    last_error = graphene.String(required=True)

    @staticmethod
    def resolve_amount(root: StripeFollowUp, _info: Any) -> str | None:
        return None if root.amount is None else show_amount(root.amount, root.invoice.currency)

    @staticmethod
    def resolve_stripe_payment_intent(root: StripeFollowUp, _info: Any) -> str:
        return root.intent_id


class CreditNoteType(graphene.ObjectType):
    """Money returned to a customer's credit balance (BILLING_RULES §8)."""

    class Meta:
        name = "CreditNote"

    id = graphene.ID(required=True)
    number = graphene.String(required=True)
    customer_key = graphene.String(required=True, description="user:<Saleor id> or email:<address> (guests).")
    currency = graphene.String(required=True)
    amount = money("amount")
    reason = graphene.String(required=True)
    created_at = graphene.DateTime(required=True)
    subscription_id = graphene.ID()
    invoice_number = graphene.String()
    stripe_refund = graphene.String(
        description="The Stripe refund that paid the amount back (staffInvoiceRefund); null: on the balance."
    )

    @staticmethod
    def resolve_id(root: CreditNote, _info: Any) -> str:
        return global_id(CREDIT_NOTE_TYPE, root.pk)

    @staticmethod
    def resolve_stripe_refund(root: CreditNote, _info: Any) -> str | None:
        return root.refund_reference or None

    @staticmethod
    def resolve_subscription_id(root: CreditNote, _info: Any) -> str | None:
        return None if root.subscription_id is None else subscription_global_id(root.subscription_id)

    @staticmethod
    def resolve_invoice_number(root: CreditNote, _info: Any) -> str | None:
        return None if root.invoice is None else root.invoice.number


class InvoiceType(graphene.ObjectType):
    """An invoice of the shop (the customer's view is SubscriptionInvoice), with how it was computed and
    paid."""

    class Meta:
        name = "Invoice"

    id = graphene.ID(required=True)
    number = graphene.String(description="Null while a draft.")
    status = InvoiceStatusEnum(required=True)
    billing_reason = graphene.String(required=True, description="signup, renewal, change or manual.")
    currency = graphene.String(required=True)
    subscription_id = graphene.ID(required=True)
    customer_email = graphene.String(required=True)
    customer_name = graphene.String(required=True, description="From the billing address; empty if none.")
    subscription_number = graphene.Int(required=True, description="The subscription's number (`#12`).")
    channel = graphene.String(required=True, description="The subscription's channel slug.")
    period_start = graphene.Date(required=True)
    period_end = graphene.Date(required=True, description="End exclusive.")
    subtotal = money("subtotal", "The lines before credit.")
    tax = money("tax")
    total = money("total", "Gross, before credit.")
    credit_applied = money("credit_applied")
    amount_due = money("amount_due", "The total less credit applied.")
    amount_paid = money("amount_paid")
    due_at = graphene.DateTime(required=True)
    issued_at = graphene.DateTime()
    paid_at = graphene.DateTime()
    closed_at = graphene.DateTime()
    saleor_order_id = graphene.String(
        required=True, description="The Saleor order it made; empty if none yet."
    )
    order_problem = graphene.String(
        required=True, description="Why its order waits for a person; empty if none."
    )
    document_url = graphene.String(description="The PDF (a signed link); null for a draft.")
    lines = graphene.List(graphene.NonNull(InvoiceLineType), required=True)
    payments = graphene.List(graphene.NonNull(PaymentAttemptType), required=True, description="Oldest first.")
    refunds = graphene.List(graphene.NonNull(RefundType), required=True)
    credit_notes = graphene.List(graphene.NonNull(CreditNoteType), required=True)
    refundable = DecimalScalar(
        required=True,
        description="What a staff refund may still give back of a paid invoice: its total less its credit "
        "notes (§8; money back also no more than its Stripe charge has left); 0 unless paid.",
    )

    @staticmethod
    def resolve_id(root: Invoice, _info: Any) -> str:
        return global_id(INVOICE_TYPE, root.pk)

    @staticmethod
    def resolve_status(root: Invoice, _info: Any) -> str:
        return root.status

    @staticmethod
    def resolve_subscription_id(root: Invoice, _info: Any) -> str:
        return subscription_global_id(root.subscription_id)

    @staticmethod
    def resolve_customer_email(root: Invoice, _info: Any) -> str:
        return root.subscription.customer_email

    @staticmethod
    def resolve_customer_name(root: Invoice, _info: Any) -> str:
        address = root.subscription.billing_address or {}
        return " ".join(str(address.get(k) or "") for k in ("firstName", "lastName")).strip()

    @staticmethod
    def resolve_subscription_number(root: Invoice, _info: Any) -> int:
        return root.subscription_id

    @staticmethod
    def resolve_channel(root: Invoice, _info: Any) -> str:
        return root.subscription.channel_slug

    @staticmethod
    def resolve_refundable(root: Invoice, info: Any) -> str:
        if root.status != Invoice.Status.PAID:
            return show_amount(Decimal(0), root.currency)
        noted = sum((note.amount for note in InvoiceType.resolve_credit_notes(root, info)), Decimal(0))
        return show_amount(max(round_money(root.total - noted, root.currency), Decimal(0)), root.currency)

    @staticmethod
    def resolve_document_url(root: Invoice, _info: Any) -> str | None:
        return None if root.number is None else document_url(root)

    @staticmethod
    def resolve_lines(root: Invoice, _info: Any) -> list[InvoiceLine]:
        lines = list(root.lines.all())
        for line in lines:
            line.currency = root.currency  # type: ignore[attr-defined]
        return lines

    @staticmethod
    def resolve_payments(root: Invoice, _info: Any) -> list[PaymentAttempt]:
        return list(root.attempts.all())

    @staticmethod
    def resolve_refunds(root: Invoice, _info: Any) -> list[StripeFollowUp]:
        refunds: list[StripeFollowUp] | None = getattr(root, "refund_rows", None)
        if refunds is None:
            refunds = list(refunds_of().filter(invoice=root))
        for refund in refunds:
            refund.invoice = root
        return refunds

    @staticmethod
    def resolve_credit_notes(root: Invoice, _info: Any) -> list[CreditNote]:
        notes: list[CreditNote] | None = getattr(root, "credit_note_rows", None)
        if notes is None:
            notes = list(CreditNote.objects.filter(invoice=root).order_by("pk"))
        for note in notes:
            note.invoice = root
        return notes


def refunds_of() -> QuerySet[StripeFollowUp]:
    return StripeFollowUp.objects.filter(kind=StripeFollowUp.Kind.REFUND).order_by("created_at", "pk")


def invoices_with_details(invoices: QuerySet[Invoice]) -> QuerySet[Invoice]:
    """Invoices with their subscription, lines and attempts loaded (three more queries however many)."""
    return invoices.select_related("subscription").prefetch_related(
        Prefetch("lines", queryset=InvoiceLine.objects.order_by("position")),
        Prefetch("attempts", queryset=PaymentAttempt.objects.order_by("number")),
    )


def attach_refunds_and_notes(invoices: list[Invoice]) -> None:
    """Loads the refunds and credit notes of `invoices` in two queries (they have no reverse relation)."""
    ids = [invoice.pk for invoice in invoices]
    refunds: dict[int, list[StripeFollowUp]] = {pk: [] for pk in ids}
    for refund in refunds_of().filter(invoice_id__in=ids):
        refunds[refund.invoice_id].append(refund)
    notes: dict[int, list[CreditNote]] = {pk: [] for pk in ids}
    for note in CreditNote.objects.filter(invoice_id__in=ids).order_by("pk"):
        assert note.invoice_id is not None
        notes[note.invoice_id].append(note)
    for invoice in invoices:
        invoice.refund_rows = refunds[invoice.pk]  # type: ignore[attr-defined]
        invoice.credit_note_rows = notes[invoice.pk]  # type: ignore[attr-defined]
