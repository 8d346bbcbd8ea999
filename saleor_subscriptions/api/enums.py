"""The API's enums, each made from the domain's own (the domain's values never change once released)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.errors import ApiErrorCode
from saleor_subscriptions.billing.calendar import AnchorMode, ShortMonthRule
from saleor_subscriptions.billing.intervals import IntervalUnit
from saleor_subscriptions.billing.pricing import LineKind
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.catalog.actions import PlanErrorCode
from saleor_subscriptions.catalog.models import CancelEffect, PlanStatus
from saleor_subscriptions.invoicing.models import InvoiceStatus
from saleor_subscriptions.renewals.staff_signup import Collection
from saleor_subscriptions.renewals.usage import UsageErrorCode
from saleor_subscriptions.saleor.checkout import CheckoutErrorCode
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode

PlanIntervalEnum = graphene.Enum.from_enum(
    IntervalUnit, name="PlanInterval", description="How often a plan bills."
)
PlanAnchorModeEnum = graphene.Enum.from_enum(
    AnchorMode,
    name="PlanAnchorMode",
    description="Where renewals fall: on the purchase date, or on a day of the month (monthly, yearly).",
)
ShortMonthRuleEnum = graphene.Enum.from_enum(
    ShortMonthRule,
    name="ShortMonthRule",
    description=(
        "What a purchase on the 29th-31st does under a purchase-date anchor: clamp to shorter months, or pay "
        "the rest of the month pro rata and renew on the 1st."
    ),
)
CancelEffectEnum = graphene.Enum.from_enum(
    CancelEffect,
    name="PlanCancelEffect",
    description="When a cancellation takes effect: at the end of the period, or immediately.",
)
PlanStatusEnum = graphene.Enum.from_enum(
    PlanStatus, name="PlanStatus", description="An active plan is offered; an archived one is not."
)
ChargeLineKindEnum = graphene.Enum.from_enum(LineKind, name="ChargeLineKind")
PlanErrorCodeEnum = graphene.Enum.from_enum(PlanErrorCode, name="PlanErrorCode")
CheckoutErrorCodeEnum = graphene.Enum.from_enum(CheckoutErrorCode, name="CheckoutErrorCode")
ApiErrorCodeEnum = graphene.Enum.from_enum(ApiErrorCode, name="ApiErrorCode")
SubscriptionStatusEnum = graphene.Enum.from_enum(
    SubscriptionStatus,
    name="SubscriptionStatus",
    description="Where a subscription stands (BILLING_RULES §5).",
)
InvoiceStatusEnum = graphene.Enum.from_enum(
    InvoiceStatus, name="InvoiceStatus", description="Where an invoice stands (BILLING_RULES §6)."
)
SubscriptionErrorCodeEnum = graphene.Enum(
    "SubscriptionErrorCode",
    [
        ("NOT_FOUND", "not_found"),
        ("INVALID_REASON", "invalid_reason"),
        ("PLAN_NOT_FOUND", "plan_not_found"),
        ("IS_DEFAULT", "is_default"),
        ("PAYMENTS_UNAVAILABLE", "payments_unavailable"),
        ("INVALID_CUSTOMER", "invalid_customer"),
        *((code.name, code.value) for code in LifecycleErrorCode),
    ],
    description="Why a customer's action on a subscription was refused (the lifecycle's codes, §5).",
)
SwitchTimingEnum = graphene.Enum(
    "SwitchTiming",
    [("NOW", "now"), ("PERIOD_END", "period_end")],
    description="When a plan switch takes effect: now (pro rata) or at the end of the current period.",
)
SubscriptionCollectionEnum = graphene.Enum(
    "SubscriptionCollection",
    [("SAVED_METHOD", Collection.SAVED_METHOD.value), ("PAY_LINK", Collection.PAY_LINK.value)],
    description=(
        "How a subscription staff create is paid: charged off-session to the customer's saved payment "
        "method, or through a pay link emailed to the customer."
    ),
)
SwitchDirectionEnum = graphene.Enum(
    "SwitchDirection",
    [("UPGRADE", "upgrade"), ("DOWNGRADE", "downgrade"), ("ACROSS", "across")],
    description="A switch to a dearer plan, a cheaper one, or one of the same price per period.",
)

UsageErrorCodeEnum = graphene.Enum.from_enum(
    UsageErrorCode, name="UsageErrorCode", description="Why usage was refused (BILLING_RULES §1, §4)."
)


def enum_value(argument: Any) -> Any:
    """An enum argument's value as the domain takes it ("now", "immediately", …): graphene hands the
    member over; None stays None."""
    return None if argument is None else getattr(argument, "value", argument)
