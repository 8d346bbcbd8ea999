"""Failed payments (BILLING_RULES §6), the start: a failed renewal charge makes the subscription `past_due`
(or `suspended` when the policy says so at the first failure) from the invoice's due date, with a reminder
holding the pay link, and schedules the policy's first step. The steps themselves run in `dunning_steps`;
paying later is `outcomes.accept_payment` (docs/renewals.md).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.dunning import DunningPolicy, FirstFailure
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import lock
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.calendar import due_at, local_today
from saleor_subscriptions.subscriptions.models import Subscription

PayUrl = Callable[[Invoice], str]
DUNNING = (SubscriptionStatus.PAST_DUE, SubscriptionStatus.SUSPENDED)
UNDERWAY = (PaymentAttempt.Status.PROCESSING, PaymentAttempt.Status.PENDING)
"""A payment of the invoice not finished (a SEPA debit clearing): no retry and no pay link meanwhile."""


def schedule_next(subscription: Subscription, policy: DunningPolicy, done: int) -> None:
    """Record that the policy's steps up to day `done` ran, and when the next one is due (none: no more)."""
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
        schedule_next(subscription, policy, 0)
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
