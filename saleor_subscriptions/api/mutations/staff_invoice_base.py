"""What the staff actions on an invoice share: the dashboard's token with `MANAGE_ORDERS`, the invoice named
by its global id (`Invoice:<id>`) in the caller's shop, a bounded reason, and the answer
`{invoice, errors}` with the lifecycle's refusal codes (`SubscriptionErrorCode`)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope, Staff
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.mutations.staff_subscription_base import STAFF_ORDERS_PERMISSION
from saleor_subscriptions.api.types.errors import SubscriptionError
from saleor_subscriptions.api.types.subscriptions import SubscriptionInvoice
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.self_service import INVALID_REASON, NOT_FOUND, REASON_MAX
from saleor_subscriptions.subscriptions.errors import LifecycleError

INVOICE_TYPE = "Invoice"
"""The type in an invoice's global id (base64 of "Invoice:<id>")."""


class StaffInvoiceMutation(ApiMutation):
    """The shop's invoice named by `id`, one action on it by the staff user, and the answer."""

    class Meta:
        abstract = True

    invoice = graphene.Field(SubscriptionInvoice, description="The invoice after the action.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(SubscriptionError)))

    permissions = (STAFF_ORDERS_PERMISSION,)
    scope = Scope.WRITE

    @classmethod
    def act(cls, invoice: Invoice, staff: Staff, reason: str, data: dict[str, Any]) -> dict[str, Any] | None:
        """The action; a LifecycleError refuses it (its field `invoice` is the argument `id`). It may answer
        more fields of the payload than the invoice."""
        raise NotImplementedError

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        pk = parse_global_id(data["id"], INVOICE_TYPE)
        found = (
            Invoice.objects.filter(installation=context.principal.shop(), pk=pk).first()
            if pk is not None
            else None
        )
        if found is None:
            return cls.refused("id", NOT_FOUND, f"no invoice of this shop has the id {data['id']!r}")
        reason = data.get("reason") or ""
        if len(reason) > REASON_MAX:
            return cls.refused(
                "reason", INVALID_REASON, f"at most {REASON_MAX} characters, not {len(reason)}"
            )
        try:
            more = cls.act(found, staff, reason, data) or {}
        except LifecycleError as refused:
            field = "id" if refused.field in (None, "invoice") else input_name(refused.field)
            return cls.refused(field, refused.code.value, refused.message)
        return cls(invoice=Invoice.objects.select_related("subscription").get(pk=found.pk), errors=[], **more)

    @classmethod
    def refused(cls, field: str | None, code: str, message: str) -> Any:
        return cls(invoice=None, errors=[SubscriptionError(field=field, code=code, message=message)])
