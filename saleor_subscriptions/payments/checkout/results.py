"""Saleor's sync-webhook responses, made from the state of a Stripe intent.

A session (TRANSACTION_INITIALIZE_SESSION / TRANSACTION_PROCESS_SESSION) is answered by the intent's status,
prefixed by what happened (`CHARGE_…`, or `AUTHORIZATION_…` when the card was only authorised):

| Stripe status | result | amount |
|---|---|---|
| `succeeded` | CHARGE_SUCCESS (a SetupIntent: the flow's SUCCESS) | received (0 for a SetupIntent) |
| `requires_capture` | AUTHORIZATION_SUCCESS, actions CHARGE and CANCEL | capturable |
| `processing` (SEPA Direct Debit) | CHARGE_REQUEST (settled later) | the intent's |
| `requires_action`, `requires_confirmation`, `requires_payment_method` (no error) | …_ACTION_REQUIRED | |
| `requires_payment_method` with an error, `canceled` | …_FAILURE with Stripe's message | the intent's |

An ACTION_REQUIRED answer gives the storefront `data.clientSecret` for Stripe.js (and `data.nextAction`: 3-D
Secure, or for iDEAL and Bancontact the redirect to the customer's bank, which its message names). Every
response carries `pspReference` (the intent's id), `externalUrl` (the Stripe dashboard page) and a `message`;
`data` goes back to the storefront.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saleor_subscriptions.payments.checkout.intents import SEPA_GENERATING_TYPES
from saleor_subscriptions.payments.stripe_amounts import from_minor

MESSAGE_LIMIT = 512


def dashboard_url(intent_id: str, livemode: bool) -> str:
    """The intent's page in the Stripe dashboard."""
    section = "setup_intents" if intent_id.startswith("seti_") else "payments"
    test = "" if livemode else "test/"
    return f"https://dashboard.stripe.com/{test}{section}/{intent_id}"


def amount_json(amount: Decimal) -> str:
    """An amount as Saleor reads it: a decimal string (the schemas take a number or a string)."""
    return format(amount.normalize(), "f") if amount else "0"


def _message(text: str) -> str:
    return text[:MESSAGE_LIMIT]


def _error_message(intent: dict[str, Any]) -> str:
    error = intent.get("last_payment_error") or intent.get("last_setup_error") or {}
    code = error.get("decline_code") or error.get("code") or ""
    text = str(error.get("message") or "the payment failed")
    return f"{text} ({code})" if code else text


def _storefront_data(intent: dict[str, Any]) -> dict[str, Any]:
    key = "setupIntentId" if intent["object"] == "setup_intent" else "paymentIntentId"
    data: dict[str, Any] = {key: intent["id"], "status": intent["status"]}
    if intent["status"] not in ("succeeded", "canceled"):
        data["clientSecret"] = intent.get("client_secret")
    next_action = intent.get("next_action")
    if next_action:
        data["nextAction"] = next_action
    return data


def _action_message(status: str, method_type: str) -> str:
    if status != "requires_action":
        return "confirmation with Stripe.js required"
    if method_type in SEPA_GENERATING_TYPES:
        return f"authorisation at the customer's bank required ({method_type} redirect)"
    return "3-D Secure authentication required"


def session_result(
    intent: dict[str, Any], flow: str, livemode: bool, method_type: str = ""
) -> dict[str, Any]:
    """The response to a session webhook for an intent in its current state (see the module doc);
    `method_type`: the payment method's type, when known (it words what the customer has to do)."""
    status = str(intent["status"])
    setup = intent["object"] == "setup_intent"
    currency = str(intent.get("currency") or "usd").upper()
    if setup:
        amount, success_prefix = Decimal(0), flow
    else:
        amount = from_minor(int(intent["amount"]), currency)
        success_prefix = "CHARGE"
    response: dict[str, Any] = {
        "pspReference": str(intent["id"]),
        "amount": amount_json(amount),
        "externalUrl": dashboard_url(str(intent["id"]), livemode),
        "data": _storefront_data(intent),
    }
    failed = intent.get("last_payment_error") or intent.get("last_setup_error")
    if status == "succeeded":
        if not setup:
            amount = from_minor(int(intent.get("amount_received") or intent["amount"]), currency)
            response["amount"] = amount_json(amount)
        response |= {"result": f"{success_prefix}_SUCCESS", "message": "paid" if not setup else "saved"}
        response["actions"] = ["REFUND"] if not setup and amount else []
    elif status == "requires_capture":
        capturable = from_minor(int(intent.get("amount_capturable") or intent["amount"]), currency)
        response |= {
            "result": "AUTHORIZATION_SUCCESS",
            "amount": amount_json(capturable),
            "message": "authorized",
            "actions": ["CHARGE", "CANCEL"],
        }
    elif status == "processing":
        prefix = flow if setup else "CHARGE"
        response |= {"result": f"{prefix}_REQUEST", "message": "processing: the bank confirms later"}
    elif status == "canceled" or (status == "requires_payment_method" and failed):
        reason = "canceled" if status == "canceled" else _error_message(intent)
        response |= {"result": f"{flow}_FAILURE", "message": _message(reason)}
    else:
        response |= {"result": f"{flow}_ACTION_REQUIRED", "message": _action_message(status, method_type)}
    return response


def session_failure(flow: str, message: str, amount: Decimal | None = None) -> dict[str, Any]:
    """A FAILURE result without an intent (bad input, Stripe not configured or unreachable)."""
    response: dict[str, Any] = {"result": f"{flow}_FAILURE", "message": _message(message)}
    if amount is not None:
        response["amount"] = amount_json(amount)
    return response


def action_success(  # noqa: PLR0917 (one response's fields)
    kind: str,
    psp_reference: str,
    amount: Decimal,
    intent_id: str,
    livemode: bool,
    message: str,
    actions: list[str],
) -> dict[str, Any]:
    """`CHARGE_SUCCESS` / `REFUND_SUCCESS` / `CANCEL_SUCCESS` for a request done at Stripe."""
    return {
        "pspReference": psp_reference,
        "result": f"{kind}_SUCCESS",
        "amount": amount_json(amount),
        "externalUrl": dashboard_url(intent_id, livemode),
        "message": _message(message),
        "actions": actions,
    }


def refund_answer(  # noqa: PLR0917 (one response's fields)
    refund: Mapping[str, Any],
    refunded: Decimal,
    intent_id: str,
    livemode: bool,
    more_left: bool,
    requested: Decimal | None,
) -> dict[str, Any]:
    """Saleor's answer to a refund request from Stripe's refund: REFUND_SUCCESS for `refunded`, no result
    yet while Stripe is still refunding, else REFUND_FAILURE with Stripe's reason. `more_left`: REFUND
    stays among the transaction's actions."""
    refund_id, status = str(refund["id"]), str(refund.get("status") or "")
    more = ["REFUND"] if more_left else []
    if status == "succeeded":
        return action_success("REFUND", refund_id, refunded, intent_id, livemode, "refunded", more)
    if status in ("pending", "requires_action"):
        return {"pspReference": refund_id, "actions": more}
    reason = str(refund.get("failure_reason") or status)
    return action_failure("REFUND", f"Stripe did not refund: {reason}", refund_id, requested)


def action_failure(
    kind: str, message: str, psp_reference: str = "", amount: Decimal | None = None
) -> dict[str, Any]:
    response: dict[str, Any] = {"result": f"{kind}_FAILURE", "message": _message(message)}
    if psp_reference:
        response["pspReference"] = psp_reference
    if amount is not None:
        response["amount"] = amount_json(amount)
    return response
