"""`staffInvoiceVoid`: staff take back an open invoice nothing has been paid on (BILLING_RULES §4)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.mutations.base import ApiMutation
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    STAFF_ORDERS_PERMISSION,
    staff_reason_argument,
)
from saleor_subscriptions.api.types.errors import SubscriptionError
from saleor_subscriptions.api.types.subscriptions import SubscriptionInvoice
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.voiding import void_invoice
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.self_service import INVALID_REASON, NOT_FOUND, REASON_MAX

INVOICE_TYPE = "Invoice"
"""The type in an invoice's global id (base64 of "Invoice:<id>")."""


class StaffInvoiceVoid(ApiMutation):
    """Voids an open invoice of the shop that nothing has been paid on: it keeps its number, is never charged
    again, and its Saleor order is cancelled (the renewal follow-up does it once the void is committed). A
    subscription that was dunned for it alone is settled. The subscription's event `invoice_voided` names the
    staff user and the reason. A paid invoice is refunded instead (`INVOICE_PAID`)."""

    class Arguments:
        id = graphene.ID(required=True, description="The invoice's global id (`Invoice:<id>`).")
        reason = staff_reason_argument()

    invoice = graphene.Field(SubscriptionInvoice, description="The invoice after the void.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(SubscriptionError)))

    permissions = (STAFF_ORDERS_PERMISSION,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> StaffInvoiceVoid:
        staff = context.principal.require_permissions(cls.permissions)
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
            voided = void_invoice(found, actor_id=staff.user_id, reason=reason)
        except LifecycleError as refused:
            return cls.refused("id", refused.code.value, refused.message)
        return cls(invoice=Invoice.objects.select_related("subscription").get(pk=voided.pk), errors=[])

    @classmethod
    def refused(cls, field: str | None, code: str, message: str) -> StaffInvoiceVoid:
        return cls(invoice=None, errors=[SubscriptionError(field=field, code=code, message=message)])
