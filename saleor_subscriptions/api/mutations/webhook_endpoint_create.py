"""`webhookEndpointCreate`: staff (MANAGE_APPS) add a URL of the shop that receives signed events
(docs/events.md); the signing secret is answered this once."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.api_keys import MANAGE_KEYS_PERMISSION
from saleor_subscriptions.api.types.webhook_endpoints import (
    WebhookEndpointError,
    WebhookEndpointType,
    WebhookEventTypeEnum,
)
from saleor_subscriptions.event_delivery.endpoints import EndpointRefused, create_endpoint


def endpoint_errors(refused: EndpointRefused) -> list[WebhookEndpointError]:
    return [WebhookEndpointError(field=input_name(refused.field), code=refused.code, message=refused.message)]


class WebhookEndpointCreate(ApiMutation):
    """Adds a webhook endpoint (staff with MANAGE_APPS): an https URL on a public address. `secret` (whsec_…)
    signs its deliveries and is shown only in this answer."""

    class Arguments:
        url = graphene.String(required=True, description="https://…, at most 1,000 characters.")
        description = graphene.String(description="What it is, at most 200 characters.")
        event_types = graphene.List(
            graphene.NonNull(WebhookEventTypeEnum), description="The events it takes; empty or null: all."
        )
        is_active = graphene.Boolean(description="False: nothing is sent to it. Default true.")

    webhook_endpoint = graphene.Field(WebhookEndpointType)
    secret = graphene.String(description="The signing secret, shown this once.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(WebhookEndpointError)))

    permissions = (MANAGE_KEYS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> WebhookEndpointCreate:
        installation = context.principal.shop()
        try:
            made = create_endpoint(
                installation,
                data["url"],
                description=data.get("description") or "",
                event_types=[enum_value(t) for t in data.get("event_types") or []],
                is_active=data.get("is_active") is not False,
            )
        except EndpointRefused as refused:
            return cls(webhook_endpoint=None, secret=None, errors=endpoint_errors(refused))
        return cls(webhook_endpoint=made.endpoint, secret=made.secret, errors=[])
