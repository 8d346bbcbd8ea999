"""`apiKeyCreate`: staff (MANAGE_APPS) make an API key for the shop's back-end; its secret is answered this
once and never again (only its SHA-256 is kept)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.api_keys import (
    MANAGE_KEYS_PERMISSION,
    ApiKeyError,
    ApiKeyScopeEnum,
    ApiKeyType,
)
from saleor_subscriptions.tenants.api_keys import ApiKeyRefused, create_api_key


class ApiKeyCreate(ApiMutation):
    """Makes an API key with the scopes given (staff with MANAGE_APPS). `secret` is the whole key, shown
    only in this answer: send it as `Authorization: Bearer <secret>`."""

    class Arguments:
        name = graphene.String(required=True, description="What the key is for, 1 to 100 characters.")
        scopes = graphene.List(
            graphene.NonNull(ApiKeyScopeEnum), required=True, description="At least one scope."
        )

    api_key = graphene.Field(ApiKeyType)
    secret = graphene.String(description="The key itself (sk_…), shown this once.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(ApiKeyError)))

    permissions = (MANAGE_KEYS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> ApiKeyCreate:
        staff = context.principal.require_permissions(cls.permissions)
        installation = context.principal.shop()
        scopes = [enum_value(scope) for scope in data["scopes"]]
        try:
            made = create_api_key(installation, data["name"], scopes, created_by=staff.user_id)
        except ApiKeyRefused as refused:
            error = ApiKeyError(field=input_name(refused.field), code=refused.code, message=refused.message)
            return cls(api_key=None, secret=None, errors=[error])
        return cls(api_key=made.key, secret=made.secret, errors=[])
