"""Failed payments (BILLING_RULES §6): the dunning policy's steps, run on the installation's clock.

A failed renewal charge makes the subscription `past_due` (or `suspended` when the policy says so at the first
failure) from the invoice's due date, with a reminder holding the pay link; then each step of the policy runs
on its day after the due date: retries (each failure with a reminder), suspension, the termination warning,
cancellation for nonpayment. A charge that needs the customer (3-D Secure) is not retried blindly: its retry
days send the pay link again instead. While a payment is underway (a SEPA debit clearing) a step neither
retries nor sends the pay link; before a retry charges again, the invoice's PaymentIntents a customer could
still confirm (an old pay-page tab) are cancelled at Stripe. Paying at any point (a retry, the pay page, an
admin) settles the subscription on its original schedule; after cancellation, paying restores it only within
the reactivation window.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from saleor_subscriptions.billing.dunning import DunningAction, DunningPolicy, FirstFailure
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus, Transition
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions import lifecycle
from saleor_subscriptions.subscriptions.calendar import due_at, local_today, renewal_at
from saleor_subscriptions.subscriptions.lifecycle.transition import allowed, lock, record_event
from saleor_subscriptions.subscriptions.models import Subscription

if TYPE_CHECKING:
    from saleor_subscriptions.renewals.pipeline import RenewalPorts
    from saleor_subscriptions.renewals.ports import PaymentGateway

PayUrl = Callable[[Invoice], str]
DUNNING = (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED)
UNDERWAY = (PaymentAttempt.Status.PROCESSING, PaymentAttempt.Status.PENDING)
"""A payment of the invoice not finished (a SEPA debit clearing): no retry and no pay link meanwhile."""


def _schedule_next(subscription: Subscription, policy: DunningPolicy, done: int) -> None:
    step = policy.next_step(done)
    subscription.dunning_days_done = done
    assert subscription.past_due_since is not None
    subscription.next_dunning_at = (
        None if step is None else due_at(subscription, subscription.past_due_since + timedelta(days=step.day))
    )
    Subscription.objects.filter(pk=subscription.pk).update(
        dunning_days_done=done, next_dunning_at=subscription.next_dunning_at
    )


def payment_failed(
    invoice: Invoice, attempt: PaymentAttempt, now: datetime, notifier: Notifier, pay_url: PayUrl
) -> None:
    """A charge of `invoice` failed or needs the customer: start dunning at the first failure, send the
    reminder with the pay link either way (§6 steps 1 and 2). Runs in the caller's transaction."""
    subscription = lock(invoice.subscription)
    policy = subscription.plan_version.dunning_policy()
    if subscription.state in (SubscriptionStatus.ACTIVE, SubscriptionStatus.TRIALING):
        due_on = max(local_today(subscription, now), local_today(subscription, invoice.due_at))
        if policy.on_first_failure is FirstFailure.SUSPEND:
            subscription = lifecycle.suspend_subscription(
                subscription, due_on=due_on, reason="payment failed"
            )
        else:
            subscription = lifecycle.mark_past_due(subscription, due_on=due_on)
        _schedule_next(subscription, policy, 0)
        days_done = 0
    elif subscription.state in DUNNING:
        days_done = subscription.dunning_days_done or 0
    else:
        return
    invoice.subscription = subscription
    notifier.payment_failed(invoice, pay_url(invoice), attempt=days_done)


def open_invoice(subscription: Subscription) -> Invoice | None:
    """The renewal invoice dunning is about: the oldest one still open."""
    return (
        Invoice.objects.filter(subscription=subscription, status=Invoice.Status.OPEN)
        .order_by("period_index", "pk")
        .first()
    )


def run_dunning(
    ports: RenewalPorts, *, now: datetime | None = None, installation_id: int | None = None, limit: int = 500
) -> list[str]:
    """Run every dunning step that has come due; returns one line per step run, for logs and the test
    clock."""
    from saleor_subscriptions.renewals.batch import due_filter
    from saleor_subscriptions.renewals.pipeline import charge_invoices

    moment = now or timezone.now()
    ran: list[str] = []
    due_ids = list(
        Subscription.objects.filter(
            due_filter(installation_id), status__in=DUNNING, next_dunning_at__lte=moment
        )
        .order_by("next_dunning_at")
        .values_list("pk", flat=True)[:limit]
    )
    for pk in due_ids:
        retry_invoice: int | None = None
        with transaction.atomic():
            try:
                subscription = (
                    Subscription.objects.select_for_update(skip_locked=True, of=("self",))
                    .select_related("installation", "plan_version__plan")
                    .get(pk=pk, status__in=DUNNING, next_dunning_at__lte=moment)
                )
            except Subscription.DoesNotExist:
                continue  # another worker has it, or it was paid meanwhile
            line, retry_invoice = _run_step(subscription, moment, ports)
            ran.append(f"subscription {pk}: {line}")
        if retry_invoice is not None:
            outcome = charge_invoices([retry_invoice], ports, moment)  # voids its open payments first
            ran.append(f"subscription {pk}: retry {', '.join(outcome) or 'not answered'}")
    return ran


def _run_step(subscription: Subscription, now: datetime, ports: RenewalPorts) -> tuple[str, int | None]:
    policy = subscription.plan_version.dunning_policy()
    step = policy.next_step(subscription.dunning_days_done)
    if step is None:
        Subscription.objects.filter(pk=subscription.pk).update(next_dunning_at=None)
        return "no step left", None
    invoice = open_invoice(subscription)
    if invoice is not None and not _lock_invoice(invoice):
        return f"day {step.day}: invoice {invoice.number} busy, next run", None
    _schedule_next(subscription, policy, step.day)
    last = invoice.attempts.order_by("-number").first() if invoice is not None else None
    underway = last is not None and last.status in UNDERWAY
    pay_link = ports.pay_url(invoice) if invoice is not None and not underway else None
    if step.action in (DunningAction.RETRY, DunningAction.REMIND):
        if invoice is None:
            return f"day {step.day}: nothing open", None
        blind_retry_useless = last is not None and last.status == PaymentAttempt.Status.REQUIRES_ACTION
        if last is not None and underway:
            # A SEPA debit clearing (or a charge not answered yet): no retry, and no pay link to pay twice.
            return f"day {step.day}: payment {last.status}, nothing sent", None
        if step.action is DunningAction.REMIND or blind_retry_useless:
            ports.notifier.payment_failed(invoice, ports.pay_url(invoice), attempt=step.day)
            return f"day {step.day}: reminder sent", None
        from saleor_subscriptions.renewals.pipeline import new_attempt

        # Before a new charge, the invoice's payments still open are voided (on commit, and the charge step
        # makes sure of it before it charges: `charge_attempts`).
        ports.payments.void_open_payments([invoice], f"dunning retry on day {step.day}")
        number = (invoice.attempts.aggregate(n=Max("number"))["n"] or 0) + 1
        new_attempt(invoice, number, now).save()
        Invoice.objects.filter(pk=invoice.pk).update(pipeline_step=Invoice.PipelineStep.CHARGE)
        return f"day {step.day}: retry {number}", invoice.pk
    if step.action is DunningAction.SUSPEND:
        if subscription.state is SubscriptionStatus.PAST_DUE:
            lifecycle.suspend_subscription(subscription)
            ports.notifier.suspended(subscription, pay_url=pay_link)
        return f"day {step.day}: suspended", None
    if step.action is DunningAction.WARN_TERMINATION:
        assert subscription.past_due_since is not None
        terminates_on = subscription.past_due_since + timedelta(days=policy.cancel_day)
        ports.notifier.termination_warning(subscription, terminates_on=terminates_on, pay_url=pay_link)
        return f"day {step.day}: termination warning", None
    subscription = lifecycle.cancel_for_nonpayment(subscription)
    ports.notifier.cancelled(subscription)
    return f"day {step.day}: cancelled for nonpayment", None


def _lock_invoice(invoice: Invoice) -> bool:
    """The invoice's row lock, taken only when free: its attempts are numbered under it, and the others who
    take it (the webhook, the pay page, the pipeline) lock the invoice before the subscription that dunning
    holds already, so waiting here could deadlock. Busy: the step runs on the next run."""
    locked = Invoice.objects.select_for_update(skip_locked=True, of=("self",)).filter(pk=invoice.pk)
    return bool(list(locked.values_list("pk", flat=True)))


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
    from saleor_subscriptions.renewals.outcomes import mark_paid_many

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
