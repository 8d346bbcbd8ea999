"""`staffSubscriptionSkipNextPeriod`: staff skip a subscription's next period."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionSkipNextPeriod(StaffSubscriptionMutation):
    """Skips the next period of an active subscription (not billed; it stays active), whether or not its
    plan lets customers skip."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.skip_next_period
