"""The shop's webhook endpoints as staff see them (never their secret after it was shown), with their recent
deliveries and each delivery's log of tries; the errors of the endpoint mutations."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.event_delivery.endpoints import EndpointErrorCode
from saleor_subscriptions.outbound_events.models import (
    DeliveryAttempt,
    DeliveryStatus,
    EventDelivery,
    EventType,
    WebhookEndpoint,
)

WEBHOOK_ENDPOINT_TYPE = "WebhookEndpoint"
RECENT_DEFAULT = 20
RECENT_MAX = 100

WebhookEventTypeEnum = graphene.Enum.from_enum(
    EventType, name="WebhookEventType", description="An event sent to webhook endpoints (docs/events.md)."
)
WebhookDeliveryStatusEnum = graphene.Enum.from_enum(
    DeliveryStatus,
    name="WebhookDeliveryStatus",
    description="PENDING: to be tried (again); SUCCEEDED: a 2xx answer; FAILED: given up after 3 days.",
)
WebhookEndpointErrorCodeEnum = graphene.Enum.from_enum(
    EndpointErrorCode, name="WebhookEndpointErrorCode", description="Why an endpoint was refused."
)


class WebhookDeliveryAttempt(graphene.ObjectType):
    """One try of a delivery."""

    number = graphene.Int(required=True, description="1 for the first try.")
    at = graphene.DateTime(required=True)
    status_code = graphene.Int(description="The endpoint's HTTP status; null: no answer (see `error`).")
    duration_ms = graphene.Int(required=True)
    error = graphene.String(
        required=True, description='Why it failed ("HTTP 500", a timeout); "" on success.'
    )


class WebhookDelivery(graphene.ObjectType):
    """One event to one endpoint, with its tries."""

    id = graphene.ID(required=True)
    event_id = graphene.String(required=True, description="The event's id (evt_…), as in the body.")
    event_type = graphene.Field(WebhookEventTypeEnum, required=True)
    status = graphene.Field(WebhookDeliveryStatusEnum, required=True)
    attempts = graphene.Int(required=True)
    next_attempt_at = graphene.DateTime(
        description="When it is tried next; null once it succeeded or failed."
    )
    created_at = graphene.DateTime(required=True)
    completed_at = graphene.DateTime()
    log = graphene.NonNull(graphene.List(graphene.NonNull(WebhookDeliveryAttempt)))

    @staticmethod
    def resolve_id(root: EventDelivery, _info: Any) -> str:
        return global_id("WebhookDelivery", root.pk)

    @staticmethod
    def resolve_event_id(root: EventDelivery, _info: Any) -> str:
        return root.event.public_id

    @staticmethod
    def resolve_event_type(root: EventDelivery, _info: Any) -> str:
        return root.event.type

    @staticmethod
    def resolve_log(root: EventDelivery, _info: Any) -> list[DeliveryAttempt]:
        return list(root.log.all())


class WebhookEndpointType(graphene.ObjectType):
    """A URL of the shop that receives signed events."""

    class Meta:
        name = "WebhookEndpoint"

    id = graphene.ID(required=True)
    url = graphene.String(required=True)
    description = graphene.String(required=True)
    event_types = graphene.NonNull(
        graphene.List(graphene.NonNull(WebhookEventTypeEnum)), description="Empty: every type."
    )
    is_active = graphene.Boolean(required=True)
    created_at = graphene.DateTime(required=True)
    recent_deliveries = graphene.NonNull(
        graphene.List(graphene.NonNull(WebhookDelivery)),
        first=graphene.Int(
            description=f"How many, newest first: 1 to {RECENT_MAX}, default {RECENT_DEFAULT}."
        ),
    )

    @staticmethod
    def resolve_id(root: WebhookEndpoint, _info: Any) -> str:
        return global_id(WEBHOOK_ENDPOINT_TYPE, root.pk)

    @staticmethod
    def resolve_event_types(root: WebhookEndpoint, _info: Any) -> list[str]:
        return list(root.event_types)

    @staticmethod
    def resolve_recent_deliveries(
        root: WebhookEndpoint, _info: Any, first: int | None = None
    ) -> list[EventDelivery]:
        count = min(max(first or RECENT_DEFAULT, 1), RECENT_MAX)
        deliveries = (
            EventDelivery.objects.filter(endpoint=root)
            .select_related("event")
            .prefetch_related("log")
            .order_by("-created_at", "-pk")
        )
        return list(deliveries[:count])


class WebhookEndpointError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the request as a whole.")
    code = WebhookEndpointErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")
