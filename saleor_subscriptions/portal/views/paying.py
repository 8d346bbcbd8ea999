"""Which invoices the pay page takes, and the one whose payment brings a cancelled subscription back within
its reactivation window (BILLING_RULES §6.6: the lifecycle's own check, as for the API's `payUrl`)."""

from __future__ import annotations

from datetime import date

from django.conf import settings

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import can_still_reactivate, reactivation_deadline

PAYABLE = (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE)


def portal_url(path: str) -> str:
    return f"{str(settings.APP_URL).rstrip('/')}/portal/{path}"


def payable(invoice: Invoice) -> bool:
    """Whether the pay page takes this invoice now: owed, not still to be charged by the renewal runner,
    and paying would still keep (or bring back) the subscription."""
    return (
        invoice.status in PAYABLE
        and invoice.pipeline_step == Invoice.PipelineStep.DONE
        and can_still_reactivate(invoice.subscription)
    )


def reactivation(subscription: Subscription) -> tuple[Invoice, date | None] | None:
    """For a cancelled subscription that paying can still bring back: the unpaid invoice to pay, and the
    last day it can be paid; None otherwise (not cancelled, the window closed, nothing owed)."""
    if subscription.status != "cancelled" or not can_still_reactivate(subscription):
        return None
    owed = [
        invoice
        for invoice in subscription.invoices.filter(status__in=PAYABLE, number__isnull=False).order_by(
            "-due_at", "-pk"
        )
        if payable(invoice)
    ]
    return (owed[0], reactivation_deadline(subscription)) if owed else None
