"""`planArchive`: a plan is no longer offered; the subscriptions on it run on (staff, MANAGE_PRODUCTS)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import STAFF_PERMISSION
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.base import ApiMutation, plan_errors
from saleor_subscriptions.api.mutations.plan_update import find_plan
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.actions import PlanRefused, archive_plan


class PlanArchive(ApiMutation):
    """Stops offering a plan: it leaves the variant's metadata and new sign-ups are refused; running
    subscriptions keep billing on their version. Archiving an archived plan changes nothing."""

    class Arguments:
        id = graphene.ID(required=True)

    plan = graphene.Field(PlanType)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(PlanError)))

    permissions = (STAFF_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> PlanArchive:
        try:
            plan = find_plan(context.principal.shop(), data["id"])
        except PlanRefused as refused:
            return cls(plan=None, errors=plan_errors(refused))
        return cls(plan=archive_plan(plan), errors=[])
