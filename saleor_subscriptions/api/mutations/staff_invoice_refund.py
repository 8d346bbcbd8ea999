"""`staffInvoiceRefund`: staff give back all or part of a paid invoice, as money or as credit."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Staff
from saleor_subscriptions.api.enums import enum_value
from saleor_subscriptions.api.mutations.staff_invoice_base import StaffInvoiceMutation
from saleor_subscriptions.api.mutations.staff_subscription_base import staff_reason_argument
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.staff.invoice_types import CreditNoteType
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.staff_refunds import IDEMPOTENCY_KEY_MAX, refund_paid_invoice

MONEY_BACK = "money_back"
InvoiceRefundAs = graphene.Enum(
    "InvoiceRefundAs",
    [("MONEY_BACK", MONEY_BACK), ("CREDIT_NOTE", "credit_note")],
    description="How a refund reaches the customer: money back through Stripe, or credit on the balance.",
)


class StaffInvoiceRefund(StaffInvoiceMutation):
    """Gives back `amount` (default: all that is left) of a paid invoice. `MONEY_BACK`: refunded on its Stripe
    charge, and a credit note of the amount documents the refund (the credit balance does not change).
    `CREDIT_NOTE`: a credit note of the amount on the customer's credit balance; no money moves. Never more
    than the invoice's total less its earlier credit notes (money back, also never more than its charge has
    left at Stripe). The subscription's event `invoice_refunded` names the staff user, the amount, how and the
    credit note. Send `idempotencyKey` so that a retried request refunds once."""

    class Arguments:
        id = graphene.ID(required=True, description="The invoice's global id (`Invoice:<id>`).")
        amount = DecimalScalar(description="In the invoice's currency; default: all that is left.")
        refund_as = InvoiceRefundAs(name="as", required=True)
        reason = staff_reason_argument()
        idempotency_key = graphene.String(
            description=f"The request's own key (1 to {IDEMPOTENCY_KEY_MAX} characters): sent again, the "
            "first refund is answered."
        )

    credit_note = graphene.Field(CreditNoteType, description="The credit note of the refund.")
    refunded_amount = DecimalScalar(description="What was given back.")
    stripe_refund = graphene.String(description="Stripe's refund id (MONEY_BACK); null for credit.")

    @classmethod
    def act(cls, invoice: Invoice, staff: Staff, reason: str, data: dict[str, Any]) -> dict[str, Any]:
        made = refund_paid_invoice(
            invoice,
            data.get("amount"),
            money_back=enum_value(data["refund_as"]) == MONEY_BACK,
            actor_id=staff.user_id,
            reason=reason,
            idempotency_key=data.get("idempotency_key"),
        )
        return {
            "credit_note": made.credit_note,
            "refunded_amount": show_amount(made.amount, made.credit_note.currency),
            "stripe_refund": made.stripe_refund or None,
        }
