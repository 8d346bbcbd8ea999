"""Voiding an invoice: a staff user takes back an open invoice nothing has been paid on (BILLING_RULES §4).

A void invoice keeps its number (the sequence stays gap-free) and is never charged again. Money that moved
(a payment, a charge still being answered, credit used from the customer's balance) is not undone here: a
paid invoice is refunded instead, which is its own action.
"""

from __future__ import annotations

from django.db import transaction

from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.nonpayment import settle_subscription
from saleor_subscriptions.lifecycle.transition import lock, record_event
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

INVOICE_VOIDED = "invoice_voided"
"""The kind of the subscription event a void writes (who, why, which invoice)."""

_IN_FLIGHT = (PaymentAttempt.Status.PENDING, PaymentAttempt.Status.PROCESSING)


def _refuse(code: LifecycleErrorCode, message: str) -> LifecycleError:
    return LifecycleError(code, message, "invoice")


def void_invoice(invoice: Invoice | int, *, actor_id: str, reason: str) -> Invoice:
    """Void an `open` invoice (§4): it becomes `void`, closed now and out of the renewal pipeline, with an
    `invoice_voided` event on its subscription naming who and why. Refused for an invoice that is not open
    (`invoice_not_open`), is paid or has a succeeded charge (`invoice_paid`: refund it instead), has a charge
    still being answered (`payment_in_flight`) or has used the customer's credit (`credit_applied`)."""
    pk = invoice.pk if isinstance(invoice, Invoice) else invoice
    with transaction.atomic():
        subscription_id = Invoice.objects.values_list("subscription_id", flat=True).get(pk=pk)
        # The subscription first, as the dunning does: a retry cannot add an attempt between check and void.
        subscription = lock(subscription_id)
        locked = Invoice.objects.select_for_update().get(pk=pk)
        _check_voidable(locked)
        now = subscription.installation.now()
        locked.status = Invoice.Status.VOID
        locked.closed_at = now
        locked.pipeline_step = Invoice.PipelineStep.DONE
        locked.lease_until = None
        locked.save(update_fields=["status", "closed_at", "pipeline_step", "lease_until"])
        record_event(
            subscription,
            INVOICE_VOIDED,
            actor=Actor.STAFF,
            actor_id=actor_id,
            from_status=subscription.status,
            at=now,
            reason=reason,
            data={"invoice": locked.number, "amount_due": locked.amount_due},
        )
        _end_dunning_when_nothing_is_owed(subscription, actor_id)
    return locked


def _end_dunning_when_nothing_is_owed(subscription: Subscription, actor_id: str) -> None:
    """A shop owner who voids the debt a subscription was being dunned for forgives it: with nothing else
    open, the subscription is settled on its original schedule (§5) and no dunning step runs any more."""
    if subscription.state not in (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED):
        return
    if Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN).exists():
        return
    settle_subscription(
        subscription, actor=Actor.STAFF, actor_id=actor_id, reason="the unpaid invoice was voided"
    )
    Subscription.objects.filter(pk=subscription.pk).update(next_dunning_at=None)


def _check_voidable(invoice: Invoice) -> None:
    if invoice.status == Invoice.Status.PAID or invoice.amount_paid > 0:
        raise _refuse(LifecycleErrorCode.INVOICE_PAID, "a paid invoice is refunded, not voided")
    if invoice.status != Invoice.Status.OPEN:
        raise _refuse(
            LifecycleErrorCode.INVOICE_NOT_OPEN,
            f"only an open invoice can be voided, not a {invoice.status} one",
        )
    attempts = set(invoice.attempts.values_list("status", flat=True))
    if PaymentAttempt.Status.SUCCEEDED in attempts:
        raise _refuse(
            LifecycleErrorCode.INVOICE_PAID, "a charge of this invoice succeeded: refund it instead"
        )
    if attempts.intersection(_IN_FLIGHT):
        raise _refuse(
            LifecycleErrorCode.PAYMENT_IN_FLIGHT, "a charge of this invoice is still being answered"
        )
    if invoice.credit_applied > 0:
        raise _refuse(LifecycleErrorCode.CREDIT_APPLIED, "this invoice used the customer's credit balance")
