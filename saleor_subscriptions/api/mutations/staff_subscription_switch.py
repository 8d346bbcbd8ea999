"""`staffSubscriptionSwitch`: staff move a subscription to another plan, or preview what that does."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.enums import SwitchTimingEnum, enum_value
from saleor_subscriptions.api.mutations.base import input_name
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    StaffSubscriptionMutation,
    staff_reason_argument,
)
from saleor_subscriptions.api.mutations.subscription_changes import (
    PreviewOfSwitch,
    SubscriptionSwitch,
    SubscriptionSwitchPreviewType,
    target_version,
)
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.lifecycle.self_service import Action, CustomerRequestRefused
from saleor_subscriptions.lifecycle.transition import allowed, moment_of
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription


class StaffSubscriptionSwitch(StaffSubscriptionMutation):
    """Switches a subscription of the shop to another plan of the same channel and currency (BILLING_RULES
    §7, §8), as `subscriptionSwitch` does for a customer: an upgrade now with the pro-rata difference on an
    open change invoice, a downgrade at the period end, or `timing` as chosen. With `preview: true` nothing
    changes: `preview` holds the exact lines charged or credited today and the first full period on the new
    plan, refused as the switch itself would be."""

    class Arguments:
        id = graphene.ID(required=True)
        plan_id = graphene.ID(required=True, description="The plan to switch to.")
        timing = SwitchTimingEnum(description="Now, or at the end of the period; default: see above.")
        discount_code = graphene.String(description="A discount code for the new plan.")
        preview = graphene.Boolean(
            default_value=False, description="Only show what the switch would do; change nothing."
        )
        reason = staff_reason_argument()

    fields = {"plan_version": "plan_id"}

    preview = graphene.Field(
        SubscriptionSwitchPreviewType,
        description="With `preview: true`: what the switch would do; null when the switch was made.",
    )
    timing = SwitchTimingEnum(description="When the new plan applies: now, or at the end of the period.")
    effective_on = graphene.Date(description="The day the new plan applies from.")
    change_invoice = graphene.String(
        description="The number of the invoice of the pro-rata difference charged now (an upgrade now)."
    )
    credit_note = graphene.String(description="The number of the credit note of a downgrade now.")
    amount_due_now = DecimalScalar(description="What that invoice charges, before tax.")
    credit_now = DecimalScalar(description="What that credit note returns as credit.")

    @classmethod
    def act(cls, found: Subscription, data: dict[str, Any], user_id: str, reason: str) -> Any:
        if not data.get("preview"):
            return super().act(found, data, user_id, reason)
        try:
            allowed(found, Transition.SWITCH_PLAN, Actor.STAFF, moment_of(found).today)
            shown = lifecycle.preview_switch(
                found,
                target_version(found, data["plan_id"]),
                timing=enum_value(data.get("timing")),
                discount_code=data.get("discount_code") or None,
            )
        except CustomerRequestRefused as refused:
            return cls.refused(input_name(refused.field), refused.code.value, refused.message)
        except LifecycleError as refused:
            return cls.lifecycle_refused(refused)
        return cls(subscription=found, preview=PreviewOfSwitch(shown, found.currency), errors=[])

    @classmethod
    def answered(cls, subscription: Subscription, data: dict[str, Any]) -> Any:
        made = SubscriptionSwitch.answered(subscription)
        return cls(
            subscription=subscription,
            errors=[],
            timing=made.timing,
            effective_on=made.effective_on,
            change_invoice=made.change_invoice,
            credit_note=made.credit_note,
            amount_due_now=made.amount_due_now,
            credit_now=made.credit_now,
        )

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.switch_plan(
            sub,
            target_version(sub, data["plan_id"]),
            timing=enum_value(data.get("timing")),
            discount_code=data.get("discount_code") or None,
            **who,
        )
