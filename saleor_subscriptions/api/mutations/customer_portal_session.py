"""`customerPortalSessionCreate`: a signed-in customer's one-time URL into the hosted portal (docs/portal.md).

The storefront calls it with the customer's access token and opens the URL it returns (valid a few minutes,
once). `returnUrl` is where the portal's "Back to the shop" leads; `flow` lands on one task instead of the
overview. Refusals come back in `errors`, naming the argument.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import graphene
from django.utils import timezone

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.portal.models import PortalFlow
from saleor_subscriptions.portal.sessions import (
    ENTRY_MINUTES,
    EntryErrorCode,
    EntryRefused,
    FlowTarget,
    create_link,
    customer_invoices,
)

PortalFlowTypeEnum = graphene.Enum(
    "PortalFlowType",
    [(flow.name, flow.value) for flow in PortalFlow],
    description="The page the portal opens on: the overview, or one task.",
)
PortalErrorCodeEnum = graphene.Enum.from_enum(
    EntryErrorCode, name="PortalErrorCode", description="Why a portal link was refused."
)

_FIELDS = {"return_url": "returnUrl", "invoice_id": "flow.invoiceNumber"}


class PortalFlowInput(graphene.InputObjectType):
    """A deep link: the task, and what it is about."""

    class Meta:
        name = "PortalFlow"

    type = PortalFlowTypeEnum(required=True)
    subscription_id = graphene.ID(
        description=(
            "The subscription (SUBSCRIPTION_CANCEL and SUBSCRIPTION_UPDATE need it; PAYMENT_METHOD_UPDATE "
            "with it goes straight to the page that saves another card for it)."
        )
    )
    invoice_number = graphene.String(description="The invoice to pay (INVOICE_PAY needs it).")


class PortalError(graphene.ObjectType):
    field = graphene.String(
        description="The argument that was refused (e.g. `returnUrl`, `flow.subscriptionId`)."
    )
    code = PortalErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


class CustomerPortalSessionCreate(ApiMutation):
    """A one-time URL that opens the customer's billing portal (valid a few minutes, once). Needs a customer
    access token."""

    class Arguments:
        return_url = graphene.String(
            required=True, description='The storefront page of "Back to the shop" (http or https).'
        )
        flow = PortalFlowInput(description="Open on one task instead of the overview.")

    url = graphene.String(description="Open it in the customer's browser; it works once.")
    expires_at = graphene.DateTime(description="When the URL stops working if it was not opened.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(PortalError)))

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        customer = context.principal.require_customer()
        installation = context.principal.shop()
        try:
            target = _target(installation, customer.user_id, data.get("flow"))
            url = create_link(
                installation,
                user_id=customer.user_id,
                email=customer.email,
                return_url=data["return_url"],
                target=target,
            )
        except EntryRefused as refused:
            field = _FIELDS.get(refused.field) or f"flow.{input_name(refused.field)}"
            return cls(
                url=None, errors=[PortalError(field=field, code=refused.code, message=refused.message)]
            )
        expires_at = timezone.now() + timedelta(minutes=ENTRY_MINUTES)
        return cls(url=url, expires_at=expires_at, errors=[])


def _target(installation: Any, user_id: str, flow: Any) -> FlowTarget:
    if flow is None:
        return FlowTarget()
    kind = PortalFlow(getattr(flow.type, "value", flow.type))
    subscription_id = None
    if flow.get("subscription_id"):
        subscription_id = parse_subscription_id(flow["subscription_id"])
        if subscription_id is None:
            raise EntryRefused("subscription_id", EntryErrorCode.NOT_FOUND, "not a subscription id")
    invoice_id = None
    if flow.get("invoice_number"):
        invoice_id = (
            customer_invoices(installation, user_id)
            .filter(number=flow["invoice_number"])
            .values_list("pk", flat=True)
            .first()
        )
        if invoice_id is None:
            raise EntryRefused(
                "invoice_number", EntryErrorCode.NOT_FOUND, "no invoice of yours has this number"
            )
    return FlowTarget(kind, subscription_id, invoice_id)
