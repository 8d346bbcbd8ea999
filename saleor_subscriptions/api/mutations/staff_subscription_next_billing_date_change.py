"""`staffSubscriptionNextBillingDateChange`: staff move a subscription's next billing date, prorating, or
preview what that does."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.checkout import ChargeLine
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.lifecycle.billing_dates import BillingDateChange
from saleor_subscriptions.lifecycle.self_service import Action
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent


class BillingDateDirectionEnum(graphene.Enum):
    """Whether the new date is after the current period's end (the bridge is charged) or before it (the
    paid days given back are credited)."""

    class Meta:
        name = "BillingDateDirection"

    LATER = "later"
    EARLIER = "earlier"


class BillingDateChangeType(graphene.ObjectType):
    """What moving the next billing date does (or did): the bridging days charged or credited now, and the
    first period of the new schedule."""

    class Meta:
        name = "BillingDateChange"

    from_date = graphene.Date(required=True, description="The next billing date before the change.")
    to_date = graphene.Date(required=True, description="The new next billing date: the schedule's anchor.")
    direction = graphene.Field(BillingDateDirectionEnum, required=True)
    currency = graphene.String(required=True)
    lines = graphene.List(
        graphene.NonNull(ChargeLine), required=True, description="What is charged or credited now."
    )
    amount_due_now = DecimalScalar(required=True, description="Charged now, before tax (0: nothing).")
    credit_now = DecimalScalar(required=True, description="Credited now (0: nothing).")
    next_period_start = graphene.Date(required=True, description="The first period of the new schedule.")
    next_period_end = graphene.Date(required=True, description="Its end, exclusive: the renewal after.")

    @staticmethod
    def resolve_direction(root: Any, _info: Any) -> str:
        return str(root.change.direction)

    @staticmethod
    def resolve_amount_due_now(root: Any, _info: Any) -> str:
        return show_amount(root.change.amount_due_now, root.currency)

    @staticmethod
    def resolve_credit_now(root: Any, _info: Any) -> str:
        return show_amount(root.change.credit_now, root.currency)


class _Shown:
    """A BillingDateChange with its currency, as `BillingDateChange` reads it."""

    def __init__(self, change: BillingDateChange, currency: str) -> None:
        self.change, self.currency = change, currency
        self.from_date, self.to_date, self.lines = change.from_date, change.to_date, change.lines
        self.next_period_start, self.next_period_end = change.next_period.start, change.next_period.end


class StaffSubscriptionNextBillingDateChange(StaffSubscriptionMutation):
    """Moves the next billing date of an active subscription (BILLING_RULES §2, §7, §8); docs/lifecycle.md
    "Moving the next billing date". The new date re-anchors the schedule (period k starts on it + k
    intervals). A later date charges the days between the current period's end and it pro rata, against the
    full period ending on it, on an open change invoice charged off-session; an earlier date credits the paid
    days it gives back (their share of what the period's invoices charged) on a credit note. With
    `preview: true` nothing changes: `change` shows the lines, refused as the change itself would be."""

    class Arguments:
        id = graphene.ID(required=True)
        next_billing_date = graphene.Date(
            required=True,
            description="The new date: after today, at most one interval after the current period's end.",
        )
        preview = graphene.Boolean(
            default_value=False, description="Only show what the change would do; change nothing."
        )
        reason = staff_reason_argument()

    change = graphene.Field(
        BillingDateChangeType,
        description="With `preview: true`: what the change would do; null when the change was made.",
    )
    change_invoice = graphene.String(description="The number of the invoice of the bridge (a later date).")
    credit_note = graphene.String(description="The number of the credit note of an earlier date.")

    @classmethod
    def act(cls, found: Subscription, data: dict[str, Any], user_id: str, reason: str) -> Any:
        if not data.get("preview"):
            return super().act(found, data, user_id, reason)
        try:
            shown = lifecycle.preview_billing_date_change(found, data["next_billing_date"], actor=Actor.STAFF)
        except LifecycleError as refused:
            return cls.lifecycle_refused(refused)
        return cls(subscription=found, change=_Shown(shown, found.currency), errors=[])

    @classmethod
    def answered(cls, subscription: Subscription, data: dict[str, Any]) -> Any:
        event = (
            SubscriptionEvent.objects.filter(subscription=subscription, kind="change_billing_date")
            .order_by("-at", "-pk")
            .first()
        )
        made = event.data if event is not None else {}
        return cls(
            subscription=subscription,
            errors=[],
            change_invoice=made.get("invoice"),
            credit_note=made.get("credit_note"),
        )

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.change_billing_date(sub, data["next_billing_date"], **who)
