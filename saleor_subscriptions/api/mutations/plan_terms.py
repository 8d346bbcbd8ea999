"""The input of a plan's terms, shared by `planCreate` and `planUpdate`, read into the domain's fields."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import graphene

from saleor_subscriptions.api.enums import (
    CancelEffectEnum,
    PlanAnchorModeEnum,
    PlanIntervalEnum,
    ShortMonthRuleEnum,
)
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.catalog.actions import FieldError, PlanErrorCode

NULLABLE = frozenset({"price", "billing_cycles", "anchor_day", "renewal_reminder_days"})
"""Terms where null means something (the channel price, no fixed term, no day anchor, the default
reminder)."""


class UsagePriceInput(graphene.InputObjectType):
    metric = graphene.String(required=True, description='What is counted, e.g. "new case".')
    price = DecimalScalar(
        required=True, description="Per unit of the metric (may be finer than the currency)."
    )


class PlanTermsInput(graphene.InputObjectType):
    """A plan's terms. planCreate: `interval` is required, the rest default as documented. planUpdate: the
    fields given replace the current version's."""

    interval = PlanIntervalEnum()
    interval_count = graphene.Int(description="Bills every N intervals (default 1).")
    price = DecimalScalar(
        description="Per unit per period in the channel's currency; null: the variant's price in the channel."
    )
    setup_fee = DecimalScalar(description="Once, with the first charge, per unit (default 0).")
    trial_days = graphene.Int(description="A free trial of N days (default 0).")
    trial_intervals = graphene.Int(description="A free trial of N intervals (default 0); not with trialDays.")
    billing_cycles = graphene.Int(description="A fixed term of N paid periods; null: until cancelled.")
    anchor_mode = PlanAnchorModeEnum(description="Default PURCHASE.")
    anchor_day = graphene.Int(description="1-28, with anchorMode DAY_OF_MONTH (monthly and yearly plans).")
    short_month_rule = ShortMonthRuleEnum(description="Default CLAMP.")
    invoice_lead_days = graphene.Int(
        description="Days before the due date the invoice is made and sent (default 0: on the due date)."
    )
    renewal_reminder_days = graphene.Int(
        description=(
            "Days before a renewal an upcoming-renewal email goes out, separate from the invoice and earlier "
            "than it; 0: none; null (the default): 7 for yearly plans, none for shorter ones."
        )
    )
    customer_can_cancel = graphene.Boolean(description="Default true.")
    customer_can_pause = graphene.Boolean(description="Default false.")
    minimum_cycles = graphene.Int(description="A minimum term in periods (default 0).")
    cancel_notice_days = graphene.Int(description="Days of notice a cancellation needs (default 0).")
    cancel_effect = CancelEffectEnum(description="Default PERIOD_END.")
    cancel_credit = graphene.Boolean(
        description="Credit the unused part on an immediate cancellation (default true)."
    )
    price_change_notice_days = graphene.Int(description="Notice before a new price applies (default 30).")
    usage_prices = graphene.List(
        graphene.NonNull(UsagePriceInput), description="Metered prices (default none)."
    )


def terms_changes(data: Mapping[str, Any]) -> tuple[dict[str, Any], list[FieldError]]:
    """The domain fields (`VersionTerms`) the input sets, and the errors of fields that cannot be read."""
    changes: dict[str, Any] = {}
    errors: list[FieldError] = []
    for name, value in data.items():
        if value is None and name not in NULLABLE:
            errors.append(
                FieldError(name, PlanErrorCode.INVALID, "may not be null; leave it out for the default")
            )
        elif name == "usage_prices":
            prices: dict[str, Any] = {}
            for entry in value:
                metric = str(entry["metric"]).strip()
                if metric in prices:
                    errors.append(
                        FieldError(name, PlanErrorCode.INVALID, f"the metric {metric!r} is given twice")
                    )
                prices[metric] = entry["price"]
            changes[name] = prices
        else:
            # Enum inputs arrive as the domain's enum members; the domain stores their values.
            changes[name] = getattr(value, "value", value)
    return changes, errors
