"""The renewal pipeline's PaymentGateway on Stripe: charges (`charges`), refunds (`refunds`), and the calls
to Stripe that must wait for the caller's commit (`stripe_webhooks.followups`, an outbox). docs/payments.md
describes the outcomes."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

import stripe
from django.conf import settings

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.charges import charge_invoice
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.refunds import RefundResult, refund_invoice
from saleor_subscriptions.payments.stripe_client import account_client
from saleor_subscriptions.payments.stripe_webhooks.followups import (
    cancel_open_intents,
    finish_cancellations,
    refund_unneeded_payment,
)
from saleor_subscriptions.renewals.ports import ChargeRequest, ChargeResult


class StripeGateway:
    """Charges renewal invoices off-session on the customer's saved Stripe payment method; refunds them."""

    def __init__(self, *, timeout_s: float | None = None) -> None:
        self.timeout_s = timeout_s if timeout_s is not None else float(settings.STRIPE_TIMEOUT_S)

    def client(self, account: StripeAccount) -> stripe.StripeClient:
        """A client of the account that gives up after `timeout_s`."""
        return account_client(account, self.timeout_s)

    def void_open_payments(self, invoices: Sequence[Invoice], reason: str) -> None:
        """The invoices' PaymentIntents a customer could still confirm are cancelled at Stripe once the
        caller's transaction commits (an outbox, `stripe_webhooks.followups`, retried while Stripe is
        down)."""
        cancel_open_intents(invoices, reason)

    def refund_unneeded(self, invoice: Invoice, reference: str, amount: Decimal, why: str) -> None:
        """A full refund of the PaymentIntent `reference` after the commit (an outbox), with the
        `payment_refunded_duplicate` event and an ERROR log (`stripe_webhooks.followups`)."""
        refund_unneeded_payment(invoice, reference, amount, why)

    def finish_voiding(self, invoice: Invoice) -> bool:
        return finish_cancellations(invoice)

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """One attempt of a renewal invoice (`charges.charge_invoice`)."""
        return charge_invoice(self.client, request)

    def refund(
        self,
        invoice: Invoice,
        amount: Decimal | None = None,
        *,
        payment_intent: str | None = None,
        reason: str = "requested_by_customer",
        idempotency_key: str | None = None,
    ) -> RefundResult:
        """All or part of one of the invoice's charges given back (`refunds.refund_invoice`)."""
        return refund_invoice(
            self.client,
            invoice,
            amount,
            payment_intent=payment_intent,
            reason=reason,
            idempotency_key=idempotency_key,
        )
