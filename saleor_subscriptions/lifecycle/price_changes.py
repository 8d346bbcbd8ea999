"""Moving existing subscriptions to a plan's new price (BILLING_RULES §1).

A price change makes a new plan version for new subscribers; existing subscriptions keep their version until
an admin migrates them. The migration is announced first: every customer gets a notice now (the event
`price_change_scheduled`, which the notifications turn into the email), and the new version applies at the
first period boundary on or after the effective day, at least `price_change_notice_days` from today.

`update_plan_and_migrate` is the staff's plan update (`catalog.actions.update_plan`) that may also move the
live subscriptions on older versions to the newest one, in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db import transaction

from saleor_subscriptions.billing.clock import local_date
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.catalog.actions import PlanErrorCode, PlanRefused, update_plan
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    lock,
    moment_of,
    record_event,
    refuse,
)
from saleor_subscriptions.subscriptions.calendar import billing_calendar, same_calendar_terms
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

PRICE_CHANGE_SCHEDULED = "price_change_scheduled"
LIVE = (
    SubscriptionStatus.ACTIVE,
    SubscriptionStatus.TRIALING,
    SubscriptionStatus.PAST_DUE,
    SubscriptionStatus.SUSPENDED,
    SubscriptionStatus.PAUSED,
)


def _check_versions(old: PlanVersion, new: PlanVersion) -> None:
    if old.pk == new.pk:
        raise refuse(
            LifecycleErrorCode.SAME_PLAN_VERSION, "the subscriptions are on this version", "new_version"
        )
    if new.plan_id != old.plan_id:
        raise refuse(
            LifecycleErrorCode.PRICE_CHANGE_OTHER_PLAN,
            "a price change moves subscriptions to a newer version of the same plan; use a plan switch",
            "new_version",
        )
    if not same_calendar_terms(old, new):
        raise refuse(
            LifecycleErrorCode.PRICE_CHANGE_OTHER_CALENDAR,
            "the new version bills on another interval or day; a price change keeps the billing dates",
            "new_version",
        )


def first_boundary_from(subscription: Subscription, day: date) -> date:
    """The first period boundary of the subscription on or after `day` (a trial ends on one)."""
    calendar = billing_calendar(subscription)
    if day <= calendar.start:
        return calendar.start
    period = calendar.period_containing(day)
    return period.start if period.start == day else period.end


def _earliest(version: PlanVersion, effective_on: date | None) -> date:
    """The day asked for, or the earliest the notice allows; refused when sooner (§1)."""
    installation = version.installation
    today = local_date(installation.now(), installation.zone)
    earliest = today + timedelta(days=version.price_change_notice_days)
    if effective_on is None:
        return earliest
    if effective_on < earliest:
        raise refuse(
            LifecycleErrorCode.PRICE_CHANGE_TOO_SOON,
            f"customers get {version.price_change_notice_days} days' notice: the earliest day is {earliest}",
            "effective_on",
        )
    return effective_on


def _schedule_one(
    sub: Subscription,
    new_version: PlanVersion,
    effective_on: date,
    *,
    actor: Actor,
    actor_id: str,
    reason: str,
) -> None:
    boundary = first_boundary_from(sub, effective_on)
    from_version = sub.plan_version_id
    sub.pending_plan_version = new_version
    sub.pending_plan_version_from = boundary
    sub.save(update_fields=["pending_plan_version", "pending_plan_version_from", "updated_at"])
    record_event(
        sub,
        PRICE_CHANGE_SCHEDULED,
        actor=actor,
        actor_id=actor_id,
        from_status=sub.state,
        at=moment_of(sub).now,
        reason=reason or f"new price from {boundary}",
        data={"from_version": from_version, "to_version": new_version.pk, "effective_on": boundary},
    )


def schedule_price_change(
    old_version: PlanVersion,
    new_version: PlanVersion,
    *,
    effective_on: date | None = None,
    actor: Actor = Actor.STAFF,
    actor_id: str = "",
) -> list[Subscription]:
    """Announce `new_version` to every live subscription on `old_version` and make it their pending version
    from the first boundary on or after `effective_on` (default and earliest: today + the new version's
    `price_change_notice_days`, §1). Returns the subscriptions scheduled; a second call re-schedules."""
    _check_versions(old_version, new_version)
    effective_on = _earliest(new_version, effective_on)
    scheduled = []
    ids = Subscription.objects.filter(plan_version=old_version, status__in=LIVE).values_list("pk", flat=True)
    for pk in ids:
        with transaction.atomic():
            sub = lock(pk)
            if sub.plan_version_id != old_version.pk or sub.state not in LIVE:
                continue
            _schedule_one(sub, new_version, effective_on, actor=actor, actor_id=actor_id, reason="")
            scheduled.append(sub)
    return scheduled


@dataclass(frozen=True)
class PlanUpdate:
    """What `update_plan_and_migrate` did: the plan, its new version if the terms changed, the subscriptions
    told of a price change."""

    plan: Plan
    new_version: PlanVersion | None
    scheduled: list[Subscription]


def _older_versions_in_use(plan: Plan, target: PlanVersion) -> list[PlanVersion]:
    live = [status.value for status in LIVE]
    in_use = Subscription.objects.filter(plan_version__plan=plan, status__in=live).exclude(
        plan_version=target
    )
    ids = set(in_use.values_list("plan_version_id", flat=True))
    return list(PlanVersion.objects.filter(pk__in=ids).order_by("version"))


def _migrate(plan: Plan, target: PlanVersion, effective_on: date | None, actor_id: str) -> list[Subscription]:
    scheduled: list[Subscription] = []
    for old in _older_versions_in_use(plan, target):
        try:
            scheduled += schedule_price_change(
                old, target, effective_on=effective_on, actor=Actor.STAFF, actor_id=actor_id
            )
        except LifecycleError as refused:
            if refused.code == LifecycleErrorCode.PRICE_CHANGE_TOO_SOON:
                raise PlanRefused.one(
                    "effective_on", PlanErrorCode.PRICE_CHANGE_TOO_SOON, refused.message
                ) from None
            if refused.code == LifecycleErrorCode.PRICE_CHANGE_OTHER_CALENDAR:
                code = PlanErrorCode.PRICE_CHANGE_OTHER_CALENDAR
                raise PlanRefused.one("migrate_subscriptions", code, refused.message) from None
            raise
    return scheduled


def update_plan_and_migrate(
    plan: Plan,
    *,
    name: str | None = None,
    is_default: bool | None = None,
    terms: Mapping[str, Any] | None = None,
    migrate_subscriptions: bool = False,
    effective_on: date | None = None,
    actor_id: str = "",
) -> PlanUpdate:
    """Changes a plan as `catalog.actions.update_plan` does (§1); with `migrate_subscriptions` the live
    subscriptions on older versions are also told of the change and move to the newest version from the
    first period boundary on or after `effective_on` (default: the notice period from today), as a price
    change does. All in one transaction: a refused migration leaves the plan unchanged."""
    with transaction.atomic():
        change = update_plan(plan, name=name, is_default=is_default, terms=terms)
        scheduled: list[Subscription] = []
        if migrate_subscriptions:
            scheduled = _migrate(change.plan, change.newest, effective_on, actor_id)
            if not scheduled and change.new_version is None:
                message = "no live subscription is on an older version of this plan"
                raise PlanRefused.one("migrate_subscriptions", PlanErrorCode.NOTHING_TO_MIGRATE, message)
    return PlanUpdate(plan=change.plan, new_version=change.new_version, scheduled=scheduled)


def move_to_version(
    subscription: SubscriptionRef,
    new_version: PlanVersion,
    *,
    effective_on: date | None = None,
    actor: Actor,
    actor_id: str = "",
    reason: str = "",
) -> Subscription:
    """One subscription's price change (§1): announced now (the notice email follows from the event
    `price_change_scheduled`), `new_version` of its own plan from the first period boundary on or after
    `effective_on` (default and earliest: today + the new version's `price_change_notice_days`). Refused as
    `schedule_price_change` refuses, and `not_allowed_in_state` for a subscription that is not live."""
    with transaction.atomic():
        sub = lock(subscription)
        if sub.state not in LIVE:
            raise refuse(LifecycleErrorCode.NOT_ALLOWED_IN_STATE, f"a {sub.state} subscription is not billed")
        _check_versions(sub.plan_version, new_version)
        effective = _earliest(new_version, effective_on)
        _schedule_one(sub, new_version, effective, actor=actor, actor_id=actor_id, reason=reason)
    return sub
