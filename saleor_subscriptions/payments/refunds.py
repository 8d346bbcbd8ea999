"""Refunds of renewal invoices on Stripe: all or part of what one of an invoice's successful charges took;
more than is left is refused, naming the input at fault."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

import stripe

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.charges import ClientFor
from saleor_subscriptions.payments.stripe_amounts import StripeAmountError, from_minor, to_minor
from saleor_subscriptions.payments.stripe_client import as_dict
from saleor_subscriptions.renewals.manual_payments import MANUAL_REFERENCE_PREFIX
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import GatewayUnavailable


class RefundErrorCode(StrEnum):
    INVALID = "invalid"
    TOO_LARGE = "too_large"
    ALREADY_REFUNDED = "already_refunded"
    NOTHING_PAID = "nothing_paid"


class RefundRefused(CodedError):
    """A refund that cannot be made, naming the input at fault (`amount`, `invoice`)."""

    field: str

    def __init__(self, field: str, code: RefundErrorCode, message: str) -> None:
        super().__init__(code, message, field)

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


@dataclass(frozen=True)
class RefundResult:
    reference: str  # Stripe's refund id
    payment_intent: str
    amount: Decimal
    currency: str
    status: str  # Stripe's: succeeded, pending, failed
    refunded_before: Decimal  # what had been refunded of the charge before this refund
    refundable_after: Decimal  # what is left to refund after it


def refund_invoice(
    client_for: ClientFor,
    invoice: Invoice,
    amount: Decimal | None = None,
    *,
    payment_intent: str | None = None,
    reason: str = "requested_by_customer",
    idempotency_key: str | None = None,
) -> RefundResult:
    """Refund `amount` (None: everything left) of one successful charge of the invoice: the PaymentIntent
    `payment_intent`, else the newest. Refused, naming `amount`, when it is not positive, has more
    decimals than the currency, or is more than is left to refund; naming `invoice` when nothing (or not
    that PaymentIntent) was charged for it through Stripe. A retry with the same state (or the same
    `idempotency_key`) replays the first refund instead of making a second."""
    currency = invoice.currency
    minor = None if amount is None else _refund_minor(amount, currency)
    charges = (
        PaymentAttempt.objects.filter(invoice=invoice, status=PaymentAttempt.Status.SUCCEEDED)
        .exclude(reference="")
        .exclude(reference__startswith=MANUAL_REFERENCE_PREFIX)  # by hand: no Stripe charge to refund
    )
    if payment_intent is not None:
        charges = charges.filter(reference=payment_intent)
    attempt = charges.order_by("-number").first()
    if attempt is None:
        which = "no charge" if payment_intent is None else f"no charge {payment_intent}"
        raise RefundRefused(
            "invoice", RefundErrorCode.NOTHING_PAID, f"invoice {invoice.number} has {which} to refund"
        )
    try:
        account = account_for(invoice.installation_id, invoice.subscription.channel_slug)
    except StripeSettingsError as exc:
        raise GatewayUnavailable(f"Stripe is not connected: {exc.message}") from exc
    client = client_for(account)
    try:
        intent = as_dict(
            client.v1.payment_intents.retrieve(attempt.reference, params={"expand": ["latest_charge"]})
        )
        charge = intent.get("latest_charge") or {}
        captured = int(charge.get("amount_captured") or 0)
        before = int(charge.get("amount_refunded") or 0)
        left = captured - before
        if left <= 0:
            raise RefundRefused(
                "amount",
                RefundErrorCode.ALREADY_REFUNDED,
                f"invoice {invoice.number} has been refunded in full already",
            )
        wanted = left if minor is None else minor
        if wanted > left:
            raise RefundRefused(
                "amount",
                RefundErrorCode.TOO_LARGE,
                f"at most {from_minor(left, currency)} {currency} is left to refund on invoice "
                f"{invoice.number}, not {from_minor(wanted, currency)}",
            )
        refund = as_dict(
            client.v1.refunds.create(
                params={
                    "payment_intent": attempt.reference,
                    "amount": wanted,
                    "reason": reason,
                    "metadata": {
                        "invoice_number": str(invoice.number),
                        "installation": str(invoice.installation_id),
                    },
                },
                options={
                    "idempotency_key": idempotency_key
                    or f"refund-{attempt.idempotency_key}-{before}-{wanted}"
                },
            )
        )
    except stripe.InvalidRequestError as exc:
        if exc.code == "amount_too_large":
            raise RefundRefused("amount", RefundErrorCode.TOO_LARGE, exc.user_message or str(exc)) from exc
        if exc.code == "charge_already_refunded":
            raise RefundRefused(
                "amount", RefundErrorCode.ALREADY_REFUNDED, exc.user_message or str(exc)
            ) from exc
        raise
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise GatewayUnavailable(f"Stripe: {type(exc).__name__}: {exc}") from exc
    return RefundResult(
        reference=str(refund["id"]),
        payment_intent=attempt.reference,
        amount=from_minor(int(refund["amount"]), currency),
        currency=currency,
        status=str(refund.get("status") or ""),
        refunded_before=from_minor(before, currency),
        refundable_after=from_minor(left - int(refund["amount"]), currency),
    )


def _refund_key(attempt: PaymentAttempt, before: int, wanted: int) -> str:
    """The same refund of the same state of the charge is the same request to Stripe."""
    return f"refund-{attempt.idempotency_key}-{before}-{wanted}"


def _refund_minor(amount: Decimal, currency: str) -> int:
    try:
        minor = to_minor(amount, currency)
    except StripeAmountError as exc:  # more decimals than Stripe's, 5.124 KWD, a fraction of ISK, Infinity
        raise RefundRefused("amount", RefundErrorCode.INVALID, str(exc)) from None
    if minor <= 0:
        raise RefundRefused("amount", RefundErrorCode.INVALID, "the amount to refund must be more than 0")
    return minor
