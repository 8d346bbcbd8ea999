"""`staffSubscriptionPause`: staff pause a subscription for N periods or until resumed."""

from __future__ import annotations

from functools import partial
from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionPause(StaffSubscriptionMutation):
    """Pauses an active subscription, whether or not its plan lets customers pause (BILLING_RULES §1, §7):
    the period already paid runs on, the next `periods` periods are not billed, or none until resumed."""

    class Arguments:
        id = graphene.ID(required=True)
        periods = graphene.Int(description="How many periods to pause, at least 1; default: until resumed.")
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return partial(lifecycle.pause_subscription, periods=data.get("periods"))
