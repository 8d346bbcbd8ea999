"""`staffPlanPriceChangeSchedule`: staff give a plan a new price (or new terms) and schedule the move of all
its existing subscribers to it, each told first (BILLING_RULES §1).

The same code path as `planUpdate` with `migrateSubscriptions` (`lifecycle.price_changes.
update_plan_and_migrate`): the changed terms become a new version for new subscribers, and every live
subscription on an older version gets the notice now (event `price_change_scheduled`, the price-change notice
email) and the new version from its first period boundary on or after `effectiveFrom`. As its own operation
it is a staff action on subscriptions (MANAGE_ORDERS, or an API key with WRITE), not a catalog edit.
"""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.base import ApiMutation, plan_errors
from saleor_subscriptions.api.mutations.plan_terms import PlanTermsInput, terms_changes
from saleor_subscriptions.api.mutations.plan_update import find_plan
from saleor_subscriptions.api.mutations.staff_subscription_base import STAFF_ORDERS_PERMISSION
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.actions import PlanErrorCode, PlanRefused
from saleor_subscriptions.catalog.terms import FieldError
from saleor_subscriptions.lifecycle.price_changes import update_plan_and_migrate

_ARGUMENTS = {"id": "plan_id", "effective_on": "effective_from"}


def _named(refused: PlanRefused, price_given: bool) -> PlanRefused:
    """The refusal with its fields named as this operation's arguments."""
    errors = []
    for error in refused.errors:
        field = error.field
        if field in _ARGUMENTS:
            field = _ARGUMENTS[field]
        elif field == "migrate_subscriptions":
            # Terms on another calendar cannot be moved to; nothing to move is the operation as a whole.
            field = "terms" if error.code is PlanErrorCode.PRICE_CHANGE_OTHER_CALENDAR else None
        elif field == "price" and price_given:
            field = "new_price"
        errors.append(FieldError(field, error.code, error.message))
    return PlanRefused(errors)


class StaffPlanPriceChangeSchedule(ApiMutation):
    """Gives the plan `planId` a new price (`newPrice`) or new terms (`terms`, as in `planUpdate`; a new
    version for new subscribers), and schedules every live subscription on an older version of the plan to
    move to the newest one: each customer is told now (the price-change notice email) and the new version
    applies from the subscription's first period boundary on or after `effectiveFrom` (default and
    earliest: today + the new version's `priceChangeNoticeDays`). Neither given: the subscribers on older
    versions move to the current one. Terms on another interval or anchor cannot be moved this way (a plan
    switch). All or nothing: a refusal changes neither the plan nor any subscription."""

    class Arguments:
        plan_id = graphene.ID(required=True)
        new_price = DecimalScalar(description="The new price per unit per period (the plan's currency).")
        terms = PlanTermsInput(description="Other new terms, as in planUpdate; `newPrice` wins over a price.")
        effective_from = graphene.Date(
            description="The earliest day the new terms apply (default and earliest: today + the notice)."
        )

    plan = graphene.Field(PlanType)
    new_version = graphene.Int(description="The number of the version made, when the terms changed.")
    scheduled_subscriptions = graphene.Int(
        required=True, description="How many subscriptions were told of the new terms."
    )
    errors = graphene.NonNull(graphene.List(graphene.NonNull(PlanError)))

    permissions = (STAFF_ORDERS_PERMISSION,)
    scope = Scope.WRITE

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> StaffPlanPriceChangeSchedule:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        installation = context.principal.shop()
        price_given = data.get("new_price") is not None
        try:
            plan = find_plan(installation, data["plan_id"])
            changes, errors = terms_changes(data.get("terms") or {})
            if errors:
                raise PlanRefused(errors)
            if price_given:
                changes["price"] = data["new_price"]
            done = update_plan_and_migrate(
                plan,
                terms=changes,
                migrate_subscriptions=True,
                effective_on=data.get("effective_from"),
                actor_id=staff.user_id,
            )
        except PlanRefused as refused:
            return cls(
                plan=None,
                new_version=None,
                scheduled_subscriptions=0,
                errors=plan_errors(_named(refused, price_given)),
            )
        return cls(
            plan=done.plan,
            new_version=done.new_version.version if done.new_version else None,
            scheduled_subscriptions=len(done.scheduled),
            errors=[],
        )
