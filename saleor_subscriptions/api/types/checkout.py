"""What `subscriptionCheckoutLinesAdd` answers: each subscription line with its first charge, line by line."""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from saleor_subscriptions.api.enums import ChargeLineKindEnum
from saleor_subscriptions.api.line_words import description_field, language_asked, worded
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.billing.first_charge import FirstCharge
from saleor_subscriptions.billing.money import format_amount
from saleor_subscriptions.billing.pricing import PricedLine
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.saleor.checkout import SubscriptionLine


class ChargeLine(graphene.ObjectType):
    """One line of the first invoice: why it is there and its amount (negative for a discount)."""

    kind = ChargeLineKindEnum(required=True)
    description = description_field()
    amount = DecimalScalar(required=True)

    @staticmethod
    def resolve_description(root: PricedLine, info: Any, language: Any = None) -> str:
        return worded(root, language_asked(info, language))

    @staticmethod
    def resolve_amount(root: PricedLine, _info: Any) -> str:
        return format(root.amount, "f")


class FirstChargeType(graphene.ObjectType):
    """What the customer pays at checkout for the subscription: its first invoice."""

    class Meta:
        name = "FirstCharge"

    total = DecimalScalar(required=True, description="The first invoice's total.")
    charged = DecimalScalar(
        required=True,
        description="What the checkout line charges: unitPrice x quantity; at most `total`, and less by at "
        "most quantity - 1 minor units when the total does not split evenly over the units.",
    )
    unit_price = DecimalScalar(required=True, description="The checkout line's unit price.")
    currency = graphene.String(required=True)
    lines = graphene.List(graphene.NonNull(ChargeLine), required=True)
    period_start = graphene.Date(description="The first billing period (null while a trial runs).")
    period_end = graphene.Date(description="Its end, exclusive: the first renewal.")
    trial_end = graphene.Date(
        description="When the free trial ends and billing starts (null without a trial)."
    )

    @staticmethod
    def resolve_total(root: FirstCharge, _info: Any) -> str:
        return format_amount(root.total, root.currency)

    @staticmethod
    def resolve_charged(root: FirstCharge, _info: Any) -> str:
        return format_amount(root.charged, root.currency)

    @staticmethod
    def resolve_unit_price(root: FirstCharge, _info: Any) -> str:
        return format_amount(root.unit_price, root.currency)

    @staticmethod
    def resolve_period_start(root: FirstCharge, _info: Any) -> date | None:
        return root.period.start if root.period else None

    @staticmethod
    def resolve_period_end(root: FirstCharge, _info: Any) -> date | None:
        return root.period.end if root.period else None


class SubscriptionCheckoutLine(graphene.ObjectType):
    """A subscription line as it now is in the Saleor checkout."""

    line_id = graphene.ID(description="The Saleor checkout line.")
    variant_id = graphene.ID(required=True)
    plan = graphene.Field(PlanType, required=True)
    plan_version = graphene.Int(
        required=True, description="The version of the plan the line was priced with."
    )
    quantity = graphene.Int(required=True)
    discount_code = graphene.String(description="The discount code applied, if any.")
    updated = graphene.Boolean(required=True, description="True: the line was there already and was changed.")
    first_charge = graphene.Field(FirstChargeType, required=True)

    @staticmethod
    def resolve_plan(root: SubscriptionLine, _info: Any) -> Plan:
        return root.plan

    @staticmethod
    def resolve_plan_version(root: SubscriptionLine, _info: Any) -> int:
        return int(root.version.version)

    @staticmethod
    def resolve_discount_code(root: SubscriptionLine, _info: Any) -> str | None:
        return root.discount_code or None

    @staticmethod
    def resolve_first_charge(root: SubscriptionLine, _info: Any) -> FirstCharge:
        return root.charge
