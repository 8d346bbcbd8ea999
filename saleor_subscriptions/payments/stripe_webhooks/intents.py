"""What a PaymentIntent's state means for the invoice it pays: used by the webhooks and by the pay page.

Renewal and pay-page PaymentIntents carry `metadata[invoice_number]` and `metadata[installation]`; a renewal's
also `metadata[idempotency_key]`, naming its PaymentAttempt. The intent's *current* state (read from Stripe,
never an event's snapshot) is recorded through the renewal outcome functions (`renewals.outcomes`), which
never move an attempt backwards, so the order in which events arrive does not matter:

- an attempt the renewal pipeline has not answered yet (pending): a success or a processing debit is
  recorded now (the pipeline then finds it answered); a failure is left to the pipeline's own answer;
- a known attempt: `record_late_outcome` (processing → succeeded or failed; requires action or declined →
  succeeded once the customer paid on the pay page); waiting for the customer again changes nothing;
- a pay-page payment (no attempt yet): a success, or a SEPA debit processing, becomes a new attempt of the
  invoice, then is recorded (a processing one settles later by the same webhooks as a renewal's debit);
- a success the invoice did not need (paid or void already, or a cancelled subscription whose reactivation
  window has closed) is still recorded (money received is never lost), then refunded in full after the
  commit (`followups.refund_unneeded_payment`: a `payment_refunded_duplicate` event and an ERROR log).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import lock
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.payments.charges import result_of_intent
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.stripe_amounts import from_minor
from saleor_subscriptions.payments.stripe_client import as_dict
from saleor_subscriptions.payments.stripe_webhooks.followups import refund_unneeded_payment
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.outcomes import PayUrl, record_late_outcome
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.tenants.models import Installation

Outcome = dict[str, Any]


def invoice_of_intent(installation: Installation, intent: dict[str, Any]) -> Invoice | None:
    """The installation's invoice a PaymentIntent pays, by its metadata; None for others (a checkout's)."""
    metadata = intent.get("metadata") or {}
    number = metadata.get("invoice_number")
    if not number or metadata.get("installation") != str(installation.pk):
        return None
    return Invoice.objects.filter(installation=installation, number=number).first()


def _attempt_of(invoice: Invoice, intent: dict[str, Any]) -> PaymentAttempt | None:
    key = (intent.get("metadata") or {}).get("idempotency_key")
    attempts = PaymentAttempt.objects.filter(invoice=invoice)
    found = attempts.filter(idempotency_key=key).first() if key else None
    return found or attempts.filter(reference=intent["id"]).order_by("-number").first()


def _new_attempt(invoice: Invoice, intent: dict[str, Any]) -> PaymentAttempt:
    """A payment made on the pay page becomes the invoice's next attempt (so refunds find its intent).

    Numbered under the invoice's row lock, the lock every other numbering holds (the renewal pipeline's
    first attempt, a dunning retry), then the subscription's, in the order of `pay_invoice` and
    `record_charge_results`; dunning, which holds the subscription first, only takes the invoice's lock when
    it is free (`skip_locked`), so neither waits for the other."""
    Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
    lock(invoice.subscription)
    number = (PaymentAttempt.objects.filter(invoice=invoice).aggregate(n=Max("number"))["n"] or 0) + 1
    return PaymentAttempt.objects.create(
        installation_id=invoice.installation_id,
        invoice=invoice,
        number=number,
        idempotency_key=f"stripe-{intent['id']}",
        amount=from_minor(int(intent["amount"]), invoice.currency),
        currency=invoice.currency,
        reference=intent["id"],
        created_at=invoice.subscription.installation.now(),
    )


def settle_invoice_intent(
    installation: Installation, intent: Any, notifier: Notifier, pay_url: PayUrl
) -> Outcome:
    """Records what the PaymentIntent's current state means for its invoice (see the module doc); returns
    what was done, for the event's record. A success the invoice did not need (it was paid or void already,
    or paying can no longer reactivate its subscription) is recorded and refunded (`outcome["refund"]`)."""
    data = as_dict(intent)
    invoice = invoice_of_intent(installation, data)
    if invoice is None:
        return {"ignored": "not a payment of one of this installation's invoices"}
    result = result_of_intent(data)
    outcome: Outcome = {
        "invoice": invoice.number,
        "payment_intent": data["id"],
        "state": result.outcome.value,
    }
    with transaction.atomic():
        attempt = _attempt_of(invoice, data)
        if attempt is None:
            if result.outcome not in (ChargeOutcome.SUCCEEDED, ChargeOutcome.PROCESSING):
                return {
                    **outcome,
                    "changed": False,
                    "why": "an unfinished pay-page payment: nothing owed changes",
                }
            attempt = _new_attempt(invoice, data)
            outcome["new_attempt"] = attempt.number
        locked = PaymentAttempt.objects.select_for_update().get(pk=attempt.pk)
        outcome["attempt"] = locked.number
        if not locked.reference:
            PaymentAttempt.objects.filter(pk=locked.pk).update(reference=data["id"])
        before = locked.status
        if before == result.outcome.value:
            return {**outcome, "changed": False, "why": "already recorded"}
        if result.outcome is ChargeOutcome.REQUIRES_ACTION:
            return {**outcome, "changed": False, "why": "waiting for the customer (the pay link was sent)"}
        if before == PaymentAttempt.Status.PENDING and result.outcome is ChargeOutcome.DECLINED:
            return {**outcome, "changed": False, "why": "the renewal records its own charge's failure"}
        status_before = Invoice.objects.get(pk=invoice.pk).status
        after = record_late_outcome(
            locked.pk,
            result.outcome,
            notifier,
            pay_url,
            StripeGateway(),
            decline_code=result.decline_code,
            method=result.method,
        )
        outcome.update(changed=after.status != before, attempt_status=after.status)
        if after.status == PaymentAttempt.Status.SUCCEEDED and before != after.status:
            why = _unneeded(invoice, status_before)
            if why:
                received = from_minor(int(data.get("amount_received") or data["amount"]), invoice.currency)
                refund_unneeded_payment(invoice, data["id"], received, why)
                outcome.update(refund=why, refunded_amount=str(received))
    return outcome


def _unneeded(invoice: Invoice, status_before: str) -> str:
    """Why a payment just recorded as succeeded did not pay its invoice; "" when it did."""
    if status_before == Invoice.Status.PAID:
        return f"invoice {invoice.number} was paid already"
    if status_before not in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
        return f"invoice {invoice.number} is {status_before}"
    if Invoice.objects.get(pk=invoice.pk).status != Invoice.Status.PAID:
        return "reactivation_window_closed: paying can no longer bring the subscription back"
    return ""
