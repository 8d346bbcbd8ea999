"""`staffInvoiceVoid`: staff take back an open invoice nothing has been paid on (BILLING_RULES §4)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.mutations.staff_invoice_base import StaffInvoiceMutation
from saleor_subscriptions.api.mutations.staff_subscription_base import staff_reason_argument
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.voiding import void_invoice


class StaffInvoiceVoid(StaffInvoiceMutation):
    """Voids an open invoice of the shop that nothing has been paid on: it keeps its number, is never charged
    again, and its Saleor order is cancelled (the renewal follow-up does it once the void is committed). A
    subscription that was dunned for it alone is settled. The subscription's event `invoice_voided` names the
    staff user and the reason. A paid invoice is refunded instead (`INVOICE_PAID`)."""

    class Arguments:
        id = graphene.ID(required=True, description="The invoice's global id (`Invoice:<id>`).")
        reason = staff_reason_argument()

    @classmethod
    def act(cls, invoice: Invoice, staff: Staff, reason: str, data: dict[str, Any]) -> None:
        void_invoice(invoice, actor_id=staff.user_id, reason=reason)
