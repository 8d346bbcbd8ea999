"""`webhookEndpointDelete`: staff (MANAGE_APPS) remove an endpoint with its deliveries and their log."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation
from saleor_subscriptions.api.mutations.webhook_endpoint_create import endpoint_errors
from saleor_subscriptions.api.types.api_keys import MANAGE_KEYS_PERMISSION
from saleor_subscriptions.api.types.webhook_endpoints import WEBHOOK_ENDPOINT_TYPE, WebhookEndpointError
from saleor_subscriptions.event_delivery.endpoints import EndpointRefused, delete_endpoint


class WebhookEndpointDelete(ApiMutation):
    """Removes an endpoint (staff with MANAGE_APPS); nothing more is sent to it."""

    class Arguments:
        id = graphene.ID(required=True, description="The endpoint's id.")

    deleted_id = graphene.ID(description="The id of the endpoint removed.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(WebhookEndpointError)))

    permissions = (MANAGE_KEYS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> WebhookEndpointDelete:
        installation = context.principal.shop()
        try:
            delete_endpoint(installation, parse_global_id(data["id"], WEBHOOK_ENDPOINT_TYPE))
        except EndpointRefused as refused:
            return cls(deleted_id=None, errors=endpoint_errors(refused))
        return cls(deleted_id=data["id"], errors=[])
