"""A plan version's terms as a shop owner sets them, and every rule they must keep (BILLING_RULES §1, §2).

`check_terms` names each bad field (`PlanRefused.errors`), so a form shows all of them at once; the engine's
own `PlanTerms` checks what remains (an anchor that fits the interval).

Decisions:
- The renewal invoice is made ahead by fewer days than the shortest period of the plan, or it would be made
  before the period it follows had begun.
- An upcoming-renewal reminder (`renewal_reminder_days`) goes out before the invoice, whose own email tells of
  the renewal: an explicit reminder is more days ahead than `invoice_lead_days`, and within the shortest
  period.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from types import MappingProxyType
from typing import Any

from saleor_subscriptions.billing.bounds import term_range_errors
from saleor_subscriptions.billing.calendar import AnchorMode, BillingAnchor, ShortMonthRule
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.money import describe_step, is_chargeable, is_representable, minor_units
from saleor_subscriptions.billing.plans import PlanTerms, PlanTermsError, Trial
from saleor_subscriptions.catalog.models import CancelEffect, PlanVersion

_SHORTEST_PERIOD_DAYS = {
    IntervalUnit.DAY: 1,
    IntervalUnit.WEEK: 7,
    IntervalUnit.MONTH: 28,
    IntervalUnit.YEAR: 365,
}


class PlanErrorCode(StrEnum):
    """Why a plan action was refused; the values never change once released."""

    REQUIRED = "required"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    VARIANT_NOT_IN_CHANNEL = "variant_not_in_channel"
    PLAN_ARCHIVED = "plan_archived"
    NOTHING_TO_MIGRATE = "nothing_to_migrate"
    PRICE_CHANGE_TOO_SOON = "price_change_too_soon"
    PRICE_CHANGE_OTHER_CALENDAR = "price_change_other_calendar"
    SALEOR_UNAVAILABLE = "saleor_unavailable"
    SALEOR_REFUSED = "saleor_refused"
    SHOP_NOT_CONNECTED = "shop_not_connected"
    NOT_CHARGEABLE = "not_chargeable"


@dataclass(frozen=True)
class FieldError:
    """One refused field: `field` as the action names it (snake case), None for the request as a whole."""

    field: str | None
    code: PlanErrorCode
    message: str


class PlanRefused(CodedError):
    """A plan action that was refused, with every reason found (`errors`, one per field); `code` and `field`
    are the first's, `message` says them all."""

    code: PlanErrorCode

    def __init__(self, errors: list[FieldError]) -> None:
        if not errors:
            raise ValueError("a refusal names at least one reason")
        message = "; ".join(f"{e.field or '-'}: {e.message}" for e in errors)
        super().__init__(errors[0].code, message, errors[0].field)
        self.errors = errors

    @classmethod
    def one(cls, field_name: str | None, code: PlanErrorCode, message: str) -> PlanRefused:
        return cls([FieldError(field_name, code, message)])


def _no_usage() -> Mapping[str, Decimal]:
    return MappingProxyType({})


@dataclass(frozen=True)
class VersionTerms:
    """The terms of one plan version (§1), as a shop owner sets them; the defaults are a new plan's."""

    interval: str = IntervalUnit.MONTH.value
    interval_count: int = 1
    price: Decimal | None = None
    setup_fee: Decimal = Decimal(0)
    trial_days: int = 0
    trial_intervals: int = 0
    billing_cycles: int | None = None
    anchor_mode: str = AnchorMode.PURCHASE.value
    anchor_day: int | None = None
    short_month_rule: str = ShortMonthRule.CLAMP.value
    invoice_lead_days: int = 0
    renewal_reminder_days: int | None = None
    customer_can_cancel: bool = True
    customer_can_pause: bool = False
    minimum_cycles: int = 0
    cancel_notice_days: int = 0
    cancel_effect: str = CancelEffect.PERIOD_END.value
    cancel_credit: bool = True
    price_change_notice_days: int = 30
    usage_prices: Mapping[str, Decimal] = field(default_factory=_no_usage)

    @classmethod
    def of(cls, version: PlanVersion) -> VersionTerms:
        """The terms of a stored version, amounts normalised so that equal terms compare equal."""
        values = {f.name: getattr(version, f.name) for f in dataclasses.fields(cls)}
        values["usage_prices"] = {metric: Decimal(str(p)) for metric, p in version.usage_prices.items()}
        return cls(**values)

    def changed(self, **changes: Any) -> VersionTerms:
        """These terms with some fields replaced."""
        return dataclasses.replace(self, **changes)

    def same_as(self, other: VersionTerms) -> bool:
        """Whether both describe the same terms (amounts compared by value, not by their digits)."""
        return all(
            dict(getattr(self, f.name)) == dict(getattr(other, f.name))
            if f.name == "usage_prices"
            else getattr(self, f.name) == getattr(other, f.name)
            for f in dataclasses.fields(self)
        )

    def model_fields(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        values["usage_prices"] = {metric: str(p) for metric, p in self.usage_prices.items()}
        return values


def _money_errors(name: str, amount: Decimal | None, currency: str) -> list[FieldError]:
    if amount is None:
        return []
    if not amount.is_finite() or amount < 0:
        return [FieldError(name, PlanErrorCode.INVALID, f"an amount of at least 0 is needed, not {amount}")]
    if not is_representable(amount, currency):
        decimals = minor_units(currency)
        return [
            FieldError(name, PlanErrorCode.INVALID, f"{currency} has {decimals} decimals, {amount} has more")
        ]
    return []


def _chargeable_errors(terms: VersionTerms, currency: str) -> list[FieldError]:
    """§3: a price or setup fee the payment provider cannot charge (4.835 KWD, 144.50 TWD) is refused, naming
    the field and the step; a well-formed amount only (the others have their own error)."""
    errors = []
    for name in ("price", "setup_fee"):
        amount: Decimal | None = getattr(terms, name)
        if amount is None or not amount.is_finite() or amount < 0 or not is_representable(amount, currency):
            continue
        if not is_chargeable(amount, currency):
            message = f"{describe_step(currency)}: {amount} cannot be charged"
            errors.append(FieldError(name, PlanErrorCode.NOT_CHARGEABLE, message))
    return errors


def _choice_error(name: str, value: str, choices: type[StrEnum]) -> list[FieldError]:
    allowed = [member.value for member in choices]
    if value in allowed:
        return []
    return [FieldError(name, PlanErrorCode.INVALID, f"{value!r} is not one of {', '.join(allowed)}")]


def _count_errors(terms: VersionTerms) -> list[FieldError]:
    errors = []
    at_least = {
        "interval_count": 1,
        "trial_days": 0,
        "trial_intervals": 0,
        "invoice_lead_days": 0,
        "minimum_cycles": 0,
        "cancel_notice_days": 0,
        "price_change_notice_days": 0,
    }
    for name, lowest in at_least.items():
        if getattr(terms, name) < lowest:
            errors.append(FieldError(name, PlanErrorCode.INVALID, f"must be at least {lowest}"))
    if terms.billing_cycles is not None and terms.billing_cycles < 1:
        errors.append(
            FieldError("billing_cycles", PlanErrorCode.INVALID, "a fixed term is at least 1 period")
        )
    if terms.trial_days and terms.trial_intervals:
        message = "a trial is a number of days or of intervals, not both"
        errors.append(FieldError("trial_intervals", PlanErrorCode.INVALID, message))
    return errors


def _anchor_errors(terms: VersionTerms) -> list[FieldError]:
    errors = _choice_error("anchor_mode", terms.anchor_mode, AnchorMode)
    errors += _choice_error("short_month_rule", terms.short_month_rule, ShortMonthRule)
    if terms.anchor_mode == AnchorMode.DAY_OF_MONTH:
        if terms.anchor_day is None:
            errors.append(
                FieldError("anchor_day", PlanErrorCode.REQUIRED, "a day-of-month anchor needs its day")
            )
        elif not 1 <= terms.anchor_day <= 28:
            message = f"a day-of-month anchor is a day from 1 to 28, not {terms.anchor_day}"
            errors.append(FieldError("anchor_day", PlanErrorCode.INVALID, message))
    elif terms.anchor_day is not None:
        message = "an anchor on the purchase date takes no day of the month"
        errors.append(FieldError("anchor_day", PlanErrorCode.INVALID, message))
    return errors


def _usage_errors(terms: VersionTerms) -> list[FieldError]:
    errors = []
    for metric, unit_price in terms.usage_prices.items():
        if not metric.strip():
            errors.append(FieldError("usage_prices", PlanErrorCode.INVALID, "a usage price names its metric"))
        elif not unit_price.is_finite() or unit_price < 0:
            message = f"the price of {metric!r} is at least 0, not {unit_price}"
            errors.append(FieldError("usage_prices", PlanErrorCode.INVALID, message))
    return errors


def _reminder_errors(terms: VersionTerms, shortest: int) -> list[FieldError]:
    """An upcoming-renewal reminder (§1) falls inside the period before the renewal, and before its invoice
    (which has its own email); 0 sends none, None is the default (`PlanVersion.reminder_days`)."""
    days = terms.renewal_reminder_days
    if days is None or days == 0:
        return []
    if days < 0 or days >= shortest:
        message = f"a reminder goes out 0 to {shortest - 1} days ahead on this plan (its shortest period)"
        return [FieldError("renewal_reminder_days", PlanErrorCode.INVALID, message)]
    if days <= terms.invoice_lead_days:
        message = (
            f"the invoice is made {terms.invoice_lead_days} days ahead and tells of the renewal itself: a "
            "reminder goes out earlier than that, or 0 for none"
        )
        return [FieldError("renewal_reminder_days", PlanErrorCode.INVALID, message)]
    return []


def check_terms(terms: VersionTerms, currency: str, channel_price: Decimal | None = None) -> None:
    """Every rule of §1 and §2 the terms break, each naming its field (PlanRefused); `channel_price` stands in
    for an absent price where the engine needs one."""
    errors = _choice_error("interval", terms.interval, IntervalUnit)
    errors += _count_errors(terms)
    errors += _money_errors("price", terms.price, currency)
    errors += _money_errors("setup_fee", terms.setup_fee, currency)
    errors += _chargeable_errors(terms, currency)
    errors += _anchor_errors(terms)
    errors += _choice_error("cancel_effect", terms.cancel_effect, CancelEffect)
    errors += _usage_errors(terms)
    ranges = term_range_errors(vars(terms), currency)
    errors += [FieldError(name, PlanErrorCode.INVALID, why) for name, why in ranges]
    if not errors:
        shortest = _SHORTEST_PERIOD_DAYS[IntervalUnit(terms.interval)] * terms.interval_count
        if terms.invoice_lead_days >= shortest:
            message = (
                f"an invoice is made at most {shortest - 1} days ahead on this plan (its shortest period)"
            )
            errors.append(FieldError("invoice_lead_days", PlanErrorCode.INVALID, message))
        errors += _reminder_errors(terms, shortest)
    if errors:
        raise PlanRefused(errors)
    try:
        PlanTerms(
            interval=Interval(IntervalUnit(terms.interval), terms.interval_count),
            price=terms.price if terms.price is not None else (channel_price or Decimal(0)),
            currency=currency,
            setup_fee=terms.setup_fee,
            trial=Trial(days=terms.trial_days, intervals=terms.trial_intervals),
            billing_cycles=terms.billing_cycles,
            anchor=BillingAnchor(
                AnchorMode(terms.anchor_mode), terms.anchor_day, ShortMonthRule(terms.short_month_rule)
            ),
            usage_prices=terms.usage_prices,
        )
    except PlanTermsError as refused:
        # The engine names "anchor" for a day-of-month anchor on a daily or weekly plan.
        name = "anchor_mode" if refused.field == "anchor" else refused.field
        raise PlanRefused.one(name, PlanErrorCode.INVALID, refused.reason) from refused
