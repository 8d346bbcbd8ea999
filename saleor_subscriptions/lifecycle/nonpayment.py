"""A renewal that is not paid: past due, suspended, settled, or cancelled for nonpayment (§5, §6)."""

from __future__ import annotations

from datetime import date

from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import SubscriptionRef, transition_step
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import NONPAYMENT


def mark_past_due(
    subscription: SubscriptionRef,
    *,
    actor: Actor = Actor.SYSTEM,
    actor_id: str = "",
    due_on: date | None = None,
    reason: str = "renewal payment failed",
) -> Subscription:
    """A renewal charge failed: `past_due` since the unpaid invoice's due date (`due_on`, default today);
    access continues (§5, §6.1)."""
    with transition_step(
        subscription, Transition.MARK_PAST_DUE, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        sub.past_due_since = due_on or step.moment.today
        sub.dunning_days_done = None
        step.data = {"past_due_since": sub.past_due_since}
    return sub


def suspend_subscription(
    subscription: SubscriptionRef,
    *,
    actor: Actor = Actor.SYSTEM,
    actor_id: str = "",
    due_on: date | None = None,
    reason: str = "payment overdue",
) -> Subscription:
    """Stop access ("on hold") while a payment is overdue: day 7 of dunning, or at the first failure when
    the policy says `suspend` (§5, §6.3); the schedule is kept."""
    with transition_step(
        subscription, Transition.SUSPEND, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        sub.suspended_at = step.moment.now
        if sub.past_due_since is None:
            sub.past_due_since = due_on or step.moment.today
        step.data = {"past_due_since": sub.past_due_since}
    return sub


def settle_subscription(
    subscription: SubscriptionRef,
    *,
    actor: Actor = Actor.APP,
    actor_id: str = "",
    reason: str = "paid what was owed",
) -> Subscription:
    """What was owed is paid (saved card, pay page, or an admin marking it paid): `active` again on the
    original schedule, with no free days and no shifted dates (§5)."""
    with transition_step(
        subscription, Transition.SETTLE, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        step.data = {"past_due_since": sub.past_due_since, "next_billing_at": sub.next_billing_at}
        sub.past_due_since = None
        sub.suspended_at = None
        sub.dunning_days_done = None
    return sub


def cancel_for_nonpayment(
    subscription: SubscriptionRef, *, actor: Actor = Actor.SYSTEM, actor_id: str = ""
) -> Subscription:
    """Dunning ran out (day 21): `cancelled` with reason "nonpayment", and its open invoices become
    `uncollectible`; the customer may still pay to reactivate within the reactivation window (§6.5, §6.6)."""
    with transition_step(
        subscription, Transition.CANCEL_FOR_NONPAYMENT, actor=actor, actor_id=actor_id, reason=NONPAYMENT
    ) as step:
        sub, now = step.subscription, step.moment.now
        step.enter()
        sub.cancel_reason = NONPAYMENT
        sub.cancel_at_period_end = False
        sub.cancelled_at = sub.ended_at = now
        sub.next_billing_at = None
        closed = list(
            Invoice.objects.filter(subscription=sub, status=Invoice.Status.OPEN).values_list("pk", flat=True)
        )
        Invoice.objects.filter(pk__in=closed).update(status=Invoice.Status.UNCOLLECTIBLE, closed_at=now)
        step.data = {"past_due_since": sub.past_due_since, "uncollectible_invoices": closed}
    return sub
