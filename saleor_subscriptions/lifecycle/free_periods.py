"""Free periods an admin grants (BILLING_RULES §7: "an admin may also … grant free periods").

A free period is passed over by the renewals exactly as a skipped one (§7): no invoice, no charge, and the
subscription stays active; its calendar is unchanged, so the periods after it bill on their usual dates. The
periods granted are the next ones after the current period that are not already skipped or free.
"""

from __future__ import annotations

from django.db import transaction

from saleor_subscriptions.billing.bounds import MAX_PAUSE_PERIODS
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    allowed,
    lock,
    moment_of,
    record_event,
    refuse,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

FREE_PERIODS_GRANTED = "free_periods_granted"
"""The kind of the event of a grant (who, why, which period numbers)."""


def grant_free_periods(
    subscription: SubscriptionRef, periods: int, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """The next `periods` periods (1 to MAX_PAUSE_PERIODS) of an active subscription are not billed (§7);
    only staff grant them. Their numbers join `skip_periods`, which the renewals pass over."""
    if not 1 <= periods <= MAX_PAUSE_PERIODS:
        message = f"grant 1 to {MAX_PAUSE_PERIODS} free periods, not {periods:,}"
        raise refuse(LifecycleErrorCode.INVALID_FREE_PERIODS, message, "periods")
    if actor is not Actor.STAFF:
        raise refuse(LifecycleErrorCode.ACTOR_NOT_ALLOWED, "only staff grant free periods")
    with transaction.atomic():
        sub = lock(subscription)
        moment = moment_of(sub)
        before = sub.state
        allowed(sub, Transition.SKIP, actor, moment.today)
        taken = set(sub.skip_periods)
        granted: list[int] = []
        index = sub.current_period_index + 1
        while len(granted) < periods:
            if index not in taken:
                granted.append(index)
            index += 1
        sub.skip_periods = sorted(taken | set(granted))
        sub.save(update_fields=["skip_periods", "updated_at"])
        record_event(
            sub,
            FREE_PERIODS_GRANTED,
            actor=actor,
            actor_id=actor_id,
            from_status=before,
            at=moment.now,
            reason=reason,
            data={"periods": periods, "period_indexes": granted},
        )
    return sub
