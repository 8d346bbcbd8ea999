"""Staff make, change and deactivate the shop's discount codes (BILLING_RULES §9), each change with its event.

Every value is checked before anything is written, and a refusal names its field: a percentage above 0 and at
most 100, a fixed amount off on the currency's chargeable step (§3) and at most what one charge can be, a
number of periods only for a repeating code, plans of the shop (in the code's currency for a fixed amount),
limits of at least 1, `valid_from` before `valid_until`. A code is 1 to 64 letters, digits, `-` and `_`,
stored upper case, once per installation.

What a subscription is charged from a code it carries (its value, duration and target) never changes after it
was redeemed: those fields are refused on a code with redemptions. Its plans, limits, dates and `active` only
decide new redemptions, so they may always change; a deactivated code is refused to new customers while the
subscriptions carrying it keep it for its duration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db import transaction

from saleor_subscriptions.billing.bounds import MAX_CYCLES, max_charge
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.money import describe_step, is_chargeable, minor_units
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.discounts.models import (
    DiscountCode,
    DiscountCodeEvent,
    DiscountDuration,
    DiscountKind,
    DiscountTarget,
)
from saleor_subscriptions.tenants.models import Installation

CODE_PATTERN = re.compile(r"[A-Z0-9][A-Z0-9_-]{0,63}")
PERCENT_DECIMALS = 4
MAX_PLANS = 100
REASON_MAX = 200
CREATED, UPDATED, DEACTIVATED = "created", "updated", "deactivated"

VALUE_FIELDS = ("kind", "percent", "amount_off", "currency", "duration", "duration_periods", "applies_to")
"""What a redeemed code may no longer change: what its subscriptions are charged."""
RULE_FIELDS = ("plans", "max_redemptions", "max_per_customer", "valid_from", "valid_until", "active")
FIELDS = ("code", *VALUE_FIELDS, *RULE_FIELDS)


class DiscountCodeErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_CHARGEABLE = "not_chargeable"
    CODE_TAKEN = "code_taken"
    NOT_FOUND = "not_found"
    CODE_REDEEMED = "code_redeemed"
    ALREADY_INACTIVE = "already_inactive"


class DiscountCodeRefused(CodedError):
    """A code change refused, naming the field at fault (the model's name: `amount_off`)."""


def _refuse(code: DiscountCodeErrorCode, field: str | None, message: str) -> DiscountCodeRefused:
    return DiscountCodeRefused(code, message, field)


def _invalid(field: str, message: str) -> DiscountCodeRefused:
    return _refuse(DiscountCodeErrorCode.INVALID, field, message)


def _code_text(installation: Installation, text: str, current: DiscountCode | None) -> str:
    code = text.strip().upper()
    if not code:
        raise _refuse(DiscountCodeErrorCode.REQUIRED, "code", "give the code customers type")
    if not CODE_PATTERN.fullmatch(code):
        raise _invalid("code", "1 to 64 letters, digits, '-' and '_', beginning with a letter or digit")
    taken = DiscountCode.objects.filter(installation=installation, code=code)
    if current is not None:
        taken = taken.exclude(pk=current.pk)
    if taken.exists():
        raise _refuse(DiscountCodeErrorCode.CODE_TAKEN, "code", f"the shop has a code {code} already")
    return code


def _check_value(values: dict[str, Any]) -> None:
    """The kind with its percentage or fixed amount and currency (the row's constraint, with reasons)."""
    kind = values["kind"]
    if kind not in DiscountKind.values:
        raise _invalid("kind", f"{kind!r} is not one of {', '.join(DiscountKind.values)}")
    percent, amount, currency = values["percent"], values["amount_off"], values["currency"]
    if kind == DiscountKind.PERCENTAGE:
        if percent is None:
            raise _refuse(DiscountCodeErrorCode.REQUIRED, "percent", "a percentage code needs its percentage")
        if not percent.is_finite() or not Decimal(0) < percent <= Decimal(100):
            raise _invalid("percent", f"above 0 and at most 100, not {percent}")
        if percent != percent.quantize(Decimal(1).scaleb(-PERCENT_DECIMALS)):
            raise _invalid("percent", f"at most {PERCENT_DECIMALS} decimals, not {percent}")
        if amount is not None:
            raise _invalid("amount_off", "a percentage code has no fixed amount")
        values["currency"] = ""
        return
    if amount is None:
        raise _refuse(DiscountCodeErrorCode.REQUIRED, "amount_off", "a fixed code needs its amount off")
    if not currency:
        raise _refuse(DiscountCodeErrorCode.REQUIRED, "currency", "a fixed amount needs its currency")
    currency = values["currency"] = currency.strip().upper()
    try:
        minor_units(currency)
    except ValueError:
        raise _invalid("currency", f"{currency!r} is not a currency code") from None
    if percent is not None:
        raise _invalid("percent", "a fixed code has no percentage")
    if not amount.is_finite() or amount <= 0:
        raise _invalid("amount_off", f"above 0, not {amount}")
    if amount > max_charge(currency):
        raise _invalid("amount_off", f"at most {max_charge(currency)} {currency}, what one charge can be")
    if not is_chargeable(amount, currency):
        raise _refuse(
            DiscountCodeErrorCode.NOT_CHARGEABLE, "amount_off", f"{describe_step(currency)}: not {amount}"
        )


def _check_duration(values: dict[str, Any]) -> None:
    duration, periods = values["duration"], values["duration_periods"]
    if duration not in DiscountDuration.values:
        raise _invalid("duration", f"{duration!r} is not one of {', '.join(DiscountDuration.values)}")
    if duration == DiscountDuration.REPEATING:
        if periods is None:
            raise _refuse(
                DiscountCodeErrorCode.REQUIRED, "duration_periods", "a repeating code needs periods"
            )
        if not 1 <= periods <= MAX_CYCLES:
            raise _invalid("duration_periods", f"1 to {MAX_CYCLES} periods, not {periods}")
    elif periods is not None:
        raise _invalid("duration_periods", f"only a repeating code has a number of periods, not {duration}")
    if values["applies_to"] not in DiscountTarget.values:
        raise _invalid("applies_to", f"not one of {', '.join(DiscountTarget.values)}")


def _check_rules(installation: Installation, values: dict[str, Any]) -> list[Plan]:
    for field in ("max_redemptions", "max_per_customer"):
        limit = values[field]
        if limit is not None and not 1 <= limit <= 2**31 - 1:
            raise _invalid(field, f"at least 1 (null: no limit), not {limit}")
    start, end = values["valid_from"], values["valid_until"]
    if start is not None and end is not None and end <= start:
        raise _invalid("valid_until", "must be after valid_from")
    plan_ids: Sequence[int] = values["plans"]
    if len(plan_ids) > MAX_PLANS:
        raise _invalid("plans", f"at most {MAX_PLANS} plans, not {len(plan_ids)}")
    plans = list(Plan.objects.filter(installation=installation, pk__in=set(plan_ids)))
    if len(plans) != len(set(plan_ids)):
        raise _invalid("plans", "not every id is a plan of this shop")
    if values["kind"] == DiscountKind.FIXED:
        others = sorted({p.currency for p in plans} - {values["currency"]})
        if others:
            raise _invalid("plans", f"a {values['currency']} amount off on plans in {', '.join(others)}")
    return plans


def _as_values(code: DiscountCode) -> dict[str, Any]:
    values = {field: getattr(code, field) for field in FIELDS if field != "plans"}
    values["plans"] = sorted(code.plans.values_list("pk", flat=True)) if code.pk else []
    return values


def _shown(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _checked(
    installation: Installation, values: dict[str, Any], current: DiscountCode | None, reason: str
) -> list[Plan]:
    if len(reason) > REASON_MAX:
        raise _invalid("reason", f"at most {REASON_MAX} characters, not {len(reason)}")
    values["code"] = _code_text(installation, values["code"] or "", current)
    _check_value(values)
    _check_duration(values)
    return _check_rules(installation, values)


def _record(code: DiscountCode, kind: str, actor_id: str, reason: str, changes: dict[str, Any]) -> None:
    DiscountCodeEvent.objects.create(
        installation_id=code.installation_id,
        code=code,
        at=code.installation.now(),
        actor_type=Actor.STAFF.value,
        actor_id=actor_id,
        kind=kind,
        reason=reason,
        data=changes,
    )


def create_code(
    installation: Installation, given: Mapping[str, Any], *, actor_id: str, reason: str = ""
) -> DiscountCode:
    """A new code of the installation from `given` (the model's field names, `plans` as plan ids; what is
    left out takes the model's default), and its event `created` naming the staff user."""
    unknown = set(given) - set(FIELDS)
    assert not unknown, unknown
    defaults = _as_values(DiscountCode(installation=installation))
    values = defaults | {k: v for k, v in given.items() if v is not None}
    with transaction.atomic():
        plans = _checked(installation, values, None, reason)
        code = DiscountCode(installation=installation, created_at=installation.now())
        for field in FIELDS:
            if field != "plans":
                setattr(code, field, values[field])
        code.save()
        code.plans.set(plans)
        shown = {field: _shown(values[field]) for field in FIELDS if field != "plans"}
        _record(code, CREATED, actor_id, reason, shown | {"plans": sorted(p.pk for p in plans)})
    return code


def update_code(
    code: DiscountCode, given: Mapping[str, Any], *, actor_id: str, reason: str = ""
) -> DiscountCode:
    """Changes the fields given (None: unchanged; `clear` lists the fields set back to null or, for
    `plans`, every plan) after checking the code as a whole; the event `updated` lists each change."""
    with transaction.atomic():
        locked = DiscountCode.objects.select_for_update().select_related("installation").get(pk=code.pk)
        before = _as_values(locked)
        clear = set(given.get("clear") or ())
        values = dict(before)
        for field in FIELDS:
            if field in clear:
                values[field] = [] if field == "plans" else None
            elif given.get(field) is not None:
                values[field] = given[field]
        if values["kind"] == DiscountKind.PERCENTAGE and before["kind"] == DiscountKind.FIXED:
            values["amount_off"] = given.get("amount_off")
        if values["kind"] == DiscountKind.FIXED and before["kind"] == DiscountKind.PERCENTAGE:
            values["percent"] = given.get("percent")
        if values["duration"] != DiscountDuration.REPEATING and given.get("duration_periods") is None:
            values["duration_periods"] = None
        plans = _checked(locked.installation, values, locked, reason)
        changes = {
            field: [_shown(before[field]), _shown(values[field])]
            for field in FIELDS
            if before[field] != values[field]
        }
        redeemed = [field for field in VALUE_FIELDS if field in changes]
        if redeemed and locked.redemptions.exists():
            raise _refuse(
                DiscountCodeErrorCode.CODE_REDEEMED,
                redeemed[0],
                "the code is on subscriptions already: what it takes off cannot change (make a new code)",
            )
        for field in FIELDS:
            if field != "plans":
                setattr(locked, field, values[field])
        locked.save()
        locked.plans.set(plans)
        if changes:
            _record(locked, UPDATED, actor_id, reason, changes)
    return locked


def deactivate_code(code: DiscountCode, *, actor_id: str, reason: str = "") -> DiscountCode:
    """No new customer may use the code; the subscriptions carrying it keep it for its duration (§9)."""
    if len(reason) > REASON_MAX:
        raise _invalid("reason", f"at most {REASON_MAX} characters, not {len(reason)}")
    with transaction.atomic():
        locked = DiscountCode.objects.select_for_update().select_related("installation").get(pk=code.pk)
        if not locked.active:
            raise _refuse(DiscountCodeErrorCode.ALREADY_INACTIVE, "id", f"the code {locked.code} is inactive")
        locked.active = False
        locked.save(update_fields=["active"])
        _record(locked, DEACTIVATED, actor_id, reason, {"active": [True, False]})
    return locked
