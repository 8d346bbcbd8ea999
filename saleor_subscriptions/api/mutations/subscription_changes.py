"""A signed-in customer changes their own subscription's plan or quantity (BILLING_RULES §7, §8), and sees
beforehand what a switch costs (`subscriptionSwitchPreview`).

An upgrade takes effect now: the pro-rata difference is an open change invoice, charged off-session on the
saved payment method by the renewal runner's sweeper (it then shows in `openInvoices` until paid, with its
pay link). A downgrade takes effect at the end of the period (`pendingPlan`), or now with the unused
difference as credit. A quantity increase is charged pro rata now; a decrease waits for the period end
(`pendingQuantity`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import graphene

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.enums import SwitchDirectionEnum, SwitchTimingEnum, enum_value
from saleor_subscriptions.api.errors import ApiErrorCode, api_error
from saleor_subscriptions.api.ids import parse_plan_id, parse_subscription_id
from saleor_subscriptions.api.mutations.base import input_name
from saleor_subscriptions.api.mutations.subscription_actions import (
    Action,
    ArgumentRefused,
    CustomerSubscriptionMutation,
    reason_argument,
)
from saleor_subscriptions.api.queries.subscriptions import customers_subscriptions
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.checkout import ChargeLine
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.billing.states import Transition
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.lifecycle.changes import SwitchPreview
from saleor_subscriptions.lifecycle.self_service import preview_customer_switch, switch_target
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription


def target_version(subscription: Subscription, plan_id: str) -> PlanVersion:
    """The current version of the plan `plan_id` names in the subscription's shop (`self_service`)."""
    return switch_target(subscription, parse_plan_id(plan_id), plan_id)


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _amount(value: Any, currency: str) -> str | None:
    return None if value is None else show_amount(Decimal(str(value)), currency)


class SubscriptionSwitch(CustomerSubscriptionMutation):
    """Switches the subscription to another plan of the same channel and currency (its current terms). By
    default an upgrade now and a downgrade at the period end; `timing` chooses (a switch to another interval
    or renewal day always starts at the period end; in a trial it is always now). What it costs:
    `subscriptionSwitchPreview`."""

    class Arguments:
        id = graphene.ID(required=True)
        plan_id = graphene.ID(required=True, description="The plan to switch to.")
        timing = SwitchTimingEnum(description="Now, or at the end of the period; default: see above.")
        discount_code = graphene.String(description="A discount code for the new plan.")
        reason = reason_argument()

    fields = {"plan_version": "plan_id"}

    timing = SwitchTimingEnum(description="When the new plan applies: now, or at the end of the period.")
    effective_on = graphene.Date(description="The day the new plan applies from.")
    change_invoice = graphene.String(
        description="The number of the invoice of the pro-rata difference charged now (an upgrade now)."
    )
    amount_due_now = DecimalScalar(description="What that invoice charges, before tax.")
    credit_note = graphene.String(description="The number of the credit note of a downgrade now.")
    credit_now = DecimalScalar(description="What that credit note returns as credit.")

    @classmethod
    def answered(cls, subscription: Subscription) -> Any:
        event = subscription.events.filter(kind=Transition.SWITCH_PLAN.value).order_by("-pk").first()
        data = event.data if event is not None else {}
        return cls(
            subscription=subscription,
            errors=[],
            timing=data.get("timing"),
            effective_on=_date(data.get("effective_on")),
            change_invoice=data.get("invoice"),
            amount_due_now=_amount(data.get("amount_due_now"), subscription.currency),
            credit_note=data.get("credit_note"),
            credit_now=_amount(data.get("credit_now"), subscription.currency),
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


class SubscriptionQuantityChange(CustomerSubscriptionMutation):
    """Changes the number of units: an increase now (the rest of the period charged pro rata), a decrease at
    the end of the period; asking for the current quantity takes back a pending decrease."""

    class Arguments:
        id = graphene.ID(required=True)
        quantity = graphene.Int(required=True, description="At least 1.")
        reason = reason_argument()

    @classmethod
    def action(cls, data: dict[str, Any]) -> Action:
        return lambda sub, **who: lifecycle.change_quantity(sub, data["quantity"], **who)


class SubscriptionSwitchPreviewType(graphene.ObjectType):
    """What a switch would do, before the customer confirms it (nothing is changed)."""

    class Meta:
        name = "SubscriptionSwitchPreview"

    direction = SwitchDirectionEnum(required=True)
    timing = SwitchTimingEnum(required=True)
    effective_on = graphene.Date(required=True, description="The day the new plan applies from.")
    currency = graphene.String(required=True)
    lines = graphene.List(
        graphene.NonNull(ChargeLine), required=True, description="What is charged or credited now."
    )
    amount_due_now = DecimalScalar(required=True, description="Charged now, before tax (0: nothing).")
    credit_now = DecimalScalar(required=True, description="Credited now (0: nothing).")
    next_period_lines = graphene.List(graphene.NonNull(ChargeLine), required=True)
    next_period_total = DecimalScalar(required=True, description="The first full period on the new plan.")
    discount_code = graphene.String()

    @staticmethod
    def resolve_amount_due_now(root: Any, _info: Any) -> str:
        return show_amount(root.preview.amount_due_now, root.currency)

    @staticmethod
    def resolve_credit_now(root: Any, _info: Any) -> str:
        return show_amount(root.preview.credit_now, root.currency)

    @staticmethod
    def resolve_next_period_total(root: Any, _info: Any) -> str:
        return show_amount(root.preview.next_period_total, root.currency)


class PreviewOfSwitch:
    """A SwitchPreview with the currency its amounts are in, as `SubscriptionSwitchPreview` reads it (the
    customer's preview query and the staff switch mutation)."""

    def __init__(self, preview: SwitchPreview, currency: str) -> None:
        self.preview, self.currency = preview, currency
        self.direction, self.timing = preview.direction, preview.timing
        self.effective_on, self.discount_code = preview.effective_on, preview.discount_code
        self.lines, self.next_period_lines = preview.lines, preview.next_period_lines


class SubscriptionSwitchQueries(graphene.ObjectType):
    subscription_switch_preview = graphene.Field(
        SubscriptionSwitchPreviewType,
        id=graphene.ID(required=True),
        plan_id=graphene.ID(required=True),
        timing=SwitchTimingEnum(),
        discount_code=graphene.String(),
        description=(
            "What switching the customer's subscription to `planId` would charge or credit now, and the "
            "first full period on it; null when the subscription is not theirs. A switch that would be "
            "refused is a BAD_USER_INPUT error naming the argument, with the lifecycle's code (`reason`). "
            "Needs a customer token."
        ),
    )

    @staticmethod
    def resolve_subscription_switch_preview(
        _root: Any,
        info: Any,
        id: str,
        plan_id: str,
        timing: Any = None,
        discount_code: str | None = None,
    ) -> PreviewOfSwitch | None:
        principal = context_of(info).principal
        customer = principal.require_customer()
        pk = parse_subscription_id(id)
        subscription = (
            customers_subscriptions(principal.shop(), customer).filter(pk=pk).first()
            if pk is not None
            else None
        )
        if subscription is None:
            return None
        try:
            preview = preview_customer_switch(
                subscription,
                target_version(subscription, plan_id),
                timing=enum_value(timing),
                discount_code=discount_code or None,
            )
        except ArgumentRefused as refused:
            raise _bad_input(input_name(refused.field) or "id", refused.code.value, refused.message) from None
        except LifecycleError as refused:
            argument = SubscriptionSwitch.fields.get(refused.field or "", refused.field)
            raise _bad_input(input_name(argument) or "id", refused.code.value, refused.message) from None
        return PreviewOfSwitch(preview, subscription.currency)


def _bad_input(field: str, code: str, message: str) -> Exception:
    return api_error(ApiErrorCode.BAD_USER_INPUT, f"{field}: {message}", field=field, reason=code.upper())
