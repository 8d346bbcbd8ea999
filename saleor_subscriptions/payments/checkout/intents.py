"""The Stripe calls of checkout payments. Every object comes back as a plain dict (`StripeObject.to_dict()`).

A PaymentIntent is made for an amount due, a SetupIntent when nothing is due (a free trial): both on the
shop customer's Stripe customer, both leaving the payment method saved for off-session use when the
checkout holds a subscription line (`setup_future_usage=off_session`, `usage=off_session`). The payment
method comes from the storefront (`data.paymentMethodId`, made by Stripe.js) and is confirmed at once; without
one the intent waits for the storefront to confirm it with its `client_secret`.

Stripe errors are returned as `StripeFailure` (the caller answers Saleor with a FAILURE result and Stripe's
message), except a card decline on a confirmation, which leaves the intent (in `requires_payment_method`,
with `last_payment_error`) to be answered from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import stripe

# Methods that debit a bank account and need a mandate the customer accepted; iDEAL and Bancontact leave a
# SEPA Direct Debit mandate behind when they are set up for future use (Stripe: generated_sepa_debit).
MANDATE_TYPES = frozenset({"sepa_debit"})
SEPA_GENERATING_TYPES = frozenset({"ideal", "bancontact"})
MANUAL_CAPTURE_TYPES = frozenset({"card"})
"""Only cards can be authorised now and captured later; other methods are charged at once."""


class StripeFailure(Exception):
    """Stripe refused the call or could not be reached: `message` says what, `code` is Stripe's code."""

    def __init__(self, message: str, code: str = "", intent: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.intent = intent


def plain(obj: Any) -> dict[str, Any]:
    """A Stripe object as a plain dict (nested objects too)."""
    if isinstance(obj, stripe.StripeObject):
        return obj.to_dict(recursive=True)
    return dict(obj)


def _failure(exc: stripe.StripeError) -> StripeFailure:
    message = exc.user_message or str(exc) or type(exc).__name__
    if isinstance(exc, stripe.APIConnectionError):
        message = f"Stripe could not be reached: {message}"
    return StripeFailure(message, str(exc.code or ""))


@dataclass(frozen=True)
class Payer:
    """Who pays and how: the Stripe customer, the method the storefront chose (may be empty), and what a
    mandate needs (the customer's IP address and browser)."""

    customer_id: str
    payment_method_id: str = ""
    payment_method_type: str = ""
    return_url: str = ""
    ip_address: str = ""
    user_agent: str = ""


@dataclass(frozen=True)
class Charge:
    amount_minor: int
    currency: str
    manual_capture: bool
    save_for_renewals: bool
    payment_method_types: tuple[str, ...] = ()
    metadata: dict[str, str] = field(default_factory=dict)
    description: str = ""


def payment_method_type(client: stripe.StripeClient, payer: Payer) -> str:
    """The type of the storefront's payment method: as the storefront said, else as Stripe has it; "" when
    Stripe cannot tell (Stripe then checks the method against the intent itself)."""
    if payer.payment_method_type or not payer.payment_method_id:
        return payer.payment_method_type
    try:
        found = client.v1.payment_methods.retrieve(payer.payment_method_id)
    except stripe.InvalidRequestError:
        return ""
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return str(found["type"])


def _mandate(payer: Payer) -> dict[str, Any]:
    return {
        "customer_acceptance": {
            "type": "online",
            "online": {
                "ip_address": payer.ip_address or "0.0.0.0",
                "user_agent": payer.user_agent or "unknown",
            },
        }
    }


def _needs_mandate(pm_type: str, save: bool) -> bool:
    return pm_type in MANDATE_TYPES or (save and pm_type in SEPA_GENERATING_TYPES)


def _confirm_now(params: dict[str, Any], payer: Payer, pm_type: str, save: bool) -> None:
    """When the storefront gave a payment method: confirm with it at once (its return URL, and the mandate a
    SEPA debit, or a method leaving one, needs)."""
    if not payer.payment_method_id:
        return
    params |= {"payment_method": payer.payment_method_id, "confirm": True}
    if payer.return_url:
        params["return_url"] = payer.return_url
    if _needs_mandate(pm_type, save):
        params["mandate_data"] = _mandate(payer)


def _create(service: Any, kind: str, params: dict[str, Any], idempotency_key: str) -> dict[str, Any]:
    """The intent made by `service` (PaymentIntents or SetupIntents); a declined confirmation answers with
    the intent Stripe puts on the error (`kind`: payment_intent or setup_intent), as it stands."""
    try:
        created = service.create(params=params, options={"idempotency_key": idempotency_key})
    except stripe.CardError as exc:
        declined = getattr(exc.error, kind, None) if exc.error is not None else None
        if declined is not None:
            return plain(declined)
        raise _failure(exc) from exc
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return plain(created)


def create_payment_intent(
    client: stripe.StripeClient, charge: Charge, payer: Payer, pm_type: str, idempotency_key: str
) -> dict[str, Any]:
    """A PaymentIntent for `charge` on the payer's customer, confirmed when a payment method was given."""
    params: dict[str, Any] = {
        "amount": charge.amount_minor,
        "currency": charge.currency.lower(),
        "customer": payer.customer_id,
        "metadata": charge.metadata,
    }
    if charge.description:
        params["description"] = charge.description
    types = (pm_type,) if pm_type else charge.payment_method_types
    if types:
        params["payment_method_types"] = list(types)
    if charge.manual_capture and (not pm_type or pm_type in MANUAL_CAPTURE_TYPES):
        params["capture_method"] = "manual"
    if charge.save_for_renewals:
        params["setup_future_usage"] = "off_session"
    _confirm_now(params, payer, pm_type, charge.save_for_renewals)
    return _create(client.v1.payment_intents, "payment_intent", params, idempotency_key)


def create_setup_intent(
    client: stripe.StripeClient,
    payer: Payer,
    pm_type: str,
    metadata: dict[str, str],
    idempotency_key: str,
    *,
    payment_method_types: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A SetupIntent saving the payer's method for off-session charges (nothing is charged now); without a
    method yet, it allows `payment_method_types` (what the storefront may offer: iDEAL and Bancontact too,
    which leave a SEPA Direct Debit method), as an unconfirmed PaymentIntent does."""
    params: dict[str, Any] = {"customer": payer.customer_id, "usage": "off_session", "metadata": metadata}
    types = (pm_type,) if pm_type else payment_method_types
    if types:
        params["payment_method_types"] = list(types)
    _confirm_now(params, payer, pm_type, save=True)
    return _create(client.v1.setup_intents, "setup_intent", params, idempotency_key)


def retrieve(client: stripe.StripeClient, intent_id: str) -> dict[str, Any]:
    """The PaymentIntent (with its latest charge) or SetupIntent (with its latest attempt), as it is now."""
    try:
        if intent_id.startswith("seti_"):
            return plain(client.v1.setup_intents.retrieve(intent_id, params={"expand": ["latest_attempt"]}))
        return plain(client.v1.payment_intents.retrieve(intent_id, params={"expand": ["latest_charge"]}))
    except stripe.StripeError as exc:
        raise _failure(exc) from exc


def confirm(
    client: stripe.StripeClient, intent: dict[str, Any], payer: Payer, pm_type: str
) -> dict[str, Any]:
    """Confirms a waiting intent with the payment method the storefront gives at process time."""
    params: dict[str, Any] = {"payment_method": payer.payment_method_id}
    if payer.return_url:
        params["return_url"] = payer.return_url
    save = intent["object"] == "setup_intent" or intent.get("setup_future_usage") == "off_session"
    if _needs_mandate(pm_type, save):
        params["mandate_data"] = _mandate(payer)
    try:
        if intent["object"] == "setup_intent":
            client.v1.setup_intents.confirm(intent["id"], params=params)  # type: ignore[arg-type]
        else:
            client.v1.payment_intents.confirm(intent["id"], params=params)  # type: ignore[arg-type]
    except stripe.CardError:
        pass  # the intent holds the decline (last_payment_error / last_setup_error)
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return retrieve(client, str(intent["id"]))


def capture(
    client: stripe.StripeClient, intent_id: str, amount_minor: int, idempotency_key: str
) -> dict[str, Any]:
    try:
        captured = client.v1.payment_intents.capture(
            intent_id,
            params={"amount_to_capture": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return plain(captured)


def refund(
    client: stripe.StripeClient, intent_id: str, amount_minor: int, idempotency_key: str
) -> dict[str, Any]:
    try:
        made = client.v1.refunds.create(
            params={"payment_intent": intent_id, "amount": amount_minor},
            options={"idempotency_key": idempotency_key},
        )
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
    return plain(made)


def cancel(client: stripe.StripeClient, intent_id: str) -> dict[str, Any]:
    try:
        if intent_id.startswith("seti_"):
            return plain(client.v1.setup_intents.cancel(intent_id))
        return plain(client.v1.payment_intents.cancel(intent_id))
    except stripe.StripeError as exc:
        raise _failure(exc) from exc
