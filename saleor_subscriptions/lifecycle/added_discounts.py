"""A discount code an admin puts on a running subscription without a plan switch (BILLING_RULES §9: "a code
on an existing subscription without a switch is an admin action").

The code is checked as at sign-up (`usable_code`: active, within its dates, for the subscription's plan and
currency, under its redemption limits, not on the subscription already) and redeemed now; the renewals apply
it from the next invoice for its duration (`once`, `repeating` N periods, `forever`). A subscription carries
one code at a time: a code it still carries is ended (replaced) by the new one.
"""

from __future__ import annotations

from django.db import transaction

from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.discounts.models import DiscountRedemption
from saleor_subscriptions.lifecycle.discounts import redeem, usable_code
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    lock,
    moment_of,
    record_event,
    refuse,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

DISCOUNT_CODE_ADDED = "discount_code_added"
"""The kind of the event (who, why, the code, the code it replaced)."""

RUNNING = frozenset(
    {
        SubscriptionStatus.TRIALING,
        SubscriptionStatus.ACTIVE,
        SubscriptionStatus.PAST_DUE,
        SubscriptionStatus.SUSPENDED,
        SubscriptionStatus.PAUSED,
    }
)


def add_discount_code(
    subscription: SubscriptionRef, code: str, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """Put the shop's discount code `code` (any case) on a running subscription from its next invoice on
    (§9); only staff do. Refused `discount_code_invalid` (field `discount_code`) when the code may not be
    used on it, `not_allowed_in_state` when the subscription has ended or was never paid."""
    if actor is not Actor.STAFF:
        raise refuse(LifecycleErrorCode.ACTOR_NOT_ALLOWED, "only staff add a code to a running subscription")
    with transaction.atomic():
        sub = lock(subscription)
        moment = moment_of(sub)
        before = sub.state
        if before not in RUNNING:
            raise refuse(LifecycleErrorCode.NOT_ALLOWED_IN_STATE, f"a {before} subscription takes no code")
        found = usable_code(sub, sub.plan_version, code, moment.now)
        carried = DiscountRedemption.objects.select_for_update().filter(
            subscription=sub, ended_at__isnull=True
        )
        replaced = sorted(carried.values_list("code__code", flat=True))
        carried.update(ended_at=moment.now)
        redeem(sub, found, moment.now)
        record_event(
            sub,
            DISCOUNT_CODE_ADDED,
            actor=actor,
            actor_id=actor_id,
            from_status=before,
            at=moment.now,
            reason=reason,
            data={"discount_code": found.code, "replaced": replaced},
        )
    return sub
