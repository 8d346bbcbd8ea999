"""`staffSubscriptionReactivate`: staff bring a cancelled subscription back, a new period billed now."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.lifecycle.self_service import Action
from saleor_subscriptions.renewals.reactivation import reactivate_and_bill
from saleor_subscriptions.subscriptions.models import Subscription


def _reactivate(subscription: Subscription, **who: Any) -> Subscription:
    back, _invoice = reactivate_and_bill(subscription, actor_id=who["actor_id"], reason=who["reason"])
    return back


class StaffSubscriptionReactivate(StaffSubscriptionMutation):
    """Brings a cancelled subscription back within its reactivation window (BILLING_RULES §6.6, §7): active
    again with a new period from today, whose invoice is opened now (in `openInvoices`) and charged on the
    saved payment method by the renewal runner's sweeper within minutes; a declined charge starts the
    dunning. A lapsed sign-up or an expired subscription never comes back."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = staff_reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return _reactivate
