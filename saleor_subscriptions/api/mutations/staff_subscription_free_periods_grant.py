"""`staffSubscriptionFreePeriodsGrant`: staff give a subscription its next periods free."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action


class StaffSubscriptionFreePeriodsGrant(StaffSubscriptionMutation):
    """The next `periods` periods of an active subscription are not billed (BILLING_RULES §7); it stays
    active and its billing dates do not move. Periods already skipped or free are not counted twice: the
    next ones that are billed become free."""

    class Arguments:
        id = graphene.ID(required=True)
        periods = graphene.Int(required=True, description="How many periods, 1 to 120.")
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.grant_free_periods(sub, data["periods"], **who)
