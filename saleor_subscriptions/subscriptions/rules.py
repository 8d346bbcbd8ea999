"""What the transition table (`billing.states`) needs to know of one subscription, and what it says of it:
the plan's guards as plain facts (`rules_for`), the reactivation window (BILLING_RULES §1, §5, §6.6)."""

from __future__ import annotations

from datetime import date

from saleor_subscriptions.billing.states import (
    Actor,
    SubscriptionStatus,
    Transition,
    TransitionRefused,
    TransitionRules,
    check_transition,
)
from saleor_subscriptions.subscriptions.calendar import local_today, minimum_term_end_of
from saleor_subscriptions.subscriptions.models import Subscription

LAPSED = "lapsed"
"""The cancel reason of a sign-up whose first payment never came."""
NONPAYMENT = "nonpayment"
"""The cancel reason of a subscription whose dunning ran out."""
ENDED = ("cancelled", "expired")
"""The statuses after which a subscription never bills again."""


def reactivation_deadline(subscription: Subscription) -> date | None:
    """The last day a cancelled subscription may come back (§6.6); a lapsed sign-up never comes back."""
    if subscription.cancelled_at is None or subscription.cancel_reason == LAPSED:
        return None
    policy = subscription.plan_version.dunning_policy()
    return policy.reactivation_deadline(local_today(subscription, subscription.cancelled_at))


def rules_for(subscription: Subscription, today: date) -> TransitionRules:
    """The plain facts the transition guards need, read from the subscription, its plan version (§1) and the
    shop's self-service rights, which can only narrow what a plan lets its customers do."""
    version = subscription.plan_version
    shop = subscription.installation
    cancel_mode = shop.self_service_cancel
    return TransitionRules(
        customer_can_cancel=version.customer_can_cancel and cancel_mode != shop.CancelMode.DISABLED,
        customer_can_pause=version.customer_can_pause and shop.self_service_pause,
        customer_can_switch=shop.self_service_switch,
        customer_can_change_quantity=shop.self_service_quantity,
        customer_cancels_immediately=(
            version.cancel_effect == version.CancelEffect.IMMEDIATELY
            and cancel_mode != shop.CancelMode.PERIOD_END
        ),
        cancel_notice_days=version.cancel_notice_days,
        today=today,
        minimum_term_end=minimum_term_end_of(subscription),
        cancel_pending=subscription.cancel_at_period_end,
        reactivation_deadline=(
            reactivation_deadline(subscription)
            if subscription.state is SubscriptionStatus.CANCELLED
            else None
        ),
    )


def can_still_reactivate(subscription: Subscription) -> bool:
    """Whether paying still keeps (or brings back) the subscription: always unless it was cancelled and its
    reactivation window has closed (§6.6); then a payment would only be refunded."""
    if subscription.state is not SubscriptionStatus.CANCELLED:
        return True
    today = local_today(subscription, subscription.installation.now())
    try:
        check_transition(
            subscription.state, Transition.REACTIVATE, Actor.CUSTOMER, rules_for(subscription, today)
        )
    except TransitionRefused:
        return False
    return True
