"""What a signed-in customer may do to their own subscriptions, the same for every face that offers it (the
GraphQL API, the hosted portal): which subscriptions are theirs, the checks made before the lifecycle is
asked (a reason of bounded length, a plan of the shop), and the call itself with the customer as actor.
The lifecycle functions decide the rest (BILLING_RULES §1, §5, §7).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import Any

from django.db.models import QuerySet

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.lifecycle.changes import SwitchPreview, Timing
from saleor_subscriptions.lifecycle.transition import allowed, moment_of
from saleor_subscriptions.subscriptions.models import Subscription


class CustomerRequestCode(StrEnum):
    NOT_FOUND = "not_found"
    INVALID_REASON = "invalid_reason"
    PLAN_NOT_FOUND = "plan_not_found"


NOT_FOUND = CustomerRequestCode.NOT_FOUND.value
INVALID_REASON = CustomerRequestCode.INVALID_REASON.value
REASON_MAX = 200

Action = Callable[..., Subscription]
"""A lifecycle call: the customer's subscription and, as keywords, who asks and why (`actor`, `actor_id`,
`reason`, the same for every action); the subscription after."""


class CustomerRequestRefused(CodedError):
    """A customer's request refused before the lifecycle is asked; `field` is the domain's name."""

    code: CustomerRequestCode
    field: str

    def __init__(self, field: str, code: CustomerRequestCode, message: str) -> None:
        super().__init__(code, message, field)


def customer_subscriptions(installation_id: int, user_id: str) -> QuerySet[Subscription]:
    """The subscriptions of the Saleor user `user_id` in one shop, without those whose checkout was never
    paid. A guest's subscription (no user) is never among them."""
    if not user_id:
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(installation_id=installation_id, customer_user_id=user_id)
        .exclude(status="incomplete")
        .select_related("installation", "plan_version__plan", "pending_plan_version__plan")
    )


def act_for_customer(
    subscription: Subscription, action: Action, *, user_id: str, reason: str
) -> Subscription:
    """Runs `action` on the customer's own subscription with the customer as actor; a reason longer than
    REASON_MAX is refused first. LifecycleError passes through with the lifecycle's code."""
    if len(reason) > REASON_MAX:
        message = f"at most {REASON_MAX} characters, not {len(reason)}"
        raise CustomerRequestRefused("reason", CustomerRequestCode.INVALID_REASON, message)
    return action(subscription, actor=Actor.CUSTOMER, actor_id=user_id, reason=reason)


def switch_target(subscription: Subscription, plan_pk: int | None, shown_id: str) -> PlanVersion:
    """The current version of the plan `plan_pk` in the subscription's shop; refused naming `plan_id` when
    there is none (whether it may be switched to is the lifecycle's to say)."""
    plan = (
        Plan.objects.filter(installation_id=subscription.installation_id, pk=plan_pk).first()
        if plan_pk is not None
        else None
    )
    version = plan.versions.order_by("-version").first() if plan is not None else None
    if plan is None or version is None:
        raise CustomerRequestRefused(
            "plan_id", CustomerRequestCode.PLAN_NOT_FOUND, f"no plan of this shop has the id {shown_id!r}"
        )
    version.plan = plan
    return version


def preview_customer_switch(
    subscription: Subscription, version: PlanVersion, *, timing: Timing | None, discount_code: str | None
) -> SwitchPreview:
    """What the switch would charge or credit, refused as the switch itself would be: only a trialing or
    active subscription changes plans (§7)."""
    allowed(subscription, Transition.SWITCH_PLAN, Actor.CUSTOMER, moment_of(subscription).today)
    return lifecycle.preview_switch(subscription, version, timing=timing, discount_code=discount_code)


def switch_for_customer(version: PlanVersion, *, timing: Timing | None, discount_code: str | None) -> Action:
    """The switch to `version` as an Action."""

    def switch(subscription: Subscription, **who: Any) -> Subscription:
        return lifecycle.switch_plan(subscription, version, timing=timing, discount_code=discount_code, **who)

    return switch
