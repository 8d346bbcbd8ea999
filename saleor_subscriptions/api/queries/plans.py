"""Public queries of plans: what a storefront shows next to a product (BILLING_RULES §1)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Prefetch, QuerySet

from saleor_subscriptions.api.auth import STAFF_PERMISSION
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.errors import ApiErrorCode, api_error
from saleor_subscriptions.api.ids import parse_plan_id
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.models import Plan, PlanVersion


def with_versions(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    """Plans with their versions loaded in one more query (the terms read the newest)."""
    return plans.prefetch_related(Prefetch("versions", queryset=PlanVersion.objects.order_by("version")))


class PlanQueries(graphene.ObjectType):
    plans = graphene.List(
        graphene.NonNull(PlanType),
        required=True,
        variant=graphene.ID(description="A Saleor variant id: that variant's plans."),
        product=graphene.ID(description="A Saleor product id: the plans of all its variants."),
        channel=graphene.String(required=True, description="The channel slug."),
        description=(
            "The active plans of a variant or of a product in a channel, the default first, with their "
            "current terms. Public: send a customer token, or name the shop with the Saleor-Api-Url header."
        ),
    )
    plan = graphene.Field(
        PlanType,
        id=graphene.ID(required=True),
        description="One plan by id: active plans for everyone, archived ones too for staff.",
    )

    @staticmethod
    def resolve_plans(
        _root: Any, info: Any, channel: str, variant: str | None = None, product: str | None = None
    ) -> list[Plan]:
        installation = context_of(info).principal.shop()
        if not variant and not product:
            raise api_error(ApiErrorCode.BAD_USER_INPUT, "give a variant or a product")
        plans = Plan.objects.filter(
            installation=installation, channel_slug=channel, status=Plan.Status.ACTIVE
        )
        if variant:
            plans = plans.filter(variant_id=variant)
        if product:
            plans = plans.filter(product_id=product)
        return list(with_versions(plans.order_by("variant_id", "-is_default", "pk")))

    @staticmethod
    def resolve_plan(_root: Any, info: Any, id: str) -> Plan | None:
        principal = context_of(info).principal
        installation = principal.shop()
        plan_id = parse_plan_id(id)
        if plan_id is None:
            return None
        plans = Plan.objects.filter(installation=installation, pk=plan_id)
        staff = principal.staff
        if staff is None or STAFF_PERMISSION not in staff.permissions:
            plans = plans.filter(status=Plan.Status.ACTIVE)
        return with_versions(plans).first()
