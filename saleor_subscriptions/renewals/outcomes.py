"""What a charge's outcome does to the invoice and the subscription (BILLING_RULES §5, §6).

- succeeded: the invoice is paid; an `incomplete` sign-up whose sign-up invoice it is (made by staff,
  `staff_signup`) is activated (its trial starts, or it becomes active), a trial becomes active, a past-due
  or suspended subscription is settled on its original schedule; a receipt goes out.
- processing (SEPA): neither paid nor failed; the invoice stays open and access continues until the gateway
  reports the end (`record_late_outcome`).
- requires action (3-D Secure): dunning starts, but the charge is not retried blindly: the customer gets the
  pay link.
- declined: dunning starts (§6): a reminder with the pay link, or suspension when the policy says so.
- amount refused: the gateway refused the amount itself (Stripe's `amount_too_small`, an amount not in the
  currency's chargeable steps, §3). The customer's card was never asked, so it is no decline: the invoice
  stays open, no dunning starts, nothing is charged, and staff are alerted (an `charge_amount_refused` event
  on the subscription and an ERROR log, as for money that arrives for a paid invoice).

Paying what is owed later (a retry, the pay page, a SEPA debit that cleared, an admin: `accept_payment`)
settles the subscription on its original schedule; after a cancellation for nonpayment, paying restores it
only within the reactivation window.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date, datetime

from django.db import transaction

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus, Transition
from saleor_subscriptions.bulk import update_rows
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import BANK_TRANSFER, CREDIT, PaidMethod
from saleor_subscriptions.lifecycle.transition import allowed, lock, record_event
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals import dunning
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeResult, PaymentGateway
from saleor_subscriptions.subscriptions.calendar import local_today, renewal_at
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

PayUrl = Callable[[Invoice], str]
AMOUNT_REFUSED_EVENT = "charge_amount_refused"
logger = logging.getLogger(__name__)


def record_charge_results(
    answered: Sequence[tuple[PaymentAttempt, ChargeResult]],
    now: datetime,
    notifier: Notifier,
    pay_url: PayUrl,
    payments: PaymentGateway,
) -> dict[str, int]:
    """Store the gateway's answers in one transaction; an attempt already answered (a duplicate run) is left
    as it is. Returns how many attempts ended in each outcome."""
    counts: dict[str, int] = {}
    if not answered:
        return counts
    with transaction.atomic():
        pending = set(
            PaymentAttempt.objects.select_for_update()
            .filter(pk__in=[a.pk for a, _ in answered], status=PaymentAttempt.Status.PENDING)
            .values_list("pk", flat=True)
        )
        # The invoices locked (not their subscriptions), and the status each subscription has now: the rows
        # the attempts came with are used, but a decision on the subscription goes by its current status.
        locked = Invoice.objects.select_for_update(of=("self",)).filter(
            pk__in={a.invoice_id for a, _ in answered}
        )
        current = {
            pk: (status, sub)
            for pk, status, sub in locked.values_list("pk", "status", "subscription__status")
        }
        invoices: dict[int, Invoice] = {}
        for attempt, _ in answered:
            invoice = invoices.setdefault(attempt.invoice_id, attempt.invoice)
            attempt.invoice = invoice
            invoice.status, invoice.subscription.status = current[invoice.pk]
        done: list[PaymentAttempt] = []
        for attempt, result in answered:
            if attempt.pk not in pending:
                continue
            attempt.status = result.outcome.value
            attempt.reference = result.reference
            attempt.decline_code = result.decline_code
            attempt.completed_at = now
            done.append(attempt)
            counts[result.outcome.value] = counts.get(result.outcome.value, 0) + 1
        update_rows(done, ["status", "reference", "decline_code", "completed_at"])
        done = _owed_only(done, invoices, payments)
        paid: list[Invoice] = []
        waiting: list[Invoice] = []
        for attempt in done:
            invoice = invoices[attempt.invoice_id]
            invoice.pipeline_step = Invoice.PipelineStep.DONE
            outcome = ChargeOutcome(attempt.status)
            if outcome is ChargeOutcome.SUCCEEDED:
                paid.append(invoice)
            else:
                waiting.append(invoice)
        update_rows(waiting, ["pipeline_step"])
        results = {attempt.pk: result for attempt, result in answered}
        for attempt in done:
            if attempt.status in (ChargeOutcome.DECLINED, ChargeOutcome.REQUIRES_ACTION):
                dunning.payment_failed(invoices[attempt.invoice_id], attempt, now, notifier, pay_url)
            elif attempt.status == ChargeOutcome.AMOUNT_REFUSED:
                alert_amount_refused(invoices[attempt.invoice_id], attempt, results[attempt.pk], now)
        paid_with = {attempt.invoice_id: results[attempt.pk].method for attempt in done}
        mark_paid_many(paid, now, notifier, payments, paid_with)
    return counts


def alert_amount_refused(
    invoice: Invoice, attempt: PaymentAttempt, result: ChargeResult, at: datetime
) -> None:
    """Staff are told that the gateway refused the amount of `invoice` (§3): an event on the subscription and
    an ERROR log. The invoice stays open and no dunning starts: the customer did nothing wrong."""
    subscription = invoice.subscription
    message = (
        f"invoice {invoice.number}: the payment provider refused {attempt.amount} {attempt.currency} "
        f"({result.decline_code}): {result.message}; not charged, no dunning, needs staff"
    )
    record_event(
        subscription,
        AMOUNT_REFUSED_EVENT,
        actor=Actor.SYSTEM,
        actor_id="gateway",
        from_status=subscription.status,
        at=at,
        reason=message,
        data={
            "invoice": invoice.number,
            "amount": attempt.amount,
            "currency": attempt.currency,
            "code": result.decline_code,
            "message": result.message,
        },
    )
    logger.error("installation %s, subscription %s: %s", invoice.installation_id, subscription.pk, message)


def _waiting_retries(invoice_ids: Iterable[int]) -> set[int]:
    """The invoices with a retry still waiting to be sent (held while a stale payment was voided). Once such
    an invoice is closed it stays in the pipeline's charge step until the sweeper cancels that retry
    (`pipeline._retries_to_send`)."""
    return set(
        PaymentAttempt.objects.filter(
            invoice_id__in=list(invoice_ids), status=PaymentAttempt.Status.PENDING, number__gt=1
        ).values_list("invoice_id", flat=True)
    )


def _owed_only(
    done: list[PaymentAttempt], invoices: dict[int, Invoice], payments: PaymentGateway
) -> list[PaymentAttempt]:
    """The answers whose invoice is still owed. An answer for an invoice paid or void meanwhile (a retry that
    was under way when another payment paid it) changes nothing owed: its money, if any, is refunded."""
    closed = {
        pk for pk, invoice in invoices.items() if invoice.status in (Invoice.Status.PAID, Invoice.Status.VOID)
    }
    if not closed or not any(a.invoice_id in closed for a in done):
        return done
    for attempt in done:
        invoice = invoices[attempt.invoice_id]
        if attempt.invoice_id in closed and attempt.status == PaymentAttempt.Status.SUCCEEDED:
            payments.refund_unneeded(
                invoice,
                attempt.reference,
                attempt.amount,
                f"invoice {invoice.number} was {invoice.status} already",
            )
    Invoice.objects.filter(pk__in=closed - _waiting_retries(closed)).update(
        pipeline_step=Invoice.PipelineStep.DONE
    )
    return [a for a in done if a.invoice_id not in closed]


def mark_paid_many(
    invoices: Sequence[Invoice],
    now: datetime,
    notifier: Notifier,
    payments: PaymentGateway,
    methods: Mapping[int, PaidMethod | None] | None = None,
) -> None:
    """Invoices paid: each `paid`, with the method that paid it (`methods` by invoice id; one the credit
    balance paid in full says so), its subscription moved on (trial → active; past due or suspended →
    settled on its original schedule), and a receipt queued; their payments still open at the gateway are
    voided once the transaction commits. Runs in the caller's transaction."""
    if not invoices:
        return
    waiting = _waiting_retries(invoice.pk for invoice in invoices)
    for invoice in invoices:
        invoice.status = Invoice.Status.PAID
        invoice.amount_paid = invoice.amount_due
        invoice.paid_at = now
        invoice.closed_at = now
        method = (methods or {}).get(invoice.pk)
        if method is None and invoice.amount_due == 0 and invoice.credit_applied > 0:
            method = CREDIT
        invoice.paid_method = method
        step = Invoice.PipelineStep.CHARGE if invoice.pk in waiting else Invoice.PipelineStep.DONE
        invoice.pipeline_step = step
    update_rows(
        invoices,
        [
            "status",
            "amount_paid",
            "paid_at",
            "closed_at",
            "pipeline_step",
            "paid_method_type",
            "paid_method_brand",
            "paid_method_last4",
        ],
    )
    # Paid now: no other payment of these invoices may be completed any more (a stale pay-page tab).
    payments.void_open_payments(invoices, "the invoice is paid")
    trials: list[Subscription] = []
    for invoice in invoices:
        subscription = invoice.subscription
        state = subscription.state
        if state is SubscriptionStatus.TRIALING:
            trials.append(subscription)
        elif state is SubscriptionStatus.INCOMPLETE and invoice.billing_reason == Invoice.Reason.SIGNUP:
            # A sign-up staff made (`staff_signup`): its first payment starts it (§5).
            invoice.subscription = lifecycle.activate_subscription(subscription, actor=Actor.APP)
        elif state in (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED) and not _still_owed(
            subscription, invoice
        ):
            lifecycle.settle_subscription(
                subscription, actor=Actor.APP, reason=f"invoice {invoice.number} paid"
            )
            Subscription.objects.filter(pk=subscription.pk).update(next_dunning_at=None)
        notifier.receipt(invoice)
    _end_trials(trials, now)


def _still_owed(subscription: Subscription, paid: Invoice) -> bool:
    return (
        Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN)
        .exclude(pk=paid.pk)
        .exists()
    )


def _end_trials(subscriptions: list[Subscription], now: datetime) -> None:
    """The first period after a trial is paid: `active` (§5); the period and next renewal were set when its
    invoice was made."""
    for subscription in subscriptions:
        subscription.status = allowed(subscription, Transition.ACTIVATE, Actor.SYSTEM, now.date()).value
    update_rows(subscriptions, ["status"])
    for subscription in subscriptions:
        record_event(
            subscription,
            Transition.ACTIVATE,
            actor=Actor.SYSTEM,
            actor_id="",
            from_status=SubscriptionStatus.TRIALING,
            at=now,
            reason="first payment after the trial",
        )


def record_late_outcome(
    attempt_id: int,
    outcome: ChargeOutcome,
    notifier: Notifier,
    pay_url: PayUrl,
    payments: PaymentGateway,
    *,
    now: datetime | None = None,
    decline_code: str = "",
    method: PaidMethod | None = None,
) -> PaymentAttempt:
    """The gateway reports how a processing (SEPA) or customer-completed (3-D Secure) charge ended. Applied
    once; a report that would move an attempt backwards (processing after succeeded) changes nothing."""
    with transaction.atomic():
        attempt = (
            PaymentAttempt.objects.select_for_update()
            .select_related(
                "invoice__subscription__installation", "invoice__subscription__plan_version__plan"
            )
            .get(pk=attempt_id)
        )
        invoice = attempt.invoice
        moment = now or invoice.subscription.installation.now()
        current = attempt.status
        final = {PaymentAttempt.Status.SUCCEEDED, PaymentAttempt.Status.FAILED}
        # A debit processing: after the renewal's own charge (pending), or after the customer confirmed a
        # declined or unauthenticated intent again with a SEPA debit on the pay page.
        processable = (
            PaymentAttempt.Status.PENDING,
            PaymentAttempt.Status.DECLINED,
            PaymentAttempt.Status.REQUIRES_ACTION,
        )
        if current in final or (outcome is ChargeOutcome.PROCESSING and current not in processable):
            return attempt
        if outcome is ChargeOutcome.SUCCEEDED:
            attempt.status = PaymentAttempt.Status.SUCCEEDED
            attempt.completed_at = moment
            attempt.save(update_fields=["status", "completed_at"])
            Invoice.objects.select_for_update().get(pk=invoice.pk)
            invoice.refresh_from_db()
            if invoice.status in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
                try:
                    with transaction.atomic():
                        accept_payment(invoice, moment, notifier, payments, method=method)
                except LifecycleError:
                    # Paying can no longer bring the subscription back (§6.6): the money received stays
                    # recorded (the attempt succeeded), the invoice unpaid; the caller refunds it.
                    invoice.refresh_from_db()
            return attempt
        if outcome is ChargeOutcome.PROCESSING:
            attempt.status = PaymentAttempt.Status.PROCESSING
            attempt.save(update_fields=["status"])
            return attempt
        # A processing debit that failed, or an authentication the customer abandoned.
        was_processing = current == PaymentAttempt.Status.PROCESSING
        attempt.status = PaymentAttempt.Status.FAILED if was_processing else PaymentAttempt.Status.DECLINED
        attempt.decline_code = decline_code
        attempt.completed_at = moment
        attempt.save(update_fields=["status", "decline_code", "completed_at"])
        if was_processing and invoice.status == Invoice.Status.OPEN:
            dunning.payment_failed(invoice, attempt, moment, notifier, pay_url)
        return attempt


def pay_invoice(
    invoice: Invoice,
    notifier: Notifier,
    payments: PaymentGateway,
    *,
    actor: Actor = Actor.CUSTOMER,
    now: datetime | None = None,
    method: PaidMethod | None = None,
) -> Invoice:
    """An open (or, within the reactivation window, uncollectible) invoice paid outside the renewal's own
    charge: the pay page, or an admin marking it paid (§5, §6.6), paid with `method` (an admin's: a bank
    transfer unless said). Refused with `nothing_owed` when it is not open, and with
    `reactivation_window_closed` when paying can no longer bring the subscription back."""
    if method is None and actor is Actor.STAFF:
        method = BANK_TRANSFER
    with transaction.atomic():
        locked = (
            Invoice.objects.select_for_update(of=("self",))
            .select_related("subscription__installation", "subscription__plan_version__plan")
            .get(pk=invoice.pk)
        )
        if locked.status not in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
            raise LifecycleError(
                LifecycleErrorCode.NOTHING_OWED, f"invoice {locked.number} is {locked.status}", "invoice"
            )
        moment = now or locked.subscription.installation.now()
        accept_payment(locked, moment, notifier, payments, actor=actor, method=method)
    return locked


def accept_payment(
    invoice: Invoice,
    now: datetime,
    notifier: Notifier,
    payments: PaymentGateway,
    *,
    actor: Actor = Actor.CUSTOMER,
    method: PaidMethod | None = None,
) -> None:
    """What was owed is paid later (a retry, the pay page, a SEPA debit that cleared, an admin): the invoice
    is paid and the subscription is active again on its original schedule (§5). After a cancellation for
    nonpayment this works only within the reactivation window, else `reactivation_window_closed` (§6.6)."""
    subscription = lock(invoice.subscription)
    invoice.subscription = subscription
    if subscription.state is SubscriptionStatus.CANCELLED:
        _restore_after_nonpayment(subscription, now, actor, invoice)
    mark_paid_many([invoice], now, notifier, payments, {invoice.pk: method})


def _restore_after_nonpayment(
    subscription: Subscription, now: datetime, actor: Actor, invoice: Invoice
) -> None:
    today: date = local_today(subscription, now)
    before = subscription.state
    subscription.status = allowed(subscription, Transition.REACTIVATE, actor, today).value
    subscription.cancel_reason = ""
    subscription.cancelled_at = subscription.ended_at = None
    subscription.past_due_since = None
    subscription.dunning_days_done = None
    subscription.next_dunning_at = None
    subscription.suspended_at = None
    # The original schedule goes on: periods missed meanwhile are billed at once by the next renewal run.
    subscription.next_billing_at = renewal_at(subscription, subscription.current_period_end)
    subscription.save()
    record_event(
        subscription,
        Transition.REACTIVATE,
        actor=actor,
        actor_id="",
        from_status=before,
        at=now,
        reason=f"invoice {invoice.number} paid within the reactivation window",
        data={"next_billing_at": subscription.next_billing_at},
    )
