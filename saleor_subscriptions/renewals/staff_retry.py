"""A staff user has an open invoice charged again now, outside the dunning schedule (BILLING_RULES §6, §7).

The retry is the dunning's own: a new payment attempt (its idempotency key stored first), the invoice's
payments a customer could still confirm voided at the gateway before it is sent, and the invoice back in the
pipeline's charge step, where the renewal runner's sweeper charges it (every 2 minutes; in a sandbox when the
test clock moves). Its outcome is recorded as any charge's: paid settles the subscription, a failure goes on
with the dunning where it stands. The dunning schedule itself does not move.
"""

from __future__ import annotations

from datetime import datetime

from django.db import transaction

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import record_event
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import new_attempt
from saleor_subscriptions.renewals.ports import PaymentGateway
from saleor_subscriptions.renewals.staff_invoices import (
    lock_invoice,
    next_attempt_number,
    refuse_charge_under_way,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode

INVOICE_RETRY_REQUESTED = "invoice_retry_requested"
"""The kind of the subscription event of a retry asked for by staff (who, why, which invoice and attempt)."""


def _refuse(code: LifecycleErrorCode, message: str) -> LifecycleError:
    return LifecycleError(code, message, "invoice")


def retry_invoice_now(
    invoice: Invoice | int,
    payments: PaymentGateway,
    *,
    actor_id: str,
    reason: str = "",
    now: datetime | None = None,
) -> PaymentAttempt:
    """Queue a new charge of an open invoice for the sweeper (see the module doc); the attempt. Refused
    `nothing_owed` for an invoice that is not open, `payment_in_flight` while its own charge is still to run
    or a charge is unanswered (a SEPA debit clearing)."""
    with transaction.atomic():
        subscription, locked = lock_invoice(invoice)
        if locked.status != Invoice.Status.OPEN:
            raise _refuse(LifecycleErrorCode.NOTHING_OWED, f"invoice {locked.number} is {locked.status}")
        refuse_charge_under_way(locked)
        moment = now or subscription.installation.now()
        payments.void_open_payments([locked], "retry asked by staff")
        number = next_attempt_number(locked)
        attempt = new_attempt(locked, number, moment)
        attempt.save()
        locked.pipeline_step = Invoice.PipelineStep.CHARGE
        locked.lease_until = None
        locked.save(update_fields=["pipeline_step", "lease_until"])
        record_event(
            subscription,
            INVOICE_RETRY_REQUESTED,
            actor=Actor.STAFF,
            actor_id=actor_id,
            from_status=subscription.status,
            at=moment,
            reason=reason,
            data={"invoice": locked.number, "attempt": number, "amount": locked.amount_due},
        )
    return attempt
