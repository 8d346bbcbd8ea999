"""`staffInvoiceRetry`: staff have an open invoice charged again now (BILLING_RULES §6, §7)."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.mutations.staff_invoice_base import StaffInvoiceMutation
from saleor_subscriptions.api.mutations.staff_subscription_base import staff_reason_argument
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.staff_retry import retry_invoice_now
from saleor_subscriptions.renewals.wiring import ports_for


class StaffInvoiceRetry(StaffInvoiceMutation):
    """Charges an open invoice again on the saved payment method, outside the dunning schedule: a new
    payment attempt that the renewal runner's sweeper sends within minutes (the invoice's payments a customer
    could still confirm are cancelled first). Paid, it settles the subscription; declined, the dunning goes
    on where it stands. The subscription's event `invoice_retry_requested` names the staff user."""

    class Arguments:
        id = graphene.ID(required=True, description="The invoice's global id (`Invoice:<id>`).")
        reason = staff_reason_argument()

    @classmethod
    def act(cls, invoice: Invoice, staff: Staff, reason: str, data: dict[str, Any]) -> None:
        payments = ports_for(invoice.installation).payments
        retry_invoice_now(invoice, payments, actor_id=staff.user_id, reason=reason)
