"""`staffSubscriptionQuantityChange`: staff change the number of units of a subscription."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionQuantityChange(StaffSubscriptionMutation):
    """Changes the number of units (BILLING_RULES §7): an increase now, the rest of the period charged pro
    rata on a change invoice; a decrease at the end of the period; the current quantity takes back a pending
    decrease."""

    class Arguments:
        id = graphene.ID(required=True)
        quantity = graphene.Int(required=True, description="At least 1.")
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.change_quantity(sub, data["quantity"], **who)
