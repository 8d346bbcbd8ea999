"""`webhookEndpoints`: the shop's webhook endpoints with their recent deliveries (staff with MANAGE_APPS)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.types.api_keys import MANAGE_KEYS_PERMISSION
from saleor_subscriptions.api.types.webhook_endpoints import WebhookEndpointType
from saleor_subscriptions.outbound_events.models import WebhookEndpoint


class WebhookEndpointQueries(graphene.ObjectType):
    webhook_endpoints = graphene.List(
        graphene.NonNull(WebhookEndpointType),
        description="The shop's webhook endpoints, oldest first. Staff with MANAGE_APPS.",
    )

    @staticmethod
    def resolve_webhook_endpoints(_root: Any, info: Any) -> list[WebhookEndpoint]:
        principal = context_of(info).principal
        principal.require_permissions((MANAGE_KEYS_PERMISSION,))
        installation = principal.shop()
        return list(WebhookEndpoint.objects.filter(installation=installation).order_by("created_at", "pk"))
