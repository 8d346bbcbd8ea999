"""A staff user records that an open invoice was paid another way, by bank transfer (BILLING_RULES §5, §7).

The payment is kept as a succeeded payment attempt whose reference is `bank-transfer:<the bank's reference>`
(so the invoice's order in Saleor gets it as a transaction, which the app does not offer to refund: the money
did not come through the gateway), and the invoice is paid as by any other payment (`outcomes.pay_invoice`):
closed, its subscription settled when it was dunned for it, its still-confirmable payments voided, a receipt
sent. `paid_at` is the day given (at the installation's due hour, never later than now).
"""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import BANK_TRANSFER
from saleor_subscriptions.lifecycle.transition import record_event
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from saleor_subscriptions.renewals.outcomes import pay_invoice
from saleor_subscriptions.renewals.ports import PaymentGateway
from saleor_subscriptions.renewals.staff_invoices import (
    lock_invoice,
    next_attempt_number,
    refuse_charge_under_way,
)
from saleor_subscriptions.subscriptions.calendar import due_at, local_today
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode

MANUAL_REFERENCE_PREFIX = "bank-transfer:"
"""The prefix of the reference of a payment recorded by hand (never a gateway's payment id)."""
REFERENCE_MAX = 80
INVOICE_MARKED_PAID = "invoice_marked_paid"


def _refuse(code: LifecycleErrorCode, message: str, field: str = "invoice") -> LifecycleError:
    return LifecycleError(code, message, field)


def mark_invoice_paid(
    invoice: Invoice | int,
    notifier: Notifier,
    payments: PaymentGateway,
    *,
    reference: str,
    paid_on: date,
    actor_id: str,
    reason: str = "",
    now: datetime | None = None,
) -> Invoice:
    """Record a bank transfer that paid the open invoice in full on `paid_on` (see the module doc). Refused
    `invalid_payment_reference` (field `reference`: empty or longer than REFERENCE_MAX), `paid_date_in_future`
    (`paid_on`), `invoice_not_open`, `payment_in_flight` (a charge of it is still to run or unanswered)."""
    shown = reference.strip()
    if not 1 <= len(shown) <= REFERENCE_MAX:
        message = f"the bank's reference, 1 to {REFERENCE_MAX} characters, not {len(shown)}"
        raise _refuse(LifecycleErrorCode.INVALID_PAYMENT_REFERENCE, message, "reference")
    with transaction.atomic():
        subscription, locked = lock_invoice(invoice)
        moment = now or subscription.installation.now()
        if paid_on > local_today(subscription, moment):
            raise _refuse(LifecycleErrorCode.PAID_DATE_IN_FUTURE, f"{paid_on} is in the future", "paid_on")
        if locked.status != Invoice.Status.OPEN:
            raise _refuse(LifecycleErrorCode.INVOICE_NOT_OPEN, f"invoice {locked.number} is {locked.status}")
        refuse_charge_under_way(locked)
        paid_at = min(due_at(subscription, paid_on), moment)
        amount = locked.amount_due
        if amount > 0:
            number = next_attempt_number(locked)
            PaymentAttempt.objects.create(
                installation_id=locked.installation_id,
                invoice=locked,
                number=number,
                idempotency_key=attempt_key(locked.pk, number),
                amount=amount,
                currency=locked.currency,
                status=PaymentAttempt.Status.SUCCEEDED,
                reference=f"{MANUAL_REFERENCE_PREFIX}{shown}",
                created_at=moment,
                completed_at=paid_at,
            )
        paid = pay_invoice(locked, notifier, payments, actor=Actor.STAFF, now=moment, method=BANK_TRANSFER)
        paid.paid_at = paid_at
        paid.save(update_fields=["paid_at"])
        record_event(
            subscription,
            INVOICE_MARKED_PAID,
            actor=Actor.STAFF,
            actor_id=actor_id,
            from_status=subscription.status,
            at=moment,
            reason=reason,
            data={"invoice": paid.number, "reference": shown, "paid_on": paid_on, "amount": amount},
        )
    return paid
