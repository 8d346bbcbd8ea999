"""SetupIntents: save a payment method for later without charging it (a free trial, a card change).

On success the PaymentMethod is attached to the customer and, with `usage=off_session` (the default), a card
counts as set up for off-session use (4000 0025 0000 3155 then renews without a challenge); a SEPA account
gets a multi-use mandate. iDEAL and Bancontact send the customer to the bank (`requires_action`,
`redirect_to_url`); once authorised they leave a new SEPA Direct Debit method with a mandate, attached to the
customer and named by the set-up attempt
(`latest_attempt.payment_method_details.<type>.generated_sepa_debit`), while the SetupIntent's own
`payment_method` stays the spent iDEAL/Bancontact one. Each confirmation's outcome
is a SetupAttempt (`latest_attempt`; listed by `GET /v1/setup_attempts?setup_intent=`).
"""

from __future__ import annotations

import copy
from typing import Any

from . import cards, charges, customers, errors, outcomes
from .forms import Params, apply_metadata
from .outcomes import DECLINE_MESSAGES
from .state import Request, list_object, new_id

CONFIRM_PARAMS = {
    "payment_method",
    "payment_method_data",
    "mandate_data",
    "return_url",
    "use_stripe_sdk",
    "payment_method_options",
}
CREATE_PARAMS = CONFIRM_PARAMS | {
    "customer",
    "payment_method_types",
    "usage",
    "confirm",
    "metadata",
    "description",
    "automatic_payment_methods",
    "single_use",
    "on_behalf_of",
    "flow_directions",
}


def _payment_method(req: Request, params: Params) -> dict[str, Any] | None:
    reference = params.string("payment_method")
    if reference is not None:
        return customers.resolve(req, reference, "payment_method")
    data = params.nested("payment_method_data")
    return customers.payment_method_from_data(req, data, "payment_method_data") if data else None


def _check(
    req: Request, si: dict[str, Any], pm: dict[str, Any] | None, params: Params
) -> dict[str, Any] | None:
    """Validate a confirmation before anything changes; returns the mandate acceptance, if any."""
    if pm is None:
        raise errors.invalid_request(
            "The SetupIntent cannot be confirmed without a payment method.",
            param="payment_method",
            code="setup_intent_unexpected_state",
        )
    if pm["type"] not in si["payment_method_types"]:
        raise errors.invalid_request(
            f"The PaymentMethod type {pm['type']} is not one of this SetupIntent's payment_method_types.",
            param="payment_method",
        )
    if pm["customer"] is not None and pm["customer"] != si["customer"]:
        raise errors.invalid_request(
            f"The PaymentMethod {pm['id']} belongs to customer {pm['customer']}.", param="payment_method"
        )
    acceptance = charges.customer_acceptance(params.nested("mandate_data"), req.now)
    if pm["type"] in outcomes.REDIRECT_TYPES:
        outcomes.check_redirect(
            req,
            pm,
            off_session=False,
            return_url=params.string("return_url"),
            setup_future_usage=si["usage"],
            acceptance=acceptance,
        )
    if pm["type"] == "sepa_debit" and acceptance is None:
        raise errors.parameter_missing("mandate_data")
    return acceptance


def _attempt_details(pm: dict[str, Any]) -> dict[str, Any]:
    if pm["type"] in outcomes.REDIRECT_TYPES:
        return {"type": pm["type"], pm["type"]: charges.bank_redirect_details(pm)}
    if pm["type"] == "card":
        card = pm["card"]
        keys = ("brand", "country", "exp_month", "exp_year", "fingerprint", "funding", "last4")
        return {"type": "card", "card": {**{key: card[key] for key in keys}, "three_d_secure": None}}
    return {"type": pm["type"], pm["type"]: {}}


def _attempt(req: Request, si: dict[str, Any], pm: dict[str, Any], status: str) -> dict[str, Any]:
    """The SetupAttempt of one confirmation's outcome; it becomes the SetupIntent's `latest_attempt`."""
    attempt = req.new(
        "setup_attempt",
        application=None,
        attach_to_self=False,
        customer=si["customer"],
        flow_directions=None,
        on_behalf_of=None,
        payment_method=pm["id"],
        payment_method_details=_attempt_details(pm),
        setup_error=None,
        setup_intent=si["id"],
        status=status,
        usage=si["usage"],
    )
    si["latest_attempt"] = attempt["id"]
    return req.account.add(attempt)


def _succeed(req: Request, si: dict[str, Any], pm: dict[str, Any], acceptance: dict[str, Any] | None) -> None:
    attempt = _attempt(req, si, pm, "succeeded")
    if pm["type"] in outcomes.REDIRECT_TYPES:
        assert acceptance is not None, "check_redirect requires mandate_data"
        req.account.internal[pm["id"]]["used"] = True
        details = attempt["payment_method_details"][pm["type"]]
        outcomes.leave_sepa_method(req, pm, details, si["customer"], acceptance, setup_attempt=attempt["id"])
        si["mandate"] = details["generated_sepa_debit_mandate"]
    elif pm["type"] == "sepa_debit":
        assert acceptance is not None
        si["mandate"] = charges.create_mandate(req, pm, acceptance, multi_use=True)["id"]
    elif si["usage"] == "off_session":
        req.account.internal[pm["id"]]["set_up_off_session"] = True
    si.update(status="succeeded", next_action=None, last_setup_error=None)
    if si["customer"] is not None and pm["type"] not in outcomes.REDIRECT_TYPES:
        customers.attach(req, pm, req.account.objects[si["customer"]])
    req.emit("setup_intent.succeeded", si)


def _run(
    req: Request,
    si: dict[str, Any],
    pm: dict[str, Any],
    acceptance: dict[str, Any] | None,
    return_url: str | None,
) -> None:
    si.update(payment_method=pm["id"], last_setup_error=None)
    if pm["type"] in outcomes.REDIRECT_TYPES:
        assert return_url is not None, "check_redirect requires it"
        si.update(status="requires_action", next_action=outcomes.bank_redirect(req, si, return_url))
        req.account.internal[si["id"]]["acceptance"] = acceptance
        req.emit("setup_intent.requires_action", si)
        return
    if pm["type"] == "card":
        card = cards.CARDS[req.account.internal[pm["id"]]["number"]]
        if not card.attaches and card.decline is not None:
            code, decline_code = card.decline
            message = DECLINE_MESSAGES.get(code, "Declined.")
            si.update(status="requires_payment_method", payment_method=None)
            si["last_setup_error"] = {
                "code": code,
                "decline_code": decline_code,
                "message": message,
                "payment_method": copy.deepcopy(pm),
                "type": "card_error",
            }
            req.emit("setup_intent.setup_failed", si)
            raise errors.StripeError(
                402,
                "card_error",
                message,
                code=code,
                decline_code=decline_code,
                extra={"setup_intent": copy.deepcopy(si), "payment_method": copy.deepcopy(pm)},
            )
        if card.auth is not cards.Auth.NEVER:
            challenge = f"{req.base_url}/fake/3ds/{si['id']}"
            si["next_action"] = (
                {"type": "redirect_to_url", "redirect_to_url": {"return_url": return_url, "url": challenge}}
                if return_url
                else {
                    "type": "use_stripe_sdk",
                    "use_stripe_sdk": {
                        "type": "three_d_secure_redirect",
                        "stripe_js": challenge,
                        "source": new_id("src"),
                    },
                }
            )
            si["status"] = "requires_action"
            req.emit("setup_intent.requires_action", si)
            return
    _succeed(req, si, pm, acceptance)


def create(req: Request, params: Params) -> dict[str, Any]:
    params.only(CREATE_PARAMS)
    customer_id = params.string("customer")
    if customer_id is not None:
        req.account.get(customer_id, "customer", "customer")
    types = params.array("payment_method_types") or ["card"]
    for index, pm_type in enumerate(types):
        if pm_type not in ("card", "sepa_debit", *outcomes.REDIRECT_TYPES):
            raise errors.parameter_invalid(
                f"payment_method_types[{index}]",
                f"The payment method type '{pm_type}' is invalid.",
                "parameter_invalid",
            )
    req.account.check_types(types)
    si = req.new(
        "setup_intent",
        application=None,
        automatic_payment_methods=None,
        cancellation_reason=None,
        client_secret="",
        customer=customer_id,
        description=params.string("description"),
        flow_directions=None,
        last_setup_error=None,
        latest_attempt=None,
        mandate=None,
        metadata=apply_metadata({}, params),
        next_action=None,
        on_behalf_of=None,
        payment_method=None,
        payment_method_configuration_details=None,
        payment_method_options={},
        payment_method_types=types,
        single_use_mandate=None,
        status="requires_payment_method",
        usage=params.string("usage", choices=("on_session", "off_session")) or "off_session",
    )
    si["client_secret"] = f"{si['id']}_secret_{new_id('x')[2:]}"
    pm = _payment_method(req, params)
    confirm = params.boolean("confirm")
    acceptance = _check(req, si, pm, params) if confirm else None
    if pm is not None:
        si.update(payment_method=pm["id"], status="requires_confirmation")
    req.account.add(si)
    req.emit("setup_intent.created", si)
    if confirm and pm is not None:
        _run(req, si, pm, acceptance, params.string("return_url"))
    return si


def confirm(req: Request, params: Params, si_id: str) -> dict[str, Any]:
    params.only(CONFIRM_PARAMS)
    si = req.account.get(si_id, "setup_intent", "intent")
    if si["status"] not in ("requires_payment_method", "requires_confirmation"):
        raise errors.unexpected_state(
            "setup_intent", f"This SetupIntent's status is {si['status']}, so it cannot be confirmed."
        )
    pm = _payment_method(req, params)
    if pm is None and si["payment_method"] is not None:
        pm = req.account.objects[si["payment_method"]]
    acceptance = _check(req, si, pm, params)
    assert pm is not None
    _run(req, si, pm, acceptance, params.string("return_url"))
    return si


def retrieve(req: Request, params: Params, si_id: str) -> dict[str, Any]:
    params.only({"client_secret"})
    return req.account.get(si_id, "setup_intent", "intent")


def cancel(req: Request, params: Params, si_id: str) -> dict[str, Any]:
    params.only({"cancellation_reason"})
    si = req.account.get(si_id, "setup_intent", "intent")
    if si["status"] in ("succeeded", "canceled", "processing"):
        raise errors.unexpected_state(
            "setup_intent", f"This SetupIntent's status is {si['status']}, so it cannot be canceled."
        )
    si.update(
        status="canceled",
        next_action=None,
        cancellation_reason=params.string(
            "cancellation_reason", choices=("abandoned", "duplicate", "requested_by_customer")
        ),
    )
    req.emit("setup_intent.canceled", si)
    return si


def list_(req: Request, params: Params) -> dict[str, Any]:
    params.only({"customer", "payment_method", "limit", "starting_after", "ending_before", "created"})
    customer_id = params.string("customer")
    items = [si for si in req.account.of_kind("setup_intent") if customer_id in (None, si["customer"])]
    return list_object(items, params, "/v1/setup_intents")


def complete_authentication(req: Request, si: dict[str, Any], succeed: bool) -> None:
    """The customer passes (or fails) the challenge of a SetupIntent in `requires_action`."""
    if si["status"] != "requires_action":
        raise ValueError(f"{si['id']} is {si['status']}, not requires_action")
    pm = req.account.objects[si["payment_method"]]
    if succeed:
        _succeed(req, si, pm, req.account.internal[si["id"]].get("acceptance"))
        return
    redirect = pm["type"] in outcomes.REDIRECT_TYPES
    if redirect:
        req.account.internal[pm["id"]]["used"] = True
    si.update(status="requires_payment_method", payment_method=None, next_action=None)
    what = "authorise the set-up at their bank" if redirect else "pass authentication"
    si["last_setup_error"] = {
        "code": "setup_intent_authentication_failure",
        "message": f"The customer did not {what}; provide another PaymentMethod or try again.",
        "payment_method": copy.deepcopy(pm),
        "type": "invalid_request_error",
    }
    _attempt(req, si, pm, "failed")["setup_error"] = copy.deepcopy(si["last_setup_error"])
    req.emit("setup_intent.setup_failed", si)


def list_attempts(req: Request, params: Params) -> dict[str, Any]:
    """SetupAttempts of one SetupIntent (`setup_intent` is required), newest first."""
    params.only({"setup_intent", "limit", "starting_after", "ending_before", "created"})
    si_id = params.string("setup_intent", required=True)
    req.account.get(si_id, "setup_intent", "setup_intent")
    items = [a for a in req.account.of_kind("setup_attempt") if a["setup_intent"] == si_id]
    return list_object(items, params, "/v1/setup_attempts")
