"""`apiKeys`: the shop's API keys, newest first, revoked ones too (staff with MANAGE_APPS)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.types.api_keys import MANAGE_KEYS_PERMISSION, ApiKeyType
from saleor_subscriptions.tenants.models import ApiKey

KEYS_MAX = 500


class ApiKeyQueries(graphene.ObjectType):
    api_keys = graphene.List(
        graphene.NonNull(ApiKeyType),
        description="The shop's API keys, newest first, revoked ones too. Staff with MANAGE_APPS.",
    )

    @staticmethod
    def resolve_api_keys(_root: Any, info: Any) -> list[ApiKey]:
        principal = context_of(info).principal
        principal.require_permissions((MANAGE_KEYS_PERMISSION,))
        installation = principal.shop()
        keys = ApiKey.objects.filter(installation=installation).order_by("-created_at", "-pk")
        return list(keys[:KEYS_MAX])
