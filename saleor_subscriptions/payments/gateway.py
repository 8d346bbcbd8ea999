"""The renewal pipeline's PaymentGateway on Stripe: an off-session PaymentIntent per invoice attempt; refunds.

The idempotency key of the attempt is Stripe's `Idempotency-Key`, so a retried attempt (a timeout, a crash, a
duplicate task) replays the first PaymentIntent instead of making a second one. Outcomes (BILLING_RULES §6):

- `succeeded` → SUCCEEDED; `processing` (SEPA Direct Debit) → PROCESSING, settled later by Stripe's webhooks;
- a 402 `authentication_required`, or a PaymentIntent left in `requires_action` → REQUIRES_ACTION (the
  customer gets the pay link; the attempt is not retried blindly);
- any other card error → DECLINED with Stripe's decline code (or error code);
- no saved payment method → DECLINED `no_payment_method` (nothing is asked of Stripe);
- network failures, timeouts, 5xx and rate limits (after the stripe library's own retries), and a channel
  without Stripe keys → GatewayUnavailable: the step is retried later with the same key.

Refunds give back all or part of what an invoice's successful charge took; more than is left is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Any

import stripe
from django.conf import settings

from saleor_subscriptions.billing.money import minor_units
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, ChargeResult, GatewayUnavailable

"""How long one request to Stripe may take before it is given up (and retried with the same key)."""


def to_minor(amount: Decimal, currency: str) -> int:
    """Stripe's integer amount in the currency's minor unit (cents; yen as is; three places for KWD)."""
    scaled = amount.scaleb(minor_units(currency))
    if scaled != scaled.to_integral_value():
        raise ValueError(f"{amount} {currency} has more decimals than the currency allows")
    return int(scaled)


def from_minor(amount: int, currency: str) -> Decimal:
    return Decimal(amount).scaleb(-minor_units(currency))


def as_dict(obj: Any) -> dict[str, Any]:
    """A Stripe object as plain JSON-like data (StripeObject is not a dict and has no `get`)."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    data: dict[str, Any] = obj.to_dict()
    return data


def _id_of(value: Any) -> str:
    """The id of an expandable field, whether it came as an id or as the object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")


def result_of_intent(intent: Any) -> ChargeResult:
    """What a PaymentIntent's current state means for the renewal (the same mapping for the answer to the
    charge, the pay page and webhooks)."""
    data = as_dict(intent)
    status = data["status"]
    reference = str(data["id"])
    error = data.get("last_payment_error") or {}
    if status == "succeeded":
        return ChargeResult(ChargeOutcome.SUCCEEDED, reference)
    if status == "processing":
        return ChargeResult(ChargeOutcome.PROCESSING, reference)
    if status in ("requires_action", "requires_confirmation") or (
        error.get("code") == "authentication_required" and status == "requires_payment_method"
    ):
        return ChargeResult(
            ChargeOutcome.REQUIRES_ACTION,
            reference,
            "authentication_required",
            str(error.get("message") or ""),
        )
    code = error.get("decline_code") or error.get("code") or status
    return ChargeResult(ChargeOutcome.DECLINED, reference, str(code), str(error.get("message") or ""))


class RefundErrorCode(StrEnum):
    INVALID = "invalid"
    TOO_LARGE = "too_large"
    ALREADY_REFUNDED = "already_refunded"
    NOTHING_PAID = "nothing_paid"


class RefundRefused(Exception):
    """A refund that cannot be made, naming the input at fault (`amount`, `invoice`)."""

    def __init__(self, field: str, code: RefundErrorCode, message: str) -> None:
        self.field = field
        self.code = code
        self.message = message
        super().__init__(f"{field}: {message}")


@dataclass(frozen=True)
class RefundResult:
    reference: str  # Stripe's refund id
    payment_intent: str
    amount: Decimal
    currency: str
    status: str  # Stripe's: succeeded, pending, failed
    refunded_before: Decimal  # what had been refunded of the charge before this refund
    refundable_after: Decimal  # what is left to refund after it


class StripeGateway:
    """Charges renewal invoices off-session on the customer's saved Stripe payment method; refunds them."""

    def __init__(self, *, timeout_s: float | None = None) -> None:
        self.timeout_s = timeout_s if timeout_s is not None else _setting_timeout()

    def client(self, account: StripeAccount) -> stripe.StripeClient:
        """A client with the account's key on STRIPE_API_BASE that gives up after `timeout_s`; the library's
        own retries of network failures reuse the request's idempotency key."""
        return stripe.StripeClient(
            account.secret_key,
            base_addresses={"api": settings.STRIPE_API_BASE},
            max_network_retries=settings.STRIPE_NETWORK_RETRIES,
            http_client=stripe.RequestsClient(timeout=self.timeout_s),
        )

    def charge(self, request: ChargeRequest) -> ChargeResult:
        invoice = Invoice.objects.select_related("subscription").get(
            installation_id=request.installation_id, number=request.invoice_number
        )
        try:
            account = account_for(request.installation_id, invoice.subscription.channel_slug)
        except StripeSettingsError as exc:
            raise GatewayUnavailable(f"Stripe is not connected: {exc.message}") from exc
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
        if customer.payment_method_type:
            # Named, so that a saved SEPA mandate is charged whatever the account's automatic methods are.
            params["payment_method_types"] = [customer.payment_method_type]
        client = self.client(account)
        try:
            intent = client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.CardError as exc:
            return self._card_error(exc)
        except stripe.IdempotencyError as exc:
            # The key was used with other parameters (the saved method changed between two tries of one
            # attempt): the first try's PaymentIntent is the attempt's, found by its metadata.
            return self._first_try(client, customer.stripe_customer_id, request.idempotency_key, exc)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable(f"Stripe: {type(exc).__name__}: {exc}") from exc
        except stripe.APIError as exc:
            raise GatewayUnavailable(f"Stripe answered {exc.http_status}: {exc}") from exc
        return result_of_intent(intent)

    @staticmethod
    def _card_error(exc: stripe.CardError) -> ChargeResult:
        error = as_dict(exc.error)
        intent = as_dict(error.get("payment_intent"))
        reference = str(intent.get("id") or "")
        if exc.code == "authentication_required" or intent.get("status") == "requires_action":
            return ChargeResult(
                ChargeOutcome.REQUIRES_ACTION, reference, "authentication_required", exc.user_message or ""
            )
        return ChargeResult(
            ChargeOutcome.DECLINED,
            reference,
            str(error.get("decline_code") or exc.code or "card_declined"),
            exc.user_message or "",
        )

    @staticmethod
    def _first_try(
        client: stripe.StripeClient, customer_id: str, key: str, exc: stripe.IdempotencyError
    ) -> ChargeResult:
        try:
            intents = client.v1.payment_intents.list(params={"customer": customer_id, "limit": 100})
        except stripe.StripeError as listing:
            raise GatewayUnavailable(f"Stripe: {listing}") from exc
        for intent in intents.data:
            if as_dict(intent).get("metadata", {}).get("idempotency_key") == key:
                return result_of_intent(intent)
        raise GatewayUnavailable(f"Stripe refused the idempotency key {key}: {exc}") from exc

    def refund(
        self,
        invoice: Invoice,
        amount: Decimal | None = None,
        *,
        reason: str = "requested_by_customer",
        idempotency_key: str | None = None,
    ) -> RefundResult:
        """Refund `amount` (None: everything left) of the invoice's successful charge. Refused, naming
        `amount`, when it is not positive, has more decimals than the currency, or is more than is left to
        refund; naming `invoice` when nothing was charged through Stripe. A retry with the same state (or
        the same `idempotency_key`) replays the first refund instead of making a second."""
        currency = invoice.currency
        minor = None if amount is None else _refund_minor(amount, currency)
        attempt = (
            PaymentAttempt.objects.filter(invoice=invoice, status=PaymentAttempt.Status.SUCCEEDED)
            .exclude(reference="")
            .order_by("-number")
            .first()
        )
        if attempt is None:
            raise RefundRefused(
                "invoice", RefundErrorCode.NOTHING_PAID, f"invoice {invoice.number} has no charge to refund"
            )
        try:
            account = account_for(invoice.installation_id, invoice.subscription.channel_slug)
        except StripeSettingsError as exc:
            raise GatewayUnavailable(f"Stripe is not connected: {exc.message}") from exc
        client = self.client(account)
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
            if exc.code in ("amount_too_large", "charge_already_refunded"):
                raise RefundRefused(
                    "amount", RefundErrorCode.TOO_LARGE, exc.user_message or str(exc)
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


def _refund_minor(amount: Decimal, currency: str) -> int:
    try:
        minor = to_minor(amount, currency)
    except (ValueError, InvalidOperation):
        raise RefundRefused(
            "amount", RefundErrorCode.INVALID, f"{amount} has more decimals than {currency} allows"
        ) from None
    if minor <= 0:
        raise RefundRefused("amount", RefundErrorCode.INVALID, "the amount to refund must be more than 0")
    return minor


def _setting_timeout() -> float:
    return float(settings.STRIPE_TIMEOUT_S)
