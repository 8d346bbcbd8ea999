"""Charging a renewal invoice off-session on Stripe: an off-session PaymentIntent per invoice attempt.

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
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import stripe
from django.utils import timezone

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.charged_method import method_charged, naming_method
from saleor_subscriptions.payments.customers import find_stripe_customer
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_amounts import StripeAmountError, to_minor
from saleor_subscriptions.payments.stripe_client import as_dict, id_of
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, ChargeResult, GatewayUnavailable

logger = logging.getLogger(__name__)

ClientFor = Callable[[StripeAccount], stripe.StripeClient]
"""How a Stripe client is made for an account (`StripeGateway.client`)."""

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


def charge_invoice(client_for: ClientFor, request: ChargeRequest) -> ChargeResult:
    """One attempt of a renewal invoice, charged on the customer's saved payment method (see the module
    doc for the outcomes)."""
    invoice = Invoice.objects.select_related("subscription").get(
        installation_id=request.installation_id, number=request.invoice_number
    )
    try:
        account = account_for(request.installation_id, invoice.subscription.channel_slug)
    except StripeSettingsError as exc:
        raise GatewayUnavailable(f"Stripe is not connected: {exc.message}") from exc
    try:
        return _charge(client_for(account), account, request)
    except stripe.CardError as exc:
        return _card_error(exc)
    except (stripe.InvalidRequestError, stripe.AuthenticationError, stripe.PermissionError) as exc:
        return _refused(exc, request)
    except (stripe.APIConnectionError, stripe.RateLimitError) as exc:
        raise GatewayUnavailable(f"Stripe: {type(exc).__name__}: {exc}") from exc
    except stripe.StripeError as exc:  # APIError (5xx, 409 idempotency_key_in_use) and anything new
        raise GatewayUnavailable(f"Stripe answered {exc.http_status}: {exc}") from exc


def _charge(client: stripe.StripeClient, account: StripeAccount, request: ChargeRequest) -> ChargeResult:
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
    reference = id_of(error.get("payment_intent"))
    number, status = request.invoice_number, exc.http_status
    logger.error("invoice %s: Stripe refused the charge (%s %s): %s", number, status, code, exc)
    if isinstance(exc, stripe.InvalidRequestError) and (code in AMOUNT_CODES or exc.param == "amount"):
        return ChargeResult(ChargeOutcome.AMOUNT_REFUSED, reference, code, exc.user_message or str(exc))
    return ChargeResult(ChargeOutcome.DECLINED, reference, code, exc.user_message or str(exc))
