"""What every staff action on a subscription does the same way: the dashboard's token with `MANAGE_ORDERS`,
the subscription named by `id` in the caller's shop (any customer's, in any state), one lifecycle call with
the staff user as actor, and the answer `{subscription, errors}`.

A staff user may do what a customer may not (BILLING_RULES §1, §7: "an admin can always" cancel, pause,
skip), so the lifecycle's customer guards do not apply; its state table and its checks of the arguments do,
and come back in `errors` with the lifecycle's code and the argument they name. Every change writes its event
with actor `staff` and the Saleor user id of the staff user; a refused action changes nothing.
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.base import input_name
from saleor_subscriptions.api.mutations.subscription_mutation import SubscriptionMutation, reloaded
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.lifecycle.self_service import (
    INVALID_REASON,
    NOT_FOUND,
    REASON_MAX,
    CustomerRequestRefused,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription

STAFF_ORDERS_PERMISSION = "MANAGE_ORDERS"
"""What the dashboard's token must carry to act on subscriptions and invoices (Saleor guards orders so)."""


def staff_reason_argument() -> graphene.String:
    return graphene.String(
        description=f"Why, kept on the subscription's event (at most {REASON_MAX} characters)."
    )


def shop_subscription(context: ApiContext, shown_id: str) -> Subscription | None:
    """The subscription `shown_id` names in the caller's shop; None when it is not one of the shop's."""
    pk = parse_subscription_id(shown_id)
    if pk is None:
        return None
    return (
        Subscription.objects.filter(installation=context.principal.shop(), pk=pk)
        .select_related("installation", "plan_version__plan")
        .first()
    )


class StaffSubscriptionMutation(SubscriptionMutation):
    """The shop's subscription named by `id`, one lifecycle action on it by the staff user, and the answer."""

    class Meta:
        abstract = True

    permissions = (STAFF_ORDERS_PERMISSION,)
    scope = Scope.WRITE

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        found = shop_subscription(context, data["id"])
        if found is None:
            return cls.refused("id", NOT_FOUND, f"no subscription of this shop has the id {data['id']!r}")
        reason = data.get("reason") or ""
        if len(reason) > REASON_MAX:
            return cls.refused(
                "reason", INVALID_REASON, f"at most {REASON_MAX} characters, not {len(reason)}"
            )
        return cls.act(found, data, staff.user_id, reason)

    @classmethod
    def act(cls, found: Subscription, data: dict[str, Any], user_id: str, reason: str) -> Any:
        """Runs the action on the subscription found, with the staff user `user_id` as actor."""
        try:
            changed = cls.action(data)(found, actor=Actor.STAFF, actor_id=user_id, reason=reason)
        except CustomerRequestRefused as refused:
            return cls.refused(input_name(refused.field), refused.code.value, refused.message)
        except LifecycleError as refused:
            return cls.lifecycle_refused(refused)
        return cls.answered(reloaded(changed), data)

    @classmethod
    def answered(cls, subscription: Subscription, data: dict[str, Any]) -> Any:
        """The payload of a change that was made."""
        return cls(subscription=subscription, errors=[])
