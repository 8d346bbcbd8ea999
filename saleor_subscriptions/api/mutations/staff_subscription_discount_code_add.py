"""`staffSubscriptionDiscountCodeAdd`: staff put a discount code on a running subscription."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionDiscountCodeAdd(StaffSubscriptionMutation):
    """Puts one of the shop's discount codes on a running subscription without a plan switch (BILLING_RULES
    §9): checked as at sign-up, redeemed now, applied by the renewals from the next invoice for the code's
    duration. A code the subscription still carries is replaced."""

    class Arguments:
        id = graphene.ID(required=True)
        discount_code = graphene.String(required=True, description="The code, in any case.")
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.add_discount_code(sub, data["discount_code"], **who)
