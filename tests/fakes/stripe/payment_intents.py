"""PaymentIntents: create, update, confirm, capture, cancel, retrieve, list.

Status flow: requires_payment_method → requires_confirmation → (confirm) requires_action (3-D Secure; the
redirect to the bank of iDEAL and Bancontact) | processing (SEPA) | requires_capture (manual capture) |
succeeded; a decline goes back to requires_payment_method with the 402.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from . import charges, customers, errors, outcomes
from .forms import Params, apply_metadata
from .state import Request, list_object, new_id

CONFIRM_PARAMS = {
    "payment_method",
    "payment_method_data",
    "off_session",
    "return_url",
    "mandate_data",
    "setup_future_usage",
    "error_on_requires_action",
    "receipt_email",
    "use_stripe_sdk",
    "mandate",
    "capture_method",
    "payment_method_options",
    "shipping",
}
UPDATE_PARAMS = {
    "amount",
    "currency",
    "customer",
    "payment_method",
    "payment_method_types",
    "setup_future_usage",
    "metadata",
    "description",
    "receipt_email",
    "capture_method",
    "payment_method_options",
    "payment_method_data",
    "shipping",
    "statement_descriptor",
    "statement_descriptor_suffix",
}
CREATE_PARAMS = (
    CONFIRM_PARAMS
    | UPDATE_PARAMS
    | {
        "confirm",
        "automatic_payment_methods",
        "confirmation_method",
        "payment_method_configuration",
    }
)
SUPPORTED_TYPES = ("card", "sepa_debit", "ideal", "bancontact")
EUR_ONLY = ("sepa_debit", "ideal", "bancontact")
# The smallest amount Stripe charges, in minor units (50 cents for most currencies).
MINIMUM_AMOUNT = {"gbp": 30, "jpy": 50, "huf": 17500}
MAXIMUM_AMOUNT = 99_999_999  # Stripe's "Amount must be no more than 999,999.99" (eight digits)
SFU_CHOICES = ("on_session", "off_session")
CANCELABLE = ("requires_payment_method", "requires_confirmation", "requires_action", "requires_capture")


@dataclass
class Confirmation:
    pm: dict[str, Any]
    off_session: bool
    return_url: str | None
    error_on_requires_action: bool
    acceptance: dict[str, Any] | None


def _amount(params: Params, currency: str) -> int:
    amount = params.integer("amount", required=True, minimum=1) or 0
    if amount < MINIMUM_AMOUNT.get(currency, 50):
        raise errors.invalid_request(
            f"The amount must be at least {MINIMUM_AMOUNT.get(currency, 50)} {currency} minor units.",
            param="amount",
            code="amount_too_small",
        )
    if amount > MAXIMUM_AMOUNT:
        raise errors.invalid_request(
            f"Amount must be no more than {MAXIMUM_AMOUNT} {currency} minor units.",
            param="amount",
            code="amount_too_large",
        )
    charges.check_amount_steps(amount, currency)
    return amount


def _currency(params: Params) -> str:
    currency = (params.string("currency", required=True) or "").lower()
    if not re.fullmatch(r"[a-z]{3}", currency):
        raise errors.parameter_invalid("currency", f"Invalid currency: {currency}", "parameter_invalid")
    return currency


def _types(params: Params, currency: str, req: Request | None = None) -> list[str]:
    types = params.array("payment_method_types")
    automatic = params.nested("automatic_payment_methods")
    if not types:
        wide = automatic is not None and automatic.boolean("enabled") and currency == "eur"
        types = ["card", "sepa_debit"] if wide else ["card"]
    for index, pm_type in enumerate(types):
        if pm_type not in SUPPORTED_TYPES:
            raise errors.parameter_invalid(
                f"payment_method_types[{index}]",
                f"The payment method type '{pm_type}' is invalid.",
                "parameter_invalid",
            )
        if pm_type in outcomes.REDIRECT_TYPES and currency != "eur":
            # iDEAL and Bancontact take euros only (Stripe: "iDEAL doesn't support other currencies").
            raise errors.invalid_request(
                f"The currency provided ({currency}) is invalid. Payments with {pm_type} support the "
                "following currencies: eur.",
                param="currency",
                code="payment_intent_invalid_currency",
            )
    if req is not None:
        req.account.check_types(types)
    return types


def _payment_method(req: Request, params: Params) -> dict[str, Any] | None:
    reference = params.string("payment_method")
    if reference is not None:
        return customers.resolve(req, reference, "payment_method")
    data = params.nested("payment_method_data")
    return customers.payment_method_from_data(req, data, "payment_method_data") if data else None


def _off_session(params: Params) -> bool:
    return params.string("off_session", choices=("true", "false", "one_off", "recurring")) in (
        "true",
        "one_off",
        "recurring",
    )


def _check_confirmation(
    req: Request, pi: dict[str, Any], pm: dict[str, Any] | None, params: Params
) -> Confirmation:
    """Everything Stripe validates before it starts a payment attempt (nothing has changed yet)."""
    if pm is None:
        raise errors.invalid_request(
            "The PaymentIntent cannot be confirmed without a payment method; pass payment_method.",
            param="payment_method",
            code="payment_intent_unexpected_state",
        )
    if pm["type"] not in pi["payment_method_types"]:
        raise errors.invalid_request(
            f"The PaymentMethod type {pm['type']} is not one of this PaymentIntent's payment_method_types.",
            param="payment_method",
            code="payment_intent_incompatible_payment_method",
        )
    if pm["customer"] is not None and pm["customer"] != pi["customer"]:
        raise errors.invalid_request(
            f"The PaymentMethod {pm['id']} belongs to customer {pm['customer']}; pass that customer.",
            param="payment_method",
        )
    if pm["customer"] is None and req.account.internal[pm["id"]].get("used"):
        raise errors.invalid_request(
            "This PaymentMethod was used once without being attached to a customer; it cannot be used again.",
            param="payment_method",
            code="payment_method_unexpected_state",
        )
    off_session = _off_session(params)
    acceptance = charges.customer_acceptance(params.nested("mandate_data"), req.now)
    if pm["type"] in outcomes.REDIRECT_TYPES:
        sfu = params.string("setup_future_usage", choices=SFU_CHOICES) or pi["setup_future_usage"]
        outcomes.check_redirect(
            req,
            pm,
            off_session=off_session,
            return_url=params.string("return_url"),
            setup_future_usage=sfu,
            acceptance=acceptance,
        )
    if pm["type"] == "sepa_debit":
        if pi["currency"] != "eur":
            raise errors.invalid_request(
                "SEPA Direct Debit only takes payments in eur.",
                param="currency",
                code="payment_intent_invalid_currency",
            )
        if acceptance is None and charges.active_mandate(req, pm) is None:
            raise errors.parameter_missing("mandate_data")
    return Confirmation(
        pm, off_session, params.string("return_url"), params.boolean("error_on_requires_action"), acceptance
    )


def _run(req: Request, pi: dict[str, Any], confirmation: Confirmation) -> None:
    pm = confirmation.pm
    pi.update(payment_method=pm["id"], last_payment_error=None)
    req.account.internal[pi["id"]]["off_session"] = confirmation.off_session
    if pm["type"] in outcomes.REDIRECT_TYPES:
        assert confirmation.return_url is not None, "check_redirect requires it"
        outcomes.attempt_redirect(req, pi, confirmation.return_url, confirmation.acceptance)
        return
    if pm["type"] == "sepa_debit":
        outcomes.attempt_sepa(req, pi, pm, confirmation.acceptance)
        return
    error = outcomes.attempt_card(
        req,
        pi,
        pm,
        off_session=confirmation.off_session,
        return_url=confirmation.return_url,
        error_on_requires_action=confirmation.error_on_requires_action,
    )
    if error is not None:
        raise error


def create(req: Request, params: Params) -> dict[str, Any]:
    params.only(CREATE_PARAMS)
    currency = _currency(params)
    amount = _amount(params, currency)
    customer_id = params.string("customer")
    if customer_id is not None:
        req.account.get(customer_id, "customer", "customer")
    confirm = params.boolean("confirm")
    if "off_session" in params and not confirm:
        raise errors.invalid_request(
            "off_session can only be used together with confirm=true.", param="off_session"
        )
    pi = req.new(
        "payment_intent",
        amount=amount,
        amount_capturable=0,
        amount_details={"tip": {}},
        amount_received=0,
        application=None,
        application_fee_amount=None,
        automatic_payment_methods=None,
        canceled_at=None,
        cancellation_reason=None,
        capture_method=params.string("capture_method", choices=("automatic", "automatic_async", "manual"))
        or "automatic_async",
        client_secret="",
        confirmation_method="automatic",
        currency=currency,
        customer=customer_id,
        description=params.string("description"),
        last_payment_error=None,
        latest_charge=None,
        metadata=apply_metadata({}, params),
        next_action=None,
        on_behalf_of=None,
        payment_method=None,
        payment_method_configuration_details=None,
        payment_method_options={},
        payment_method_types=_types(params, currency, req),
        processing=None,
        receipt_email=params.string("receipt_email"),
        review=None,
        setup_future_usage=params.string("setup_future_usage", choices=SFU_CHOICES),
        shipping=None,
        source=None,
        statement_descriptor=params.string("statement_descriptor"),
        statement_descriptor_suffix=params.string("statement_descriptor_suffix"),
        status="requires_payment_method",
        transfer_data=None,
        transfer_group=None,
    )
    pi["client_secret"] = f"{pi['id']}_secret_{new_id('x')[2:]}"
    pi["payment_method_options"] = {pm_type: {} for pm_type in pi["payment_method_types"]}
    if "card" in pi["payment_method_options"]:
        pi["payment_method_options"]["card"] = {
            "request_three_d_secure": "automatic",
            "mandate_options": None,
        }
    pm = _payment_method(req, params)
    confirmation = _check_confirmation(req, pi, pm, params) if confirm else None
    if pm is not None and not confirm and pm["customer"] is not None and pm["customer"] != customer_id:
        raise errors.invalid_request(
            f"The PaymentMethod {pm['id']} belongs to customer {pm['customer']}; pass that customer.",
            param="payment_method",
        )
    if pm is not None:
        pi.update(payment_method=pm["id"], status="requires_confirmation")
    req.account.add(pi, off_session=False)
    req.emit("payment_intent.created", pi)
    if confirmation is not None:
        _run(req, pi, confirmation)
    return pi


def confirm(req: Request, params: Params, pi_id: str) -> dict[str, Any]:
    params.only(CONFIRM_PARAMS)
    pi = req.account.get(pi_id, "payment_intent", "intent")
    if pi["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise errors.unexpected_state(
            "payment_intent",
            f"This PaymentIntent's status is {pi['status']}, so it cannot be confirmed.",
        )
    pm = _payment_method(req, params)
    if pm is None and pi["payment_method"] is not None:
        pm = req.account.objects[pi["payment_method"]]
    confirmation = _check_confirmation(req, pi, pm, params)
    sfu = params.string("setup_future_usage", choices=SFU_CHOICES)
    if sfu is not None:
        pi["setup_future_usage"] = sfu
    if "receipt_email" in params:
        pi["receipt_email"] = params.string("receipt_email")
    _run(req, pi, confirmation)
    return pi


def update(req: Request, params: Params, pi_id: str) -> dict[str, Any]:
    params.only(UPDATE_PARAMS)
    pi = req.account.get(pi_id, "payment_intent", "intent")
    if pi["status"] in ("processing", "succeeded", "canceled", "requires_capture"):
        raise errors.unexpected_state(
            "payment_intent", f"A PaymentIntent that is {pi['status']} cannot be updated."
        )
    if "amount" in params:
        pi["amount"] = _amount(params, pi["currency"])
    for key in ("description", "receipt_email"):
        if key in params:
            pi[key] = params.string(key)
    if "setup_future_usage" in params:
        pi["setup_future_usage"] = params.string("setup_future_usage", choices=SFU_CHOICES)
    if "customer" in params:
        pi["customer"] = req.account.get(params.string("customer"), "customer", "customer")["id"]
    if "payment_method_types" in params:
        # Stripe checks the new types against the currency as at creation; a payment method already on the
        # intent that is not of them is taken off (the intent then needs a payment method again).
        pi["payment_method_types"] = _types(params, pi["currency"], req)
        current = pi["payment_method"] and req.account.objects.get(pi["payment_method"])
        if current and current["type"] not in pi["payment_method_types"]:
            pi.update(payment_method=None, status="requires_payment_method")
    pm = _payment_method(req, params)
    if pm is not None:
        pi.update(payment_method=pm["id"], status="requires_confirmation")
    pi["metadata"] = apply_metadata(pi["metadata"], params)
    return pi


def retrieve(req: Request, params: Params, pi_id: str) -> dict[str, Any]:
    params.only({"client_secret"})
    return req.account.get(pi_id, "payment_intent", "intent")


def capture(req: Request, params: Params, pi_id: str) -> dict[str, Any]:
    """Capture an authorised (manual capture) payment, fully or partly; the rest is released."""
    params.only({"amount_to_capture", "metadata", "final_capture", "statement_descriptor"})
    pi = req.account.get(pi_id, "payment_intent", "intent")
    if pi["status"] != "requires_capture":
        raise errors.unexpected_state(
            "payment_intent",
            f"This PaymentIntent's status is {pi['status']}, so it cannot be captured.",
        )
    amount = params.integer("amount_to_capture", minimum=1) or pi["amount_capturable"]
    if amount > pi["amount_capturable"]:
        raise errors.invalid_request(
            f"The amount to capture ({amount}) is more than the {pi['amount_capturable']} authorised.",
            param="amount_to_capture",
            code="amount_too_large",
        )
    charge = req.account.objects[pi["latest_charge"]]
    charge.update(captured=True, amount_captured=amount, amount_refunded=charge["amount"] - amount)
    pi.update(status="succeeded", amount_received=amount, amount_capturable=0)
    pi["metadata"] = apply_metadata(pi["metadata"], params)
    req.emit("charge.captured", charge)
    req.emit("payment_intent.succeeded", pi)
    return pi


def cancel(req: Request, params: Params, pi_id: str) -> dict[str, Any]:
    params.only({"cancellation_reason"})
    pi = req.account.get(pi_id, "payment_intent", "intent")
    if pi["status"] not in CANCELABLE:
        raise errors.unexpected_state(
            "payment_intent",
            f"This PaymentIntent's status is {pi['status']}, so it cannot be canceled.",
        )
    reason = params.string(
        "cancellation_reason", choices=("duplicate", "fraudulent", "requested_by_customer", "abandoned")
    )
    if pi["status"] == "requires_capture":
        charge = req.account.objects[pi["latest_charge"]]
        charge.update(amount_refunded=charge["amount"], refunded=True)
    pi.update(
        status="canceled",
        canceled_at=req.now,
        cancellation_reason=reason,
        amount_capturable=0,
        next_action=None,
    )
    req.emit("payment_intent.canceled", pi)
    return pi


def list_(req: Request, params: Params) -> dict[str, Any]:
    params.only({"customer", "limit", "starting_after", "ending_before", "created"})
    customer_id = params.string("customer")
    items = [pi for pi in req.account.of_kind("payment_intent") if customer_id in (None, pi["customer"])]
    return list_object(items, params, "/v1/payment_intents")
