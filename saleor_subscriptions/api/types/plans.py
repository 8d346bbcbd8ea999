"""The Plan type and its terms (BILLING_RULES §1)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import graphene

from saleor_subscriptions.api.enums import (
    CancelEffectEnum,
    PlanAnchorModeEnum,
    PlanIntervalEnum,
    PlanStatusEnum,
    ShortMonthRuleEnum,
)
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.billing.money import format_amount, is_representable
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan, PlanVersion


def show_amount(amount: Decimal, currency: str) -> str:
    """An amount in the currency's minor units; a finer usage price keeps its own digits (no exponent)."""
    if is_representable(amount, currency):
        return format_amount(amount, currency)
    return format(amount.normalize(), "f")


def current_version(plan: Plan) -> PlanVersion:
    """The plan's newest version, from the prefetched versions when the query loaded them."""
    prefetched: list[PlanVersion] | None = getattr(plan, "_prefetched_objects_cache", {}).get("versions")
    if prefetched is not None:
        return max(prefetched, key=lambda version: version.version)
    return plan.current_version()


class UsagePrice(graphene.ObjectType):
    metric = graphene.String(required=True, description='What is counted, e.g. "new case".')
    price = DecimalScalar(required=True, description="Per unit of the metric, billed in arrears.")


class PlanTerms(graphene.ObjectType):
    """The terms of one version of a plan: what it charges and when."""

    version = graphene.Int(
        required=True, description="The version number; a change of terms makes a new one."
    )
    interval = PlanIntervalEnum(required=True)
    interval_count = graphene.Int(required=True, description="Bills every `intervalCount` intervals.")
    price = DecimalScalar(
        description="Per unit per period, in the plan's currency; null: the variant's price in the channel."
    )
    setup_fee = DecimalScalar(required=True, description="Charged once with the first charge, per unit.")
    trial_days = graphene.Int(required=True, description="A free trial of this many days (0: none).")
    trial_intervals = graphene.Int(
        required=True, description="A free trial of this many intervals (0: none)."
    )
    billing_cycles = graphene.Int(
        description="A fixed term of this many paid periods; null: until cancelled."
    )
    anchor_mode = PlanAnchorModeEnum(required=True, description="Where renewals fall.")
    anchor_day = graphene.Int(description="The day of the month renewals fall on (1-28) for DAY_OF_MONTH.")
    short_month_rule = ShortMonthRuleEnum(required=True)
    invoice_lead_days = graphene.Int(
        required=True, description="Days before the due date the invoice is made (0: on the due date)."
    )
    renewal_reminder_days = graphene.Int(
        required=True,
        description=(
            "Days before a renewal the upcoming-renewal email goes out (0: none); the plan's number, or its "
            "default (7 for yearly plans, none for shorter ones)."
        ),
    )
    customer_can_cancel = graphene.Boolean(required=True)
    customer_can_pause = graphene.Boolean(required=True)
    minimum_cycles = graphene.Int(
        required=True, description="A cancellation takes effect no earlier than this."
    )
    cancel_notice_days = graphene.Int(required=True, description="Days of notice a cancellation needs.")
    cancel_effect = CancelEffectEnum(required=True)
    cancel_credit = graphene.Boolean(
        required=True, description="With an immediate cancellation, the unused part is credited."
    )
    price_change_notice_days = graphene.Int(
        required=True, description="Days of notice subscribers get before a new price applies to them."
    )
    usage_prices = graphene.List(graphene.NonNull(UsagePrice), required=True)
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_price(root: PlanVersion, _info: Any) -> str | None:
        return None if root.price is None else show_amount(root.price, root.plan.currency)

    @staticmethod
    def resolve_setup_fee(root: PlanVersion, _info: Any) -> str:
        return show_amount(root.setup_fee, root.plan.currency)

    @staticmethod
    def resolve_renewal_reminder_days(root: PlanVersion, _info: Any) -> int:
        return root.reminder_days()

    @staticmethod
    def resolve_usage_prices(root: PlanVersion, _info: Any) -> list[UsagePrice]:
        currency = root.plan.currency
        return [
            UsagePrice(metric=metric, price=show_amount(Decimal(str(price)), currency))
            for metric, price in sorted(root.usage_prices.items())
        ]


class PlanType(graphene.ObjectType):
    """A subscription offered on one product variant in one channel (so in one currency)."""

    class Meta:
        name = "Plan"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    variant_id = graphene.ID(required=True, description="The Saleor variant the plan is sold on.")
    product_id = graphene.ID(required=True, description="The Saleor product of that variant.")
    channel = graphene.String(required=True, description="The slug of the Saleor channel it is sold in.")
    currency = graphene.String(required=True, description="The channel's currency.")
    is_default = graphene.Boolean(required=True, description="The variant's default plan in this channel.")
    status = PlanStatusEnum(required=True)
    terms = graphene.Field(PlanTerms, required=True, description="The current version's terms.")
    created_at = graphene.DateTime(required=True)
    archived_at = graphene.DateTime()

    @staticmethod
    def resolve_id(root: Plan, _info: Any) -> str:
        return plan_global_id(root.pk)

    @staticmethod
    def resolve_channel(root: Plan, _info: Any) -> str:
        return root.channel_slug

    @staticmethod
    def resolve_terms(root: Plan, _info: Any) -> PlanVersion:
        version = current_version(root)
        version.plan = root  # the terms read the plan's currency
        return version
