"""`staffDiscountCodeCreate`: staff make a discount code (BILLING_RULES §9)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.staff_discount_code_base import (
    StaffDiscountCodeMutation,
    domain_values,
)
from saleor_subscriptions.api.types.discount_codes import DiscountCodeCreateInput
from saleor_subscriptions.discounts.editing import REASON_MAX, create_code
from saleor_subscriptions.discounts.models import DiscountCode


class StaffDiscountCodeCreate(StaffDiscountCodeMutation):
    """Makes a code: a percentage or a fixed amount off, once, for N invoices or forever, on the recurring
    price, the setup fee or both, optionally limited to plans, to a number of redemptions in all and per
    customer, and to dates. Event `created` with every value, naming the staff user."""

    class Arguments:
        input = DiscountCodeCreateInput(required=True)
        reason = graphene.String(
            description=f"Why, kept on the code's event (at most {REASON_MAX} characters)."
        )

    input_prefix = "input."

    @classmethod
    def act(cls, context: ApiContext, staff: Staff, data: dict[str, Any]) -> DiscountCode:
        return create_code(
            context.principal.shop(),
            domain_values(data["input"]),
            actor_id=staff.user_id,
            reason=data.get("reason") or "",
        )
