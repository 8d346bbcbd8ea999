"""`staffSubscriptionCancelUndo`: staff take back a pending cancellation."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionCancelUndo(StaffSubscriptionMutation):
    """Takes back a cancellation that has not taken effect yet (up to the day before `cancelAt`)."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lifecycle.undo_cancel
