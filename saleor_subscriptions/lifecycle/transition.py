"""What every lifecycle action does the same way: lock the row, ask the transition table, write the event.

Each action runs in one transaction that first re-reads its subscription with `SELECT … FOR UPDATE`, so two
actions on one subscription run one after the other and the second sees the state the first left.
`transition_step` is that frame: lock, now, (the action asks the table and changes the row), save, event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from saleor_subscriptions.billing.states import (
    Actor,
    SubscriptionStatus,
    Transition,
    TransitionRefused,
    TransitionRules,
    check_transition,
)
from saleor_subscriptions.subscriptions.calendar import local_today
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.subscriptions.rules import rules_for

SubscriptionRef = Subscription | int
"""A subscription, or its primary key."""


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


@dataclass
class TransitionStep:
    """One lifecycle action under way: the locked `subscription`, the `moment` it happens and the state
    `before`. The action asks the table (`allow`, or `enter` to take the target state), changes the row,
    and fills `data` (the event's figures); `transition` may be changed while the action decides which it
    is, and `reason` is the event's."""

    subscription: Subscription
    moment: Moment
    before: SubscriptionStatus
    transition: Transition
    actor: Actor
    actor_id: str
    reason: str
    data: dict[str, Any] = field(default_factory=dict)
    asked: bool = False

    def allow(self, rules: TransitionRules | None = None) -> SubscriptionStatus:
        """The target state of the transition, or the table's refusal (a `LifecycleError`)."""
        target = allowed(self.subscription, self.transition, self.actor, self.moment.today, rules)
        self.asked = True
        return target

    def enter(self, rules: TransitionRules | None = None) -> None:
        """Ask the table and move the subscription to the target state."""
        self.subscription.status = self.allow(rules).value


@contextmanager
def transition_step(
    subscription: SubscriptionRef,
    transition: Transition,
    *,
    actor: Actor,
    actor_id: str = "",
    reason: str = "",
) -> Iterator[TransitionStep]:
    """The frame of a lifecycle action, in one transaction: the subscription locked and the moment read
    before the body; the row saved and its one event written after it (§5). A refusal raised in the body
    changes nothing. The body must ask the table (`step.allow()` or `step.enter()`)."""
    with transaction.atomic():
        sub = lock(subscription)
        step = TransitionStep(
            subscription=sub,
            moment=moment_of(sub),
            before=sub.state,
            transition=transition,
            actor=actor,
            actor_id=actor_id,
            reason=reason,
        )
        yield step
        if not step.asked:
            raise RuntimeError(f"{step.transition} was not checked against the transition table")
        sub.save()
        record_event(
            sub,
            step.transition,
            actor=actor,
            actor_id=actor_id,
            from_status=step.before,
            at=step.moment.now,
            reason=step.reason,
            data=step.data,
        )
