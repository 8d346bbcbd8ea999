"""The inputs and errors of the staff mutations on discount codes (the code itself is `DiscountCode` of the
staff queries)."""

from __future__ import annotations

import graphene

from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.discounts.editing import DiscountCodeErrorCode
from saleor_subscriptions.discounts.models import DiscountDuration, DiscountKind, DiscountTarget

DiscountCodeErrorCodeEnum = graphene.Enum.from_enum(
    DiscountCodeErrorCode, name="DiscountCodeErrorCode", description="Why a discount code was not changed."
)
DiscountKindEnum = graphene.Enum.from_enum(
    DiscountKind, name="DiscountKindEnum", description="A percentage off, or a fixed amount in one currency."
)
DiscountDurationEnum = graphene.Enum.from_enum(
    DiscountDuration,
    name="DiscountDurationEnum",
    description="On the first invoice only, on `durationPeriods` invoices, or on every invoice.",
)
DiscountTargetEnum = graphene.Enum.from_enum(
    DiscountTarget, name="DiscountTargetEnum", description="What the code takes its discount off."
)


class DiscountCodeClearable(graphene.Enum):
    """Fields `staffDiscountCodeUpdate` sets back to none: no limit, no date, every plan."""

    PLANS = "plans"
    MAX_REDEMPTIONS = "max_redemptions"
    MAX_PER_CUSTOMER = "max_per_customer"
    VALID_FROM = "valid_from"
    VALID_UNTIL = "valid_until"


def _fields(required: bool) -> dict[str, graphene.InputField]:
    return {
        "code": graphene.String(
            required=required, description="1 to 64 letters, digits, - and _; stored upper case."
        ),
        "kind": DiscountKindEnum(required=required),
        "percent": DecimalScalar(description="PERCENTAGE: above 0, at most 100, at most 4 decimals."),
        "amount_off": DecimalScalar(description="FIXED: above 0, on the currency's chargeable step."),
        "currency": graphene.String(description="FIXED: the currency of the amount (ISO 4217)."),
        "duration": DiscountDurationEnum(description="Default ONCE."),
        "duration_periods": graphene.Int(description="REPEATING only: 1 to 1,200 invoices."),
        "applies_to": DiscountTargetEnum(description="Default PRICE."),
        "plans": graphene.List(
            graphene.NonNull(graphene.ID),
            description="Plans it may be used on (at most 100); none: every plan.",
        ),
        "max_redemptions": graphene.Int(
            description="Subscriptions it may be used on in all; null: no limit."
        ),
        "max_per_customer": graphene.Int(description="Times one customer may use it; null: no limit."),
        "valid_from": graphene.DateTime(description="Not usable before; null: at once."),
        "valid_until": graphene.DateTime(description="Not usable from then on; null: no end."),
    }


DiscountCodeCreateInput = type(
    "DiscountCodeCreateInput",
    (graphene.InputObjectType,),
    {"__doc__": "A new discount code (BILLING_RULES §9).", **_fields(required=True)},
)
DiscountCodeUpdateInput = type(
    "DiscountCodeUpdateInput",
    (graphene.InputObjectType,),
    {
        "__doc__": "What changes in a code; null leaves a field as it is.",
        **_fields(required=False),
        "clear": graphene.List(
            graphene.NonNull(DiscountCodeClearable), description="Fields set back to none."
        ),
    },
)


class DiscountCodeError(graphene.ObjectType):
    field = graphene.String(description="The input field that was refused; null for the request as a whole.")
    code = DiscountCodeErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
