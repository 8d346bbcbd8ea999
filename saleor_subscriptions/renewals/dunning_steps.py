"""Failed payments (BILLING_RULES §6), the steps: each step of the dunning policy runs on its day after the
due date, on the installation's clock: retries (each failure with a reminder), suspension, the termination
warning, cancellation for nonpayment. A charge that needs the customer (3-D Secure) is not retried blindly:
its retry days send the pay link again instead. While a payment is underway (a SEPA debit clearing) a step
neither retries nor sends the pay link; before a retry charges again, the invoice's PaymentIntents a customer
could still confirm (an old pay-page tab) are cancelled at Stripe (docs/renewals.md).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.dunning import DunningAction
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.batch import due_filter
from saleor_subscriptions.renewals.dunning import DUNNING, UNDERWAY, open_invoice, schedule_next
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import RenewalPorts, charge_invoices, new_attempt
from saleor_subscriptions.subscriptions.models import Subscription


def run_dunning(
    ports: RenewalPorts, *, now: datetime | None = None, installation_id: int | None = None, limit: int = 500
) -> list[str]:
    """Run every dunning step that has come due; returns one line per step run, for logs and the test
    clock."""
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
    schedule_next(subscription, policy, step.day)
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
