"""`staffSubscriptionCreditGrant`: staff give a subscription's customer credit, as goodwill."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.lifecycle.credit_grants import CREDIT_GRANTED
from saleor_subscriptions.lifecycle.self_service import Action
from saleor_subscriptions.subscriptions.models import Subscription


def _grant(amount: Decimal) -> Action:
    def grant(subscription: Subscription, **who: Any) -> Subscription:
        lifecycle.grant_credit(subscription, amount, **who)
        return subscription

    return grant


class StaffSubscriptionCreditGrant(StaffSubscriptionMutation):
    """Grants the subscription's customer `amount` of credit (BILLING_RULES §8): a numbered credit note, not
    tied to an invoice, and the amount on their credit balance in the subscription's currency, which every
    later invoice uses first. The reason is printed on the credit note and kept on the event."""

    class Arguments:
        id = graphene.ID(required=True)
        amount = DecimalScalar(required=True, description="Above 0, in the subscription's currency.")
        reason = staff_reason_argument()

    credit_note = graphene.String(description="The number of the credit note made.")
    credit_amount = DecimalScalar(description="Its amount.")

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return _grant(data["amount"])

    @classmethod
    def answered(cls, subscription: Subscription, data: dict[str, Any]) -> Any:
        event = subscription.events.filter(kind=CREDIT_GRANTED).order_by("-pk").first()
        made = event.data if event is not None else {}
        amount = made.get("amount")
        return cls(
            subscription=subscription,
            errors=[],
            credit_note=made.get("credit_note"),
            credit_amount=None if amount is None else show_amount(Decimal(amount), subscription.currency),
        )
