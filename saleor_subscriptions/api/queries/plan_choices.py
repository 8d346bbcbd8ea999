"""`planChoices`: every plan of the shop, archived ones too, for the staff list's plan and product filters."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.queries.plans import with_versions
from saleor_subscriptions.api.staff.access import staff_shop
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.models import Plan

PLAN_CHOICES_MAX = 1000
CHOOSERS = ("MANAGE_ORDERS", "MANAGE_PRODUCTS")


class PlanChoiceQueries(graphene.ObjectType):
    plan_choices = graphene.List(
        graphene.NonNull(PlanType),
        required=True,
        description=f"Every plan of the shop (archived too), by name; at most {PLAN_CHOICES_MAX}. "
        "MANAGE_ORDERS or MANAGE_PRODUCTS.",
    )

    @staticmethod
    def resolve_plan_choices(_root: Any, info: Any) -> list[Plan]:
        installation = staff_shop(info, CHOOSERS)
        plans = Plan.objects.filter(installation=installation).order_by("name", "pk")
        return list(with_versions(plans)[:PLAN_CHOICES_MAX])
