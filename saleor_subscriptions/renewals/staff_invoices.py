"""What the staff actions on one open invoice do alike (`manual_payments`, `staff_retry`): lock the
subscription then the invoice (in the dunning's order), refuse while a charge of it is under way, and number
the next payment attempt."""

from __future__ import annotations

from django.db.models import Max

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import lock
from saleor_subscriptions.renewals.dunning import UNDERWAY
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription


def lock_invoice(invoice: Invoice | int) -> tuple[Subscription, Invoice]:
    """The invoice's subscription and the invoice, both locked (the subscription first, as the dunning does);
    inside the caller's transaction."""
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    subscription_id = Invoice.objects.values_list("subscription_id", flat=True).get(pk=pk)
    subscription = lock(subscription_id)
    return subscription, Invoice.objects.select_for_update().get(pk=pk)


def refuse_charge_under_way(invoice: Invoice) -> None:
    """Refused `payment_in_flight` (field `invoice`) while the invoice's own charge is still to run or a
    charge of it is unanswered (a SEPA debit clearing)."""
    last = invoice.attempts.order_by("-number").first()
    if invoice.pipeline_step != Invoice.PipelineStep.DONE or (last is not None and last.status in UNDERWAY):
        raise LifecycleError(
            LifecycleErrorCode.PAYMENT_IN_FLIGHT,
            f"invoice {invoice.number} has a charge under way; its outcome comes first",
            "invoice",
        )


def next_attempt_number(invoice: Invoice) -> int:
    return (invoice.attempts.aggregate(n=Max("number"))["n"] or 0) + 1
