"""`staffInvoiceMarkPaid`: staff record that an open invoice was paid by bank transfer."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.mutations.staff_invoice_base import StaffInvoiceMutation
from saleor_subscriptions.api.mutations.staff_subscription_base import staff_reason_argument
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.manual_payments import REFERENCE_MAX, mark_invoice_paid
from saleor_subscriptions.renewals.wiring import ports_for


class StaffInvoiceMarkPaid(StaffInvoiceMutation):
    """Records a bank transfer that paid an open invoice in full: the invoice is paid on `paidOn` (today or
    earlier), its subscription settled when it was dunned for it, a receipt sent, and the payment written on
    its Saleor order as a transaction (`bank-transfer:<reference>`, not refundable through the app). The
    subscription's event `invoice_marked_paid` names the staff user, the reference and the day."""

    class Arguments:
        id = graphene.ID(required=True, description="The invoice's global id (`Invoice:<id>`).")
        reference = graphene.String(
            required=True,
            description=f"The bank's reference of the transfer (1 to {REFERENCE_MAX} characters).",
        )
        paid_on = graphene.Date(required=True, description="The day the money arrived; not in the future.")
        reason = staff_reason_argument()

    @classmethod
    def act(cls, invoice: Invoice, staff: Staff, reason: str, data: dict[str, Any]) -> None:
        ports = ports_for(invoice.installation)
        mark_invoice_paid(
            invoice,
            ports.notifier,
            ports.payments,
            reference=data["reference"],
            paid_on=data["paid_on"],
            actor_id=staff.user_id,
            reason=reason,
        )
