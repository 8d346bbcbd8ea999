"""The `errors` items of mutation payloads: `{field, code, message}` as in Saleor."""

from __future__ import annotations

import graphene

from saleor_subscriptions.api.enums import (
    CheckoutErrorCodeEnum,
    PlanErrorCodeEnum,
    SubscriptionErrorCodeEnum,
    UsageErrorCodeEnum,
)


class PlanError(graphene.ObjectType):
    field = graphene.String(
        description="The input field that was refused (its name in the input); null for the whole request."
    )
    code = PlanErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


class CheckoutError(graphene.ObjectType):
    field = graphene.String(
        description="The argument or line field that was refused (its input name); null for the request."
    )
    code = CheckoutErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
    variants = graphene.List(
        graphene.NonNull(graphene.ID), description="The variants of the lines concerned."
    )


class SubscriptionError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the action as a whole.")
    code = SubscriptionErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


class UsageError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the request as a whole.")
    code = UsageErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
