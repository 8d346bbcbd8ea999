"""An API key as staff see it (never its secret after it was made), and the errors of its mutations."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.tenants.api_keys import ApiKeyErrorCode
from saleor_subscriptions.tenants.models import ApiKey, ApiKeyScope

API_KEY_TYPE = "ApiKey"
MANAGE_KEYS_PERMISSION = "MANAGE_APPS"
"""What the dashboard's token must carry to see, make or revoke API keys (no API key may)."""

ApiKeyScopeEnum = graphene.Enum.from_enum(
    ApiKeyScope,
    name="ApiKeyScope",
    description="What a key may do: READ the staff queries, WRITE staff mutations, record USAGE.",
)
ApiKeyErrorCodeEnum = graphene.Enum.from_enum(
    ApiKeyErrorCode, name="ApiKeyErrorCode", description="Why an API key was not made or revoked."
)


class ApiKeyType(graphene.ObjectType):
    """One of the shop's API keys: its name, scopes and first characters, never its secret."""

    class Meta:
        name = "ApiKey"

    id = graphene.ID(required=True)
    name = graphene.String(required=True)
    prefix = graphene.String(required=True, description="The key's first characters, to tell keys apart.")
    scopes = graphene.NonNull(graphene.List(graphene.NonNull(ApiKeyScopeEnum)))
    created_at = graphene.DateTime(required=True)
    created_by = graphene.String(required=True, description="The staff user who made it (Saleor user id).")
    last_used_at = graphene.DateTime(description="Its last use, to the minute; null: never used.")
    revoked_at = graphene.DateTime(description="When it was revoked; null: it works.")

    @staticmethod
    def resolve_id(root: ApiKey, _info: Any) -> str:
        return global_id(API_KEY_TYPE, root.pk)

    @staticmethod
    def resolve_scopes(root: ApiKey, _info: Any) -> list[str]:
        return list(root.scopes)


class ApiKeyError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the request as a whole.")
    code = ApiKeyErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
