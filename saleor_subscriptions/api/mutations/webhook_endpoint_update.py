"""`webhookEndpointUpdate`: staff (MANAGE_APPS) change an endpoint; `rotateSecret` makes a new signing secret,
answered this once and used for every delivery from then on."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation
from saleor_subscriptions.api.mutations.webhook_endpoint_create import endpoint_errors
from saleor_subscriptions.api.types.api_keys import MANAGE_KEYS_PERMISSION
from saleor_subscriptions.api.types.webhook_endpoints import (
    WEBHOOK_ENDPOINT_TYPE,
    WebhookEndpointError,
    WebhookEndpointType,
    WebhookEventTypeEnum,
)
from saleor_subscriptions.event_delivery.endpoints import EndpointRefused, update_endpoint


class WebhookEndpointUpdate(ApiMutation):
    """Changes an endpoint (staff with MANAGE_APPS): what is given changes, what is null stays."""

    class Arguments:
        id = graphene.ID(required=True, description="The endpoint's id.")
        url = graphene.String(description="https://…, at most 1,000 characters.")
        description = graphene.String(description="At most 200 characters.")
        event_types = graphene.List(graphene.NonNull(WebhookEventTypeEnum), description="Empty: every type.")
        is_active = graphene.Boolean()
        rotate_secret = graphene.Boolean(description="True: a new secret, answered in `secret`.")

    webhook_endpoint = graphene.Field(WebhookEndpointType)
    secret = graphene.String(description="The new signing secret when it was rotated; else null.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(WebhookEndpointError)))

    permissions = (MANAGE_KEYS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> WebhookEndpointUpdate:
        installation = context.principal.shop()
        types = data.get("event_types")
        try:
            changed = update_endpoint(
                installation,
                parse_global_id(data["id"], WEBHOOK_ENDPOINT_TYPE),
                url=data.get("url"),
                description=data.get("description"),
                event_types=None if types is None else [enum_value(t) for t in types],
                is_active=data.get("is_active"),
                rotate_secret=bool(data.get("rotate_secret")),
            )
        except EndpointRefused as refused:
            return cls(webhook_endpoint=None, secret=None, errors=endpoint_errors(refused))
        return cls(webhook_endpoint=changed.endpoint, secret=changed.secret, errors=[])
