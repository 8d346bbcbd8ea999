"""`staffSubscriptionResume`: staff end a pause."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionResume(StaffSubscriptionMutation):
    """Ends a pause: billed again from the start of the next period of its own calendar."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.resume_subscription
