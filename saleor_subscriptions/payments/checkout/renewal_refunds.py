"""Refunds Saleor asks for on a renewal order: TRANSACTION_REFUND_REQUESTED for a transaction the app
recorded itself (`saleor.order_payments.record_charge`, with `availableActions: [REFUND]`).

Such a transaction has no `CheckoutPayment` row: its `pspReference` is the renewal's PaymentIntent, the
succeeded `PaymentAttempt` of an invoice. The refund of that very charge is made by the renewal gateway
(`StripeGateway.refund(payment_intent=…)`), which refuses more than is left of the charge at Stripe and takes
an idempotency key made of Saleor's transaction, what Saleor had refunded before and the amount asked, so a
repeated request refunds once.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.checkout import results
from saleor_subscriptions.payments.checkout.payloads import PayloadError, action_of, transaction_of
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.refunds import RefundRefused
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import GatewayUnavailable
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.tenants.models import Installation


def renewal_attempt(installation: Installation, payload: Mapping[str, Any]) -> PaymentAttempt | None:
    """The succeeded renewal charge the request's transaction stands for, if it is one: found through the
    transactions the app recorded on the invoice's order (Saleor may have replaced the transaction's
    `pspReference` with a refund's since), else by the `pspReference` itself."""
    try:
        ref = transaction_of(payload)
    except PayloadError:
        return None
    transaction_ = payload.get("transaction")
    order = transaction_.get("order") if isinstance(transaction_, Mapping) else None
    order_id = order.get("id") if isinstance(order, Mapping) else None
    attempts = PaymentAttempt.objects.select_related("invoice__subscription", "invoice__installation").filter(
        installation=installation, status=PaymentAttempt.Status.SUCCEEDED
    )
    if isinstance(order_id, str) and order_id:
        record = OrderRecord.objects.filter(
            installation=installation, invoice__saleor_order_id=order_id
        ).first()
        if record is not None:
            recorded = {saleor_id: psp for psp, saleor_id in record.transactions.items()}
            if ref.id in recorded:
                return attempts.filter(invoice_id=record.invoice_id, reference=recorded[ref.id]).first()
    if not ref.psp_reference.startswith("pi_"):
        return None
    return attempts.filter(reference=ref.psp_reference).first()


def refund_renewal(
    installation: Installation, attempt: PaymentAttempt, payload: Mapping[str, Any], refunded_before: Decimal
) -> dict[str, Any]:
    """Refund what Saleor asks of the renewal charge `attempt`; Saleor's REFUND_* result."""
    amount: Decimal | None = None
    try:
        action = action_of(payload)
        amount = action.amount
        if action.action_type != "REFUND":
            raise PayloadError("action.actionType", f"must be REFUND, got {action.action_type!r}")
        invoice = attempt.invoice
        if action.currency != invoice.currency:
            raise PayloadError(
                "action.currency", f"{action.currency} is not the currency of invoice {invoice.number}"
            )
        livemode = account_for(installation.pk, invoice.subscription.channel_slug).livemode
        transaction_id = transaction_of(payload).id
        key = f"saleor:{installation.pk}:{transaction_id}:refund:{refunded_before}:{action.amount}"
        refund = StripeGateway().refund(
            invoice, action.amount, payment_intent=attempt.reference, idempotency_key=key[:255]
        )
    except (PayloadError, StripeSettingsError) as error:
        return results.action_failure("REFUND", str(error), amount=amount)
    except RefundRefused as refused:
        return results.action_failure("REFUND", f"action.{refused.field}: {refused.message}", amount=amount)
    except GatewayUnavailable as down:
        message = f"Stripe could not be reached, try again: {down}"
        return results.action_failure("REFUND", message, amount=amount)
    stripe_refund = {"id": refund.reference, "status": refund.status}
    more_left = refund.refundable_after > 0
    return results.refund_answer(
        stripe_refund, refund.amount, refund.payment_intent, livemode, more_left, amount
    )
