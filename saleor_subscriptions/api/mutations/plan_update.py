"""`planUpdate`: a plan's name, default flag and terms (a new version), and moving its subscribers to the new
price with notice (staff, MANAGE_PRODUCTS)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import STAFF_PERMISSION
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_plan_id
from saleor_subscriptions.api.mutations.base import ApiMutation, plan_errors
from saleor_subscriptions.api.mutations.plan_terms import PlanTermsInput, terms_changes
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.actions import PlanErrorCode, PlanRefused
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.lifecycle.price_changes import update_plan_and_migrate
from saleor_subscriptions.tenants.models import Installation


class PlanUpdateInput(graphene.InputObjectType):
    name = graphene.String()
    is_default = graphene.Boolean(description="Make it (or stop it being) the variant's default plan.")
    terms = PlanTermsInput(
        description="The fields given replace the current version's; when the terms change, a new version is "
        "made for new subscribers."
    )
    migrate_subscriptions = graphene.Boolean(
        description="Also move the live subscriptions on older versions to the newest one: each customer is "
        "told now and the new terms apply from the first period boundary on or after `effectiveOn`. Only "
        "terms that keep the billing dates (same interval and anchor) can be moved."
    )
    effective_on = graphene.Date(
        description="With migrateSubscriptions: the earliest day the new terms apply (default and earliest: "
        "today + the new version's priceChangeNoticeDays)."
    )


def find_plan(installation: Installation, global_id: str) -> Plan:
    """The installation's plan with this global id; PlanRefused (NOT_FOUND, field `id`) otherwise."""
    plan_id = parse_plan_id(global_id)
    plan = Plan.objects.filter(installation=installation, pk=plan_id).first() if plan_id else None
    if plan is None:
        raise PlanRefused.one("id", PlanErrorCode.NOT_FOUND, "no such plan in this shop")
    return plan


class PlanUpdate(ApiMutation):
    """Changes a plan; changed terms become a new version (existing subscribers keep theirs unless moved)."""

    class Arguments:
        id = graphene.ID(required=True)
        input = PlanUpdateInput(required=True)

    plan = graphene.Field(PlanType)
    new_version = graphene.Int(description="The number of the version made, when the terms changed.")
    scheduled_subscriptions = graphene.Int(
        required=True, description="How many subscriptions were told of the new terms (migrateSubscriptions)."
    )
    errors = graphene.NonNull(graphene.List(graphene.NonNull(PlanError)))

    permissions = (STAFF_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> PlanUpdate:
        installation = context.principal.shop()
        staff = context.principal.staff
        given = data["input"]
        try:
            plan = find_plan(installation, data["id"])
            changes, errors = terms_changes(given.get("terms") or {})
            if errors:
                raise PlanRefused(errors)
            done = update_plan_and_migrate(
                plan,
                # A name given as null is refused with the other fields, as an empty one is.
                name="" if "name" in given and given["name"] is None else given.get("name"),
                is_default=given.get("is_default"),
                terms=changes,
                migrate_subscriptions=bool(given.get("migrate_subscriptions")),
                effective_on=given.get("effective_on"),
                actor_id=staff.email if staff else "",
            )
        except PlanRefused as refused:
            return cls(plan=None, new_version=None, scheduled_subscriptions=0, errors=plan_errors(refused))
        return cls(
            plan=done.plan,
            new_version=done.new_version.version if done.new_version else None,
            scheduled_subscriptions=len(done.scheduled),
            errors=[],
        )
