"""`staffDiscountCodeUpdate`: staff change a discount code (BILLING_RULES §9)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.staff_discount_code_base import (
    StaffDiscountCodeMutation,
    domain_values,
    shop_code,
)
from saleor_subscriptions.api.types.discount_codes import DiscountCodeUpdateInput
from saleor_subscriptions.discounts.editing import REASON_MAX, update_code
from saleor_subscriptions.discounts.models import DiscountCode


class StaffDiscountCodeUpdate(StaffDiscountCodeMutation):
    """Changes what is given (null: unchanged; `clear` sets limits, dates and plans back to none), checked
    as a whole. What a code takes off (kind, percent, amount, currency, duration, target) cannot change once
    it is on a subscription (`CODE_REDEEMED`); its plans, limits, dates and activity may. Event `updated`
    with each change (before, after), naming the staff user."""

    class Arguments:
        id = graphene.ID(required=True, description="The code's global id (`DiscountCode:<id>`).")
        input = DiscountCodeUpdateInput(required=True)
        reason = graphene.String(
            description=f"Why, kept on the code's event (at most {REASON_MAX} characters)."
        )

    input_prefix = "input."

    @classmethod
    def act(cls, context: ApiContext, staff: Staff, data: dict[str, Any]) -> DiscountCode:
        found = shop_code(context, data["id"])
        if found is None:
            raise cls.not_found(data["id"])
        return update_code(
            found, domain_values(data["input"]), actor_id=staff.user_id, reason=data.get("reason") or ""
        )
