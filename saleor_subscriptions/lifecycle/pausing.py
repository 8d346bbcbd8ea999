"""Pausing, resuming and skipping a period (BILLING_RULES §7)."""

from __future__ import annotations

from saleor_subscriptions.billing.bounds import MAX_PAUSE_PERIODS
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.lifecycle.transition import SubscriptionRef, refuse, transition_step
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription


def pause_subscription(
    subscription: SubscriptionRef,
    *,
    actor: Actor,
    actor_id: str = "",
    periods: int | None = None,
    reason: str = "",
) -> Subscription:
    """Pause for `periods` periods, or until resumed when None (§7): the period already paid is kept, and
    the next `periods` periods are not billed; a customer needs the plan's `customer_can_pause` (§1)."""
    if periods is not None and not 1 <= periods <= MAX_PAUSE_PERIODS:
        message = f"pause for 1 to {MAX_PAUSE_PERIODS} periods, not {periods:,}"
        raise refuse(LifecycleErrorCode.INVALID_PAUSE_PERIODS, message, "periods")
    with transition_step(
        subscription, Transition.PAUSE, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        sub.paused_at = step.moment.now
        sub.pause_periods_remaining = periods
        step.data = {"periods": periods, "next_billing_at": sub.next_billing_at}
    return sub


def resume_subscription(
    subscription: SubscriptionRef, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """End a pause (§7): the subscription is `active` again and billed from the start of its next period on
    its own calendar; the rest of the paused period stays free."""
    with transition_step(
        subscription, Transition.RESUME, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        step.data = {"paused_at": sub.paused_at, "next_billing_at": sub.next_billing_at}
        sub.paused_at = None
        sub.pause_periods_remaining = None
    return sub


def skip_next_period(
    subscription: SubscriptionRef, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """Skip the next period (§7): it is not billed, and the subscription stays `active`; a customer needs the
    plan's `customer_can_pause` (§1). Its number goes to `skip_periods` for the renewal to pass over."""
    with transition_step(
        subscription, Transition.SKIP, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.allow()
        skipped = sub.current_period_index + 1
        if skipped in sub.skip_periods:
            raise refuse(LifecycleErrorCode.ALREADY_SKIPPED, "the next period is already skipped")
        sub.skip_periods = sorted([*sub.skip_periods, skipped])
        step.data = {"period_index": skipped}
    return sub
