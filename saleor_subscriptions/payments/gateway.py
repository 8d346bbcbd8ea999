"""The renewal pipeline's PaymentGateway on Stripe: an off-session PaymentIntent per invoice attempt; refunds.

The idempotency key of the attempt is Stripe's `Idempotency-Key`, so a retried attempt (a timeout, a crash, a
duplicate task) replays the first PaymentIntent instead of making a second one. Outcomes (BILLING_RULES §6):

- `succeeded` → SUCCEEDED; `processing` (SEPA Direct Debit) → PROCESSING, settled later by Stripe's webhooks;
- a 402 `authentication_required`, or a PaymentIntent left in `requires_action` → REQUIRES_ACTION (the
  customer gets the pay link; the attempt is not retried blindly);
- any other card error → DECLINED with Stripe's decline code (or error code);
- no saved payment method → DECLINED `no_payment_method` (nothing is asked of Stripe);
- an amount Stripe cannot take in its currency (`stripe_amounts`: 4.835 KWD, 144.68 TWD) → AMOUNT_REFUSED
  `amount_not_supported` (nothing is sent); an amount Stripe refuses (`param` = `amount`, or a code of
  `AMOUNT_CODES`: `amount_too_small`, `amount_too_large`, `invalid_charge_amount…`) → AMOUNT_REFUSED with
  Stripe's code. The customer's card was never asked: staff are alerted and no dunning starts (§3);
- any other request Stripe refuses for good (400/404 `invalid_request_error`: `resource_missing`, …; 401
  authentication; 403 permission) → DECLINED with Stripe's code: the same request would be refused again, so
  dunning goes on and the customer is asked (an error is logged for the operator);
- network failures, timeouts, 5xx (incl. 409 `idempotency_key_in_use`, a concurrent try of the same attempt),
  429 rate limits and `lock_timeout` (after the stripe library's own retries), and a channel without Stripe
  keys → GatewayUnavailable: the step is retried later with the same key. Stripe's docs call these
  retryable; the others are not.

Stripe forgets an idempotency key after 24 hours: an attempt resumed later than KEY_MEMORY after it began
first looks for the PaymentIntent its first try made (by the `idempotency_key` in its metadata) and answers
from it, so that no second PaymentIntent is made.

Refunds give back all or part of what an invoice's successful charge took; more than is left is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

import stripe
from django.conf import settings
from django.utils import timezone

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.charged_method import method_charged, naming_method
from saleor_subscriptions.payments.customers import find_stripe_customer
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_amounts import StripeAmountError, from_minor, to_minor
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, ChargeResult, GatewayUnavailable

logger = logging.getLogger(__name__)

KEY_MEMORY = timedelta(hours=23)
"""Stripe keeps an idempotency key for at least 24 hours: an older attempt's key may have been forgotten."""

CONFIRMABLE = ("requires_payment_method", "requires_confirmation", "requires_action")
"""PaymentIntent statuses in which a customer (a browser tab) can still confirm, and so pay, an intent."""

RETRYABLE_CODES = frozenset({"lock_timeout", "rate_limit", "idempotency_key_in_use"})
"""Error codes of a 4xx that Stripe says to retry: the same request may succeed later."""

AMOUNT_CODES = frozenset(
    {
        "amount_too_small",
        "amount_too_large",
        "invalid_charge_amount",
        "invalid_charge_amount_no_decimal_compatible",
        "invalid_amount",
        "amount_not_supported",
    }
)
"""Error codes by which Stripe refuses a charge's amount itself (not the customer's payment method)."""


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
        return ChargeResult(ChargeOutcome.SUCCEEDED, reference, method=method_charged(data))
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

    def void_open_payments(self, invoices: Sequence[Invoice], reason: str) -> None:
        """The invoices' PaymentIntents a customer could still confirm are cancelled at Stripe once the
        caller's transaction commits (an outbox, `stripe_webhooks.followups`, retried while Stripe is
        down)."""
        from saleor_subscriptions.stripe_webhooks.followups import cancel_open_intents

        cancel_open_intents(invoices, reason)

    def refund_unneeded(self, invoice: Invoice, reference: str, amount: Decimal, why: str) -> None:
        """A full refund of the PaymentIntent `reference` after the commit (an outbox), with the
        `payment_refunded_duplicate` event and an ERROR log (`stripe_webhooks.followups`)."""
        from saleor_subscriptions.stripe_webhooks.followups import refund_unneeded_payment

        refund_unneeded_payment(invoice, reference, amount, why)

    def finish_voiding(self, invoice: Invoice) -> bool:
        from saleor_subscriptions.stripe_webhooks.followups import finish_cancellations

        return finish_cancellations(invoice)

    def charge(self, request: ChargeRequest) -> ChargeResult:
        invoice = Invoice.objects.select_related("subscription").get(
            installation_id=request.installation_id, number=request.invoice_number
        )
        try:
            account = account_for(request.installation_id, invoice.subscription.channel_slug)
        except StripeSettingsError as exc:
            raise GatewayUnavailable(f"Stripe is not connected: {exc.message}") from exc
        try:
            return self._charge(self.client(account), account, request)
        except stripe.CardError as exc:
            return self._card_error(exc)
        except (stripe.InvalidRequestError, stripe.AuthenticationError, stripe.PermissionError) as exc:
            return _refused(exc, request)
        except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
            raise GatewayUnavailable(f"Stripe: {type(exc).__name__}: {exc}") from exc
        except stripe.StripeError as exc:  # APIError (5xx, 409 idempotency_key_in_use) and anything new
            raise GatewayUnavailable(f"Stripe answered {exc.http_status}: {exc}") from exc

    def _charge(
        self, client: stripe.StripeClient, account: StripeAccount, request: ChargeRequest
    ) -> ChargeResult:
        customer = find_stripe_customer(account, request.customer_key, client)
        if customer is None or not customer.default_payment_method_id:
            return ChargeResult(
                ChargeOutcome.DECLINED, "", "no_payment_method", "the customer has no saved payment method"
            )
        try:
            amount = to_minor(request.amount, request.currency)
        except StripeAmountError as exc:
            logger.error("invoice %s not charged: %s", request.invoice_number, exc)
            return ChargeResult(ChargeOutcome.AMOUNT_REFUSED, "", "amount_not_supported", str(exc))
        began = _attempt_began(request.idempotency_key)
        if began is not None and timezone.now() - began > KEY_MEMORY:
            # Stripe may have forgotten the key by now: a first try's PaymentIntent is the attempt's.
            earlier = _intent_with_key(client, customer.stripe_customer_id, request.idempotency_key, began)
            if earlier is not None:
                return naming_method(result_of_intent(earlier), earlier, customer)
        params: dict[str, Any] = {
            "amount": amount,
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
        try:
            intent = client.v1.payment_intents.create(
                params=params,  # type: ignore[arg-type]
                options={"idempotency_key": request.idempotency_key},
            )
        except stripe.IdempotencyError as exc:
            # The key was used with other parameters (the saved method changed between two tries of one
            # attempt): the first try's PaymentIntent is the attempt's, found by its metadata.
            found = _intent_with_key(client, customer.stripe_customer_id, request.idempotency_key, began)
            if found is None:
                key = request.idempotency_key
                raise GatewayUnavailable(f"Stripe refused the idempotency key {key}: {exc}") from exc
            return naming_method(result_of_intent(found), found, customer)
        crash_point("after_stripe_confirm")  # Stripe charged; the renewal has not stored it yet
        return naming_method(result_of_intent(intent), as_dict(intent), customer)

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

    def refund(
        self,
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
        charges = PaymentAttempt.objects.filter(
            invoice=invoice, status=PaymentAttempt.Status.SUCCEEDED
        ).exclude(reference="")
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
            if exc.code == "amount_too_large":
                raise RefundRefused(
                    "amount", RefundErrorCode.TOO_LARGE, exc.user_message or str(exc)
                ) from exc
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


def _attempt_began(idempotency_key: str) -> datetime | None:
    """When the renewal's attempt with this key was stored (before its first try), if it is one."""
    began: datetime | None = (
        PaymentAttempt.objects.filter(idempotency_key=idempotency_key)
        .values_list("created_at", flat=True)
        .first()
    )
    return began


def _intent_with_key(
    client: stripe.StripeClient, customer_id: str, key: str, since: datetime | None
) -> dict[str, Any] | None:
    """The customer's PaymentIntent whose metadata carries the attempt's idempotency key (made since the
    attempt began, an hour of clock skew allowed), read through every page of Stripe's list (which, unlike
    Stripe's search, shows a PaymentIntent as soon as it is made)."""
    params: dict[str, Any] = {"customer": customer_id, "limit": 100}
    if since is not None:
        params["created"] = {"gte": int((since - timedelta(hours=1)).timestamp())}
    listed = client.v1.payment_intents.list(params=params)  # type: ignore[arg-type]
    for intent in listed.auto_paging_iter():
        data = as_dict(intent)
        if (data.get("metadata") or {}).get("idempotency_key") == key:
            return data
    return None


def _refused(
    exc: stripe.InvalidRequestError | stripe.AuthenticationError | stripe.PermissionError,
    request: ChargeRequest,
) -> ChargeResult:
    """A request Stripe refuses for good: DECLINED with Stripe's code, so dunning goes on (retrying the same
    request would be refused again). The few 4xx codes Stripe says to retry stay GatewayUnavailable."""
    error = as_dict(exc.error)
    fallback = {
        stripe.AuthenticationError: "authentication_failed",
        stripe.PermissionError: "permission_denied",
    }.get(type(exc), "invalid_request")
    code = str(exc.code or error.get("code") or fallback)
    if code in RETRYABLE_CODES:
        raise GatewayUnavailable(f"Stripe answered {exc.http_status} {code}: {exc}") from exc
    reference = _id_of(error.get("payment_intent"))
    number, status = request.invoice_number, exc.http_status
    logger.error("invoice %s: Stripe refused the charge (%s %s): %s", number, status, code, exc)
    if isinstance(exc, stripe.InvalidRequestError) and (code in AMOUNT_CODES or exc.param == "amount"):
        return ChargeResult(ChargeOutcome.AMOUNT_REFUSED, reference, code, exc.user_message or str(exc))
    return ChargeResult(ChargeOutcome.DECLINED, reference, code, exc.user_message or str(exc))


def _refund_minor(amount: Decimal, currency: str) -> int:
    try:
        minor = to_minor(amount, currency)
    except StripeAmountError as exc:  # more decimals than Stripe's, 5.124 KWD, a fraction of ISK, Infinity
        raise RefundRefused("amount", RefundErrorCode.INVALID, str(exc)) from None
    if minor <= 0:
        raise RefundRefused("amount", RefundErrorCode.INVALID, "the amount to refund must be more than 0")
    return minor


def _setting_timeout() -> float:
    return float(settings.STRIPE_TIMEOUT_S)
