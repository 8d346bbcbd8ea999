"""`staffSubscriptionPriceChange`: staff move one subscription to a newer version of its plan (a price change,
announced first)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.lifecycle.self_service import (
    Action,
    CustomerRequestCode,
    CustomerRequestRefused,
)
from saleor_subscriptions.subscriptions.models import Subscription


def _version_of_its_plan(subscription: Subscription, number: int) -> PlanVersion:
    found = PlanVersion.objects.filter(plan_id=subscription.plan_version.plan_id, version=number).first()
    if found is None:
        message = f"the plan has no version {number}"
        raise CustomerRequestRefused("version", CustomerRequestCode.PLAN_NOT_FOUND, message)
    return found


class StaffSubscriptionPriceChange(StaffSubscriptionMutation):
    """Moves the subscription to another version of its own plan (BILLING_RULES §1): the customer is told now
    (the price-change notice email), and the version applies from the first period boundary on or after
    `effectiveOn` (default and earliest: today + the version's `priceChangeNoticeDays`); until then
    `pendingPlan` shows it. The billing dates stay (a version on another interval or day is a plan switch).
    For every subscriber of a plan at once: `planUpdate` with `migrateSubscriptions`."""

    class Arguments:
        id = graphene.ID(required=True)
        version = graphene.Int(required=True, description="The number of the version of its plan.")
        effective_on = graphene.Date(
            description="The day from which; default: the earliest the notice allows."
        )
        reason = staff_reason_argument()

    fields = {"new_version": "version"}

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.move_to_version(
            sub, _version_of_its_plan(sub, data["version"]), effective_on=data.get("effective_on"), **who
        )
