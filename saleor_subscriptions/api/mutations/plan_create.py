"""`planCreate`: a new plan on a Saleor variant in one channel (staff, MANAGE_PRODUCTS)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import STAFF_PERMISSION
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.base import ApiMutation, plan_errors
from saleor_subscriptions.api.mutations.plan_terms import PlanTermsInput, terms_changes
from saleor_subscriptions.api.types.errors import PlanError
from saleor_subscriptions.api.types.plans import PlanType
from saleor_subscriptions.catalog.actions import (
    FieldError,
    PlanErrorCode,
    PlanRefused,
    VariantListing,
    VersionTerms,
    create_plan,
)
from saleor_subscriptions.saleor.checkout_facts import read_variant
from saleor_subscriptions.saleor.client import SaleorError, SaleorUnavailable, TokenRejectedError
from saleor_subscriptions.saleor.install import on_token_rejected
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation


class PlanCreateInput(graphene.InputObjectType):
    variant = graphene.ID(required=True, description="The Saleor variant the plan is sold on.")
    channel = graphene.String(
        required=True, description="The slug of the channel; the plan takes its currency."
    )
    name = graphene.String(required=True)
    is_default = graphene.Boolean(description="Make it the variant's default plan in the channel.")
    terms = PlanTermsInput(required=True)


def variant_listing(installation: Installation, variant_id: str, channel: str) -> VariantListing:
    """The variant as Saleor sells it in `channel`, read with the app's token; PlanRefused when Saleor has no
    such variant, does not sell it there, or cannot be asked."""
    saleor_app = SaleorApp.objects.filter(installation=installation).first()
    if saleor_app is None:
        raise PlanRefused.one(None, PlanErrorCode.SHOP_NOT_CONNECTED, "the app has no token for this shop")
    try:
        with on_token_rejected(installation), saleor_app.client() as client:
            listing = read_variant(client, variant_id, channel)
    except TokenRejectedError as exc:
        raise PlanRefused.one(
            None, PlanErrorCode.SHOP_NOT_CONNECTED, "the app is no longer installed"
        ) from exc
    except SaleorUnavailable as exc:
        message = "the shop's Saleor cannot be reached; try again"
        raise PlanRefused.one(None, PlanErrorCode.SALEOR_UNAVAILABLE, message) from exc
    except SaleorError as exc:
        raise PlanRefused.one(None, PlanErrorCode.SALEOR_REFUSED, f"Saleor refused: {exc}") from exc
    if listing is None:
        raise PlanRefused.one("variant", PlanErrorCode.NOT_FOUND, "Saleor has no such variant")
    if listing.price is None or not listing.currency:
        message = f"the variant is not sold in the channel {channel!r}"
        raise PlanRefused.one("channel", PlanErrorCode.VARIANT_NOT_IN_CHANNEL, message)
    return listing


class PlanCreate(ApiMutation):
    """Offers a Saleor variant as a subscription in one channel; mirrored into the variant's metadata."""

    class Arguments:
        input = PlanCreateInput(required=True)

    plan = graphene.Field(PlanType)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(PlanError)))

    permissions = (STAFF_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> PlanCreate:
        installation = context.principal.shop()
        given = data["input"]
        changes, errors = terms_changes(given["terms"])
        if "interval" not in changes and not any(e.field == "interval" for e in errors):
            errors.append(
                FieldError("interval", PlanErrorCode.REQUIRED, "a plan bills every day, week, month or year")
            )
        if errors:
            return cls(plan=None, errors=plan_errors(PlanRefused(errors)))
        try:
            listing = variant_listing(installation, given["variant"], given["channel"].strip())
            plan = create_plan(
                installation,
                listing,
                name=given["name"],
                terms=VersionTerms().changed(**changes),
                is_default=bool(given.get("is_default")),
            )
        except PlanRefused as refused:
            return cls(plan=None, errors=plan_errors(refused))
        return cls(plan=plan, errors=[])
