"""`staffSubscriptionCancel`: staff end a subscription now or at a period end, with or without a credit."""

from __future__ import annotations

from functools import partial
from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.enums import CancelEffectEnum, enum_value
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionCancel(StaffSubscriptionMutation):
    """Cancels any subscription of the shop (BILLING_RULES §1, §7, §8). `effect: IMMEDIATELY` ends it today,
    whatever the plan's notice or minimum term; `PERIOD_END` at the end of the period containing today plus
    the notice, no earlier than the end of the minimum term; default: the plan's cancel effect. An immediate
    end of an active subscription credits the paid, unused part of the period as a credit note when `credit`
    (default: the plan's `cancelCredit`)."""

    class Arguments:
        id = graphene.ID(required=True)
        effect = CancelEffectEnum(description="When it ends; default: as the plan says.")
        credit = graphene.Boolean(
            description="Ending now: credit the unused part of the paid period; default: as the plan says."
        )
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return partial(
            lifecycle.cancel_subscription, effect=enum_value(data.get("effect")), credit=data.get("credit")
        )
