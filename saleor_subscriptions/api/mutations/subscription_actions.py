"""What a signed-in customer does to their own subscription from the storefront: cancel (and take it back),
pause, resume, skip the next period. Each needs a customer access token and the subscription's id; another
customer's subscription is `NOT_FOUND`, as one that does not exist. The plan's terms decide what is allowed
(BILLING_RULES §1, §5, §7): a refusal comes back in `errors` with the lifecycle's code. Every change writes
its event (actor `customer`, the Saleor user id); the emails follow from the events (docs/notifications.md).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import CancelEffectEnum, enum_value
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.base import input_name
from saleor_subscriptions.api.mutations.subscription_mutation import SubscriptionMutation, reloaded
from saleor_subscriptions.api.queries.subscriptions import customers_subscriptions
from saleor_subscriptions.lifecycle.self_service import (
    NOT_FOUND,
    REASON_MAX,
    Action,
    act_for_customer,
)
from saleor_subscriptions.lifecycle.self_service import CustomerRequestRefused as ArgumentRefused
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription

__all__ = ["Action", "ArgumentRefused", "CustomerSubscriptionMutation", "reason_argument"]


class CustomerSubscriptionMutation(SubscriptionMutation):
    """The customer's subscription named by `id`, one lifecycle action on it, and the answer."""

    class Meta:
        abstract = True

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        customer = context.principal.require_customer()
        pk = parse_subscription_id(data["id"])
        found = (
            customers_subscriptions(context.principal.shop(), customer).filter(pk=pk).first()
            if pk is not None
            else None
        )
        if found is None:
            return cls.refused("id", NOT_FOUND, f"no subscription of yours has the id {data['id']!r}")
        try:
            changed = act_for_customer(
                found, cls.action(data), user_id=customer.user_id, reason=data.get("reason") or ""
            )
        except ArgumentRefused as refused:
            return cls.refused(input_name(refused.field), refused.code.value, refused.message)
        except LifecycleError as refused:
            return cls.lifecycle_refused(refused)
        return cls.answered(reloaded(changed))

    @classmethod
    def answered(cls, subscription: Subscription) -> Any:
        """The payload of a change that was made."""
        return cls(subscription=subscription, errors=[])


def reason_argument() -> graphene.String:
    return graphene.String(description=f"Why, in the customer's words (at most {REASON_MAX} characters).")


class SubscriptionCancel(CustomerSubscriptionMutation):
    """Cancels the subscription. By default as the plan says: at the end of the period that contains today
    plus the notice, no earlier than the end of the minimum term (`cancelAt` tells the day), or at once
    when the plan cancels immediately. `effect: IMMEDIATELY` asks to end it today, which the plan must
    allow. A subscription on hold for nonpayment can be cancelled too."""

    class Arguments:
        id = graphene.ID(required=True)
        effect = CancelEffectEnum(description="When it ends; default: as the plan says.")
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return partial(lifecycle.cancel_subscription, effect=enum_value(data.get("effect")))


class SubscriptionCancelUndo(CustomerSubscriptionMutation):
    """Takes back a cancellation that has not taken effect yet (up to the day before `cancelAt`)."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.undo_cancel


class SubscriptionPause(CustomerSubscriptionMutation):
    """Pauses the subscription (the plan must let customers pause): the period already paid runs on, the
    next `periods` periods are not billed, or none until resumed when `periods` is not given."""

    class Arguments:
        id = graphene.ID(required=True)
        periods = graphene.Int(description="How many periods to pause, at least 1; default: until resumed.")
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return partial(lifecycle.pause_subscription, periods=data.get("periods"))


class SubscriptionResume(CustomerSubscriptionMutation):
    """Ends a pause: billed again from the start of the next period of its own calendar."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.resume_subscription


class SubscriptionSkipNextPeriod(CustomerSubscriptionMutation):
    """Skips the next period (not billed; the plan must let customers pause); it stays active."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.skip_next_period
