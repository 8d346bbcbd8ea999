"""What every lifecycle action does the same way: lock the row, ask the transition table, write the event.

Each action runs in one transaction that first re-reads its subscription with `SELECT … FOR UPDATE`, so two
actions on one subscription run one after the other and the second sees the state the first left.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.states import (
    Actor,
    SubscriptionStatus,
    Transition,
    TransitionRefused,
    TransitionRules,
    check_transition,
)
from saleor_subscriptions.subscriptions.calendar import local_today, minimum_term_end_of
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent

SubscriptionRef = Subscription | int
"""A subscription, or its primary key."""

LAPSED = "lapsed"
NONPAYMENT = "nonpayment"


@dataclass(frozen=True)
class Moment:
    """The instant an action happens (the installation's clock) and its local date for the subscription."""

    now: datetime
    today: date


def lock(subscription: SubscriptionRef) -> Subscription:
    """The subscription re-read under a row lock held until the surrounding transaction ends."""
    pk = subscription.pk if isinstance(subscription, Subscription) else subscription
    return (
        Subscription.objects.select_for_update(of=("self",))
        .select_related("installation", "plan_version__plan")
        .get(pk=pk)
    )


def moment_of(subscription: Subscription) -> Moment:
    """Now on the installation's clock (a sandbox's test clock), and the local date of now (§2)."""
    now = subscription.installation.now()
    return Moment(now=now, today=local_today(subscription, now))


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


def allowed(
    subscription: Subscription,
    transition: Transition,
    actor: Actor,
    today: date,
    rules: TransitionRules | None = None,
) -> SubscriptionStatus:
    """The target state of `transition`, or the table's refusal as a `LifecycleError` (§5)."""
    try:
        return check_transition(
            subscription.state, transition, actor, rules or rules_for(subscription, today)
        )
    except TransitionRefused as refused:
        raise LifecycleError.from_refusal(refused) from refused


def refuse(code: LifecycleErrorCode, message: str, field: str | None = None) -> LifecycleError:
    """A refusal of an action's arguments (not of the transition table), to raise."""
    return LifecycleError(code, message, field)


def _jsonable(value: Any) -> Any:
    if isinstance(value, Decimal | date | datetime):
        return str(value) if isinstance(value, Decimal) else value.isoformat()
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def record_event(
    subscription: Subscription,
    kind: Transition | str,
    *,
    actor: Actor,
    actor_id: str,
    from_status: SubscriptionStatus | str,
    at: datetime,
    reason: str = "",
    data: dict[str, Any] | None = None,
) -> SubscriptionEvent:
    """The one event of a change: when, who, from which state to which, why, and the figures (§5)."""
    return SubscriptionEvent.objects.create(
        installation_id=subscription.installation_id,
        subscription=subscription,
        at=at,
        actor_type=actor.value,
        actor_id=actor_id,
        kind=str(kind),
        from_status=str(from_status),
        to_status=subscription.status,
        reason=reason[:200],
        data=_jsonable(data or {}),
    )
