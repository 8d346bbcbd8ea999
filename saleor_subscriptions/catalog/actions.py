"""What a shop owner can do to plans: create one, change it, archive it (BILLING_RULES §1).

Every field of a plan's terms is checked and each bad one is named (`PlanRefused.errors`), so a form shows all
of them at once. Terms live in versions: changing them makes a new version for new subscribers, and the
subscriptions already running keep theirs unless the owner moves them, which is the lifecycle's price change
(`lifecycle.price_changes.update_plan_and_migrate`). Every change is announced once the transaction commits
(`catalog.ports`), so the Saleor adapter mirrors the variant's plans into its metadata.

Decisions:
- A new version is made only when the terms differ from the current version's; changing the name or the
  default flag alone changes the plan, not its terms.
- Making a plan the default of its variant and channel takes the flag from the plan that had it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction

from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.catalog.ports import announce_plan_changed
from saleor_subscriptions.catalog.terms import (
    FieldError,
    PlanErrorCode,
    PlanRefused,
    VersionTerms,
    check_terms,
)
from saleor_subscriptions.tenants.models import Installation

MAX_NAME_LENGTH = 200

__all__ = [
    "FieldError",
    "PlanChange",
    "PlanErrorCode",
    "PlanRefused",
    "VariantListing",
    "VersionTerms",
    "archive_plan",
    "check_terms",
    "create_plan",
    "update_plan",
]


@dataclass(frozen=True)
class VariantListing:
    """What Saleor says of a variant in one channel: its product, the channel's currency, its price there."""

    variant_id: str
    product_id: str
    channel_slug: str
    currency: str
    price: Decimal | None


def _check_name(name: str) -> str:
    cleaned = name.strip()
    if not cleaned:
        raise PlanRefused.one("name", PlanErrorCode.REQUIRED, "a plan has a name")
    if len(cleaned) > MAX_NAME_LENGTH:
        message = f"a name has at most {MAX_NAME_LENGTH} characters"
        raise PlanRefused.one("name", PlanErrorCode.INVALID, message)
    return cleaned


def _take_default(plan: Plan) -> None:
    """Makes `plan` its variant's default in its channel, taking the flag from the plan that had it."""
    Plan.objects.select_for_update().filter(
        installation_id=plan.installation_id,
        variant_id=plan.variant_id,
        channel_slug=plan.channel_slug,
        status=Plan.Status.ACTIVE,
        is_default=True,
    ).exclude(pk=plan.pk).update(is_default=False)


def create_plan(
    installation: Installation,
    listing: VariantListing,
    *,
    name: str,
    terms: VersionTerms,
    is_default: bool = False,
    now: datetime | None = None,
) -> Plan:
    """A new plan for the variant of `listing` in its channel, in the channel's currency, with `terms` as its
    version 1 (§1); PlanRefused naming every bad field."""
    errors: list[FieldError] = []
    try:
        cleaned = _check_name(name)
    except PlanRefused as refused:
        errors += refused.errors
    try:
        check_terms(terms, listing.currency, listing.price)
    except PlanRefused as refused:
        errors += refused.errors
    if errors:
        raise PlanRefused(errors)
    moment = now or installation.now()
    with transaction.atomic():
        plan = Plan(
            installation=installation,
            name=cleaned,
            product_id=listing.product_id,
            variant_id=listing.variant_id,
            channel_slug=listing.channel_slug,
            currency=listing.currency,
            is_default=is_default,
            created_at=moment,
        )
        if is_default:
            _take_default(plan)
        plan.save()
        PlanVersion.objects.create(
            installation=installation, plan=plan, version=1, created_at=moment, **terms.model_fields()
        )
        announce_plan_changed(plan)
    return plan


@dataclass(frozen=True)
class PlanChange:
    """What `update_plan` did: the plan, its new version if the terms changed, and the version new
    subscribers now get (the new one, else the current one)."""

    plan: Plan
    new_version: PlanVersion | None
    newest: PlanVersion


def update_plan(
    plan: Plan,
    *,
    name: str | None = None,
    is_default: bool | None = None,
    terms: Mapping[str, Any] | None = None,
) -> PlanChange:
    """Changes a plan that is still offered (§1): its name, its default flag, and its terms (the fields of
    `terms` replace the current version's; a new version when they differ). The subscriptions running keep
    their versions; moving them is the lifecycle's (`lifecycle.price_changes.update_plan_and_migrate`)."""
    with transaction.atomic():
        locked = Plan.objects.select_for_update().get(pk=plan.pk)
        if locked.status != Plan.Status.ACTIVE:
            raise PlanRefused.one(None, PlanErrorCode.PLAN_ARCHIVED, "an archived plan cannot be changed")
        errors: list[FieldError] = []
        if name is not None:
            try:
                locked.name = _check_name(name)
            except PlanRefused as refused:
                errors += refused.errors
        current = locked.current_version()
        before = VersionTerms.of(current)
        wanted = before.changed(**terms) if terms else before
        try:
            check_terms(wanted, locked.currency)
        except PlanRefused as refused:
            errors += refused.errors
        if errors:
            raise PlanRefused(errors)
        new_version = None
        if not wanted.same_as(before):
            new_version = PlanVersion.objects.create(
                installation_id=locked.installation_id,
                plan=locked,
                version=current.version + 1,
                created_at=locked.installation.now(),
                dunning=current.dunning,
                **wanted.model_fields(),
            )
        if is_default is not None:
            if is_default and not locked.is_default:
                _take_default(locked)
            locked.is_default = is_default
        locked.save(update_fields=["name", "is_default"])
        announce_plan_changed(locked)
    return PlanChange(plan=locked, new_version=new_version, newest=new_version or current)


def archive_plan(plan: Plan, *, now: datetime | None = None) -> Plan:
    """The plan is no longer offered (§1): new sign-ups and switches to it are refused, the subscriptions on
    it run on with their versions. Archiving an archived plan changes nothing."""
    with transaction.atomic():
        archived = archive_plans(plan.installation, plan_ids=[plan.pk], now=now)
        if archived:
            announce_plan_changed(plan)
    plan.refresh_from_db()
    return plan
