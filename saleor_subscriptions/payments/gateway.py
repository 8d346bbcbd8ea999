"""The renewal pipeline's PaymentGateway on Stripe: an off-session PaymentIntent per invoice attempt.

The idempotency key of the attempt is Stripe's `Idempotency-Key`, so a retried attempt (a timeout, a crash, a
duplicate task) replays the first PaymentIntent instead of making a second one. Outcomes (BILLING_RULES §6):

- `succeeded` → SUCCEEDED; `processing` (SEPA Direct Debit) → PROCESSING, settled later by Stripe's webhooks;
- a 402 `authentication_required`, or a PaymentIntent left in `requires_action` → REQUIRES_ACTION (the
  customer gets the pay link; the attempt is not retried blindly);
- any other card error → DECLINED with Stripe's decline code (or error code);
- network failures, timeouts, 5xx and rate limits (after the stripe library's own retries) →
  GatewayUnavailable: the step is retried later with the same key.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import stripe

from saleor_subscriptions.billing.money import minor_units
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import account_for, stripe_client
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, ChargeResult, GatewayUnavailable


def to_minor(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount in the currency's minor unit (cents; yen as is; three places for KWD)."""
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(scaled)


def from_minor(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-minor_units(currency))


def _result_of(intent: Any) -> ChargeResult:
    status = intent["status"]
    reference = str(intent["id"])
    if status == "succeeded":
        return ChargeResult(ChargeOutcome.SUCCEEDED, reference)
    if status == "processing":
        return ChargeResult(ChargeOutcome.PROCESSING, reference)
    if status in ("requires_action", "requires_confirmation"):
        return ChargeResult(ChargeOutcome.REQUIRES_ACTION, reference, "authentication_required")
    error = intent.get("last_payment_error") or {}
    code = error.get("decline_code") or error.get("code") or status
    return ChargeResult(ChargeOutcome.DECLINED, reference, str(code), str(error.get("message") or ""))


class NoSavedPaymentMethod(Exception):
    """The customer has no Stripe customer or no default payment method to charge."""


class StripeGateway:
    """Charges a renewal invoice off-session on the customer's saved Stripe payment method."""

    def charge(self, request: ChargeRequest) -> ChargeResult:
        invoice = Invoice.objects.select_related("subscription").get(
            installation_id=request.installation_id, number=request.invoice_number
        )
        account = account_for(request.installation_id, invoice.subscription.channel_slug)
        customer = StripeCustomer.objects.filter(
            installation_id=request.installation_id,
            customer_key=request.customer_key,
            livemode=account.livemode,
        ).first()
        if customer is None or not customer.default_payment_method_id:
            return ChargeResult(
                ChargeOutcome.DECLINED, "", "no_payment_method", "the customer has no saved payment method"
            )
        params: dict[str, Any] = {
            "amount": to_minor(request.amount, request.currency),
            "currency": request.currency.lower(),
            "customer": customer.stripe_customer_id,
            "payment_method": customer.default_payment_method_id,
            "off_session": True,
            "confirm": True,
            "description": f"Invoice {request.invoice_number}",
            "metadata": {
                "invoice_number": request.invoice_number,
                "installation": str(request.installation_id),
                "idempotency_key": request.idempotency_key,
            },
        }
        client = stripe_client(account.secret_key)
        try:
            intent = client.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.CardError as exc:
            return self._card_error(exc)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable(f"Stripe: {type(exc).__name__}: {exc}") from exc
        except stripe.APIError as exc:
            raise GatewayUnavailable(f"Stripe answered {exc.http_status}: {exc}") from exc
        return _result_of(intent)

    @staticmethod
    def _card_error(exc: stripe.CardError) -> ChargeResult:
        error = exc.error
        intent = getattr(error, "payment_intent", None) if error is not None else None
        reference = str(intent["id"]) if intent else ""
        if exc.code == "authentication_required" or (intent and intent["status"] == "requires_action"):
            return ChargeResult(ChargeOutcome.REQUIRES_ACTION, reference, "authentication_required")
        decline_code = getattr(error, "decline_code", None) if error is not None else None
        return ChargeResult(
            ChargeOutcome.DECLINED,
            reference,
            str(decline_code or exc.code or "card_declined"),
            exc.user_message or "",
        )
