"""`schedulePreview`: the first charges of a plan's terms, for the dashboard's plan form (staff,
MANAGE_PRODUCTS). The same engine as `saleor-subscriptions schedule` (`billing.schedule.build_schedule`), in
the installation's time zone; bad terms come back as `errors` naming their input field, as planCreate does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

import graphene

from saleor_subscriptions.api.auth import STAFF_PERMISSION
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.ids import parse_plan_id
from saleor_subscriptions.api.line_words import description_field, language_asked, worded
from saleor_subscriptions.api.mutations.base import plan_errors
from saleor_subscriptions.api.mutations.plan_terms import PlanTermsInput, terms_changes
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.billing.calendar import AnchorMode, BillingAnchor, ShortMonthRule
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.lines import PricedLine
from saleor_subscriptions.billing.money import format_amount, minor_units
from saleor_subscriptions.billing.plans import PlanTerms, Trial
from saleor_subscriptions.billing.schedule import Schedule, build_schedule
from saleor_subscriptions.catalog.actions import FieldError, PlanErrorCode, PlanRefused, VersionTerms
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.catalog.terms import check_terms
from saleor_subscriptions.tenants.models import Installation

MAX_PERIODS = 24
MAX_QUANTITY = 1_000_000


class ScheduleLine(graphene.ObjectType):
    kind = graphene.String(
        required=True, description="plan, setup_fee, proration, trial, discount, usage or credit."
    )
    description = description_field()
    amount = DecimalScalar(required=True)

    @staticmethod
    def resolve_kind(root: ScheduleLineRow, _info: Any) -> str:
        return root.line.kind.value

    @staticmethod
    def resolve_description(root: ScheduleLineRow, info: Any, language: Any = None) -> str:
        return worded(root.line, language_asked(info, language))

    @staticmethod
    def resolve_amount(root: ScheduleLineRow, _info: Any) -> Decimal:
        return root.amount


@dataclass(frozen=True)
class ScheduleLineRow:
    """A charge's line and its amount as the preview shows it (rounded to the currency)."""

    line: PricedLine
    amount: Decimal


class ScheduleCharge(graphene.ObjectType):
    due_date = graphene.Date(required=True, description="The local day the charge falls due.")
    period_start = graphene.Date(required=True)
    period_end = graphene.Date(required=True, description="Exclusive.")
    amount = DecimalScalar(required=True)
    lines = graphene.List(graphene.NonNull(ScheduleLine), required=True)


class SchedulePreview(graphene.ObjectType):
    """The first charges of a subscription to some terms (BILLING_RULES §1, §2, §4), or why there are none."""

    currency = graphene.String()
    time_zone = graphene.String(description="The installation's time zone, in which the dates are.")
    charges = graphene.List(graphene.NonNull(ScheduleCharge), required=True)
    errors = graphene.List(graphene.NonNull(PlanError), required=True)


def _engine_terms(terms: VersionTerms, currency: str, price: Decimal) -> PlanTerms:
    return PlanTerms(
        interval=Interval(IntervalUnit(terms.interval), terms.interval_count),
        price=price,
        currency=currency,
        setup_fee=terms.setup_fee,
        trial=Trial(days=terms.trial_days, intervals=terms.trial_intervals),
        billing_cycles=terms.billing_cycles,
        anchor=BillingAnchor(
            AnchorMode(terms.anchor_mode), terms.anchor_day, ShortMonthRule(terms.short_month_rule)
        ),
        usage_prices=terms.usage_prices,
    )


def preview_schedule(
    installation: Installation,
    *,
    terms_input: dict[str, Any] | None,
    plan_id: str | None,
    currency: str | None,
    channel_price: Decimal | None,
    start: datetime | None,
    quantity: int,
    periods: int,
) -> tuple[Schedule, str]:
    """The schedule of the plan's current terms (`plan_id`) with `terms_input` replacing some, or of new terms
    in `currency`; PlanRefused naming every bad field."""
    base = VersionTerms()
    if plan_id is not None:
        plan = Plan.objects.filter(installation=installation, pk=parse_plan_id(plan_id) or 0).first()
        if plan is None:
            raise PlanRefused.one("plan_id", PlanErrorCode.NOT_FOUND, "no such plan in this shop")
        base, currency = VersionTerms.of(plan.current_version()), plan.currency
    elif terms_input is None:
        raise PlanRefused.one("terms", PlanErrorCode.REQUIRED, "give terms or a planId")
    errors: list[FieldError] = []
    if not currency:
        errors.append(FieldError("currency", PlanErrorCode.REQUIRED, "new terms need their currency"))
    else:
        try:
            minor_units(currency)
        except ValueError:
            errors.append(FieldError("currency", PlanErrorCode.INVALID, f"unknown currency {currency!r}"))
    if not 1 <= quantity <= MAX_QUANTITY:
        errors.append(FieldError("quantity", PlanErrorCode.INVALID, f"from 1 to {MAX_QUANTITY}"))
    if not 1 <= periods <= MAX_PERIODS:
        errors.append(FieldError("periods", PlanErrorCode.INVALID, f"from 1 to {MAX_PERIODS} charges"))
    changes, input_errors = terms_changes(terms_input or {})
    errors += input_errors
    if errors or currency is None:
        raise PlanRefused(errors)
    terms = base.changed(**changes)
    check_terms(terms, currency, channel_price)
    price = terms.price if terms.price is not None else channel_price
    if price is None:
        message = "no price: give the plan's price or the variant's channel price (channelPrice)"
        raise PlanRefused.one("price", PlanErrorCode.REQUIRED, message)
    tz = installation.zone
    engine_terms = _engine_terms(terms, currency, price)
    bought = start or installation.now()
    schedule = build_schedule(engine_terms, bought, tz, quantity=quantity, periods=periods)
    return schedule, str(tz)


def _charges(schedule: Schedule) -> list[ScheduleCharge]:
    def money(amount: Decimal) -> Decimal:
        return Decimal(format_amount(amount, schedule.currency))

    return [
        ScheduleCharge(
            due_date=charge.due_date,
            period_start=charge.period_start,
            period_end=charge.period_end,
            amount=money(charge.amount),
            lines=[ScheduleLineRow(line, money(line.amount)) for line in charge.lines],
        )
        for charge in schedule.charges
    ]


class SchedulePreviewQueries(graphene.ObjectType):
    schedule_preview = graphene.Field(
        graphene.NonNull(SchedulePreview),
        terms=PlanTermsInput(description="New terms; with planId, the terms that replace the plan's."),
        plan_id=graphene.ID(description="A plan: its current terms (and currency)."),
        currency=graphene.String(description="The currency of new terms (the channel's)."),
        channel_price=DecimalScalar(description="The variant's price in the channel, for terms without one."),
        start=graphene.DateTime(description="The purchase instant (default: now)."),
        quantity=graphene.Int(default_value=1, description="Units (1 to 1000000)."),
        periods=graphene.Int(default_value=3, description=f"How many charges (1 to {MAX_PERIODS})."),
        description=(
            "The first charges a subscription to some terms makes, in the installation's time zone (the "
            "engine of the `schedule` command). Refused terms come back in `errors`. Staff with "
            "MANAGE_PRODUCTS."
        ),
    )

    @staticmethod
    def resolve_schedule_preview(  # noqa: PLR0917 (graphene passes the arguments by name)
        _root: Any,
        info: Any,
        terms: dict[str, Any] | None = None,
        plan_id: str | None = None,
        currency: str | None = None,
        channel_price: Decimal | None = None,
        start: datetime | None = None,
        quantity: int = 1,
        periods: int = 3,
    ) -> SchedulePreview:
        principal = context_of(info).principal
        principal.require_permissions([STAFF_PERMISSION])
        installation = principal.shop()
        code = currency.strip().upper() if currency else None
        try:
            schedule, zone = preview_schedule(
                installation,
                terms_input=terms,
                plan_id=plan_id,
                currency=code,
                channel_price=channel_price,
                start=start,
                quantity=quantity,
                periods=periods,
            )
        except PlanRefused as refused:
            return SchedulePreview(currency=code, time_zone=None, charges=[], errors=plan_errors(refused))
        return SchedulePreview(
            currency=schedule.currency, time_zone=zone, charges=_charges(schedule), errors=[]
        )
