"""`apiKeyRevoke`: staff (MANAGE_APPS) revoke one of the shop's API keys; from then on it is refused as an
unknown key would be."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.api_keys import (
    API_KEY_TYPE,
    MANAGE_KEYS_PERMISSION,
    ApiKeyError,
    ApiKeyType,
)
from saleor_subscriptions.tenants.api_keys import ApiKeyRefused, revoke_api_key


class ApiKeyRevoke(ApiMutation):
    """Revokes an API key (staff with MANAGE_APPS); a revoked key stays listed with `revokedAt`."""

    class Arguments:
        id = graphene.ID(required=True, description="The key's id.")

    api_key = graphene.Field(ApiKeyType)
    errors = graphene.NonNull(graphene.List(graphene.NonNull(ApiKeyError)))

    permissions = (MANAGE_KEYS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> ApiKeyRevoke:
        staff = context.principal.require_permissions(cls.permissions)
        installation = context.principal.shop()
        try:
            key = revoke_api_key(installation, parse_global_id(data["id"], API_KEY_TYPE), staff.user_id)
        except ApiKeyRefused as refused:
            error = ApiKeyError(field=input_name(refused.field), code=refused.code, message=refused.message)
            return cls(api_key=None, errors=[error])
        return cls(api_key=key, errors=[])
