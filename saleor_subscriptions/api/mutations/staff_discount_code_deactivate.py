"""`staffDiscountCodeDeactivate`: staff stop a discount code for new customers (BILLING_RULES §9)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.staff_discount_code_base import StaffDiscountCodeMutation, shop_code
from saleor_subscriptions.discounts.editing import REASON_MAX, deactivate_code
from saleor_subscriptions.discounts.models import DiscountCode


class StaffDiscountCodeDeactivate(StaffDiscountCodeMutation):
    """The code is refused from now on to new sign-ups, switches and staff additions; the subscriptions
    carrying it keep it for its duration. `staffDiscountCodeUpdate` with `active: true` is not offered: a
    deactivated code stays so. Event `deactivated`, naming the staff user."""

    class Arguments:
        id = graphene.ID(required=True, description="The code's global id (`DiscountCode:<id>`).")
        reason = graphene.String(
            description=f"Why, kept on the code's event (at most {REASON_MAX} characters)."
        )

    @classmethod
    def act(cls, context: ApiContext, staff: Staff, data: dict[str, Any]) -> DiscountCode:
        found = shop_code(context, data["id"])
        if found is None:
            raise cls.not_found(data["id"])
        return deactivate_code(found, actor_id=staff.user_id, reason=data.get("reason") or "")
