"""What happens when a PaymentIntent is confirmed with a PaymentMethod: the card's 3-D Secure and decline
behaviour, SEPA's `processing` and later settlement, the customer passing or failing a challenge, and iDEAL
and Bancontact's redirect to the bank (`requires_action` until the customer authorises or refuses there; a
payment set up for future use leaves a SEPA Direct Debit method with a mandate, `generated_sepa_debit`).

A decline changes the PaymentIntent (back to `requires_payment_method`, `last_payment_error`, a failed charge)
and returns the 402 StripeError that the API raises; the test helpers drop that error.
"""

from __future__ import annotations

import copy
from typing import Any

from . import cards, charges, customers, errors
from .state import Request, new_id

REDIRECT_TYPES = ("ideal", "bancontact")
"""Single-use methods the customer authorises at their bank, each payment (Stripe's bank redirects)."""
AUTHENTICATION_REQUIRED = "The card was declined: this payment needs the customer to authenticate it."
DECLINE_MESSAGES = {
    "card_declined": "The card was declined.",
    "expired_card": "The card has expired.",
    "incorrect_cvc": "The card's security code is incorrect.",
    "processing_error": "An error occurred while processing the card.",
}


def needs_authentication(req: Request, pm: dict[str, Any], off_session: bool) -> bool:
    """3155 asks unless set up for off-session use and charged off-session; 3184 always; 0446 on-session."""
    card = cards.CARDS[req.account.internal[pm["id"]]["number"]]
    if card.auth is cards.Auth.NEVER:
        return False
    if card.auth is cards.Auth.ALWAYS:
        return True
    set_up = req.account.internal[pm["id"]]["set_up_off_session"] or card.auth is cards.Auth.SET_UP_ALREADY
    return not (off_session and set_up)


def _mark_used(req: Request, pm: dict[str, Any]) -> None:
    # A PaymentMethod that is not attached to a customer can be used for one payment only.
    if pm["customer"] is None:
        req.account.internal[pm["id"]]["used"] = True


def _save_for_future(req: Request, pi: dict[str, Any], pm: dict[str, Any]) -> None:
    """`setup_future_usage`: attach to the PaymentIntent's customer; off_session also sets the card up."""
    if pi["setup_future_usage"] is None:
        return
    if pi["customer"] is not None:
        customers.attach(req, pm, req.account.objects[pi["customer"]])
    if pi["setup_future_usage"] == "off_session" and pm["type"] == "card":
        req.account.internal[pm["id"]]["set_up_off_session"] = True


def decline(
    req: Request,
    pi: dict[str, Any],
    pm: dict[str, Any],
    charge: dict[str, Any],
    *,
    code: str,
    decline_code: str | None,
    message: str,
) -> errors.StripeError:
    charges.mark_failed(charge, decline_code or code, decline_code, message)
    pi.update(status="requires_payment_method", payment_method=None, next_action=None)
    pi["last_payment_error"] = {
        "charge": charge["id"],
        "code": code,
        "decline_code": decline_code,
        "doc_url": f"https://docs.stripe.com/error-codes/{code.replace('_', '-')}",
        "message": message,
        "payment_method": copy.deepcopy(pm),
        "type": "card_error",
    }
    _mark_used(req, pm)
    req.emit("charge.failed", charge)
    req.emit("payment_intent.payment_failed", pi)
    return errors.StripeError(
        402,
        "card_error",
        message,
        code=code,
        decline_code=decline_code,
        extra={
            "charge": charge["id"],
            "payment_intent": copy.deepcopy(pi),
            "payment_method": copy.deepcopy(pm),
        },
    )


def attempt_card(
    req: Request,
    pi: dict[str, Any],
    pm: dict[str, Any],
    *,
    off_session: bool,
    return_url: str | None,
    error_on_requires_action: bool,
) -> errors.StripeError | None:
    """Charge the card now, ask for a challenge (`requires_action`), or decline (the error is returned)."""
    if needs_authentication(req, pm, off_session):
        if off_session or error_on_requires_action:
            charge = charges.new_charge(req, pi, pm, "failed")
            return decline(
                req,
                pi,
                pm,
                charge,
                code="authentication_required",
                decline_code="authentication_required",
                message=AUTHENTICATION_REQUIRED,
            )
        challenge = f"{req.base_url}/fake/3ds/{pi['id']}"
        if return_url is not None:
            pi["next_action"] = {
                "type": "redirect_to_url",
                "redirect_to_url": {"return_url": return_url, "url": challenge},
            }
        else:
            pi["next_action"] = {
                "type": "use_stripe_sdk",
                "use_stripe_sdk": {
                    "type": "three_d_secure_redirect",
                    "stripe_js": challenge,
                    "source": new_id("src"),
                },
            }
        pi["status"] = "requires_action"
        req.emit("payment_intent.requires_action", pi)
        return None
    return charge_card(req, pi, pm, three_d_secure=False)


def charge_card(
    req: Request, pi: dict[str, Any], pm: dict[str, Any], three_d_secure: bool
) -> errors.StripeError | None:
    card = cards.CARDS[req.account.internal[pm["id"]]["number"]]
    charge = charges.new_charge(req, pi, pm, "pending", three_d_secure=three_d_secure)
    if card.decline is not None:
        code, decline_code = card.decline
        message = DECLINE_MESSAGES.get(code, "Declined.")
        return decline(req, pi, pm, charge, code=code, decline_code=decline_code or code, message=message)
    manual = pi["capture_method"] == "manual"
    charges.mark_succeeded(charge, captured=not manual)
    pi.update(next_action=None, last_payment_error=None)
    _save_for_future(req, pi, pm)
    _mark_used(req, pm)
    req.emit("charge.succeeded", charge)
    if manual:
        pi.update(status="requires_capture", amount_capturable=pi["amount"])
        req.emit("payment_intent.amount_capturable_updated", pi)
    else:
        pi.update(status="succeeded", amount_received=pi["amount"])
        req.emit("payment_intent.succeeded", pi)
    if card.disputed:
        charges.open_dispute(req, charge)
    return None


def attempt_sepa(
    req: Request, pi: dict[str, Any], pm: dict[str, Any], acceptance: dict[str, Any] | None
) -> None:
    """A SEPA debit is submitted: `processing` until the fake is told to settle it."""
    mandate = charges.active_mandate(req, pm)
    if mandate is None:
        assert acceptance is not None, "confirm checks that a mandate exists or mandate_data is given"
        multi_use = pi["setup_future_usage"] is not None
        mandate = charges.create_mandate(
            req, pm, acceptance, multi_use=multi_use, amount=pi["amount"], currency=pi["currency"]
        )
    charge = charges.new_charge(req, pi, pm, "pending", mandate_id=mandate["id"])
    charge.update(captured=True, amount_captured=pi["amount"])
    pi.update(status="processing", next_action=None, last_payment_error=None)
    req.account.internal[pi["id"]]["mandate"] = mandate["id"]
    _save_for_future(req, pi, pm)
    _mark_used(req, pm)
    req.emit("charge.pending", charge)
    req.emit("payment_intent.processing", pi)


def settle(req: Request, pi: dict[str, Any]) -> None:
    """The bank's answer to a processing SEPA debit, by test IBAN (or, for a method generated by iDEAL or
    Bancontact, by Stripe's test email): succeeded (maybe disputed) or failed."""
    charge = req.account.objects[pi["latest_charge"]]
    pm = req.account.objects[charge["payment_method"]]
    internal = req.account.internal[pm["id"]]
    outcome = cards.sepa_behaviour(internal["iban"])
    if internal.get("outcome") is not None:
        outcome = cards.Iban(internal["iban"], internal["outcome"])
    if outcome.failure_code is None:
        charges.mark_succeeded(charge, captured=True)
        pi.update(status="succeeded", amount_received=pi["amount"])
        req.emit("charge.succeeded", charge)
        req.emit("payment_intent.succeeded", pi)
        if outcome.outcome is cards.SepaOutcome.DISPUTED:
            charges.open_dispute(req, charge, reason="general")
        return
    message = "The bank refused the SEPA Direct Debit."
    charges.mark_failed(charge, outcome.failure_code, None, message)
    charge.update(amount_captured=0)
    pi.update(status="requires_payment_method", payment_method=None)
    pi["last_payment_error"] = {
        "code": outcome.failure_code,
        "message": message,
        "payment_method": copy.deepcopy(pm),
        "type": "card_error",
        "charge": charge["id"],
        "decline_code": None,
        "doc_url": None,
    }
    req.emit("charge.failed", charge)
    req.emit("payment_intent.payment_failed", pi)


def check_redirect(
    req: Request,
    pm: dict[str, Any],
    *,
    off_session: bool,
    return_url: str | None,
    setup_future_usage: str | None,
    acceptance: dict[str, Any] | None,
) -> None:
    """iDEAL and Bancontact: the customer authorises each payment at the bank, so the method pays once and
    never off-session; the confirmation needs the `return_url` the bank sends the customer back to, and when
    the payment is set up for future use, the holder's name and email and the SEPA mandate's acceptance
    (Stripe: "collecting payment method details and mandate acknowledgement")."""
    kind = pm["type"]
    if req.account.internal[pm["id"]].get("used"):
        raise errors.invalid_request(
            f"This PaymentMethod of type {kind} was used for a payment already and cannot be used again; "
            "charge the SEPA Direct Debit PaymentMethod it generated (generated_sepa_debit) instead.",
            param="payment_method",
            code="payment_method_unexpected_state",
        )
    if off_session:
        raise errors.invalid_request(
            f"A PaymentMethod of type {kind} needs the customer to authorise the payment at their bank and "
            "cannot be charged off_session.",
            param="off_session",
            code="payment_intent_invalid_parameter",
        )
    if not return_url:
        raise errors.parameter_missing("return_url")
    if setup_future_usage is None:
        return
    for key in ("name", "email"):
        if not pm["billing_details"].get(key):
            raise errors.invalid_request(
                f"The PaymentMethod needs billing_details[{key}] to generate the SEPA Direct Debit "
                "PaymentMethod of a payment set up for future use.",
                param=f"billing_details[{key}]",
                code="parameter_missing",
            )
    if acceptance is None:
        raise errors.parameter_missing("mandate_data")


def bank_redirect(req: Request, intent: dict[str, Any], return_url: str) -> dict[str, Any]:
    """`next_action` sending the customer to (the fake's page of) their bank, and back to `return_url`."""
    return {
        "type": "redirect_to_url",
        "redirect_to_url": {"return_url": return_url, "url": f"{req.base_url}/fake/bank/{intent['id']}"},
    }


def attempt_redirect(
    req: Request, pi: dict[str, Any], return_url: str, acceptance: dict[str, Any] | None
) -> None:
    """iDEAL/Bancontact: nothing is charged until the customer authorises at the bank (`requires_action`,
    `next_action.redirect_to_url`); the mandate acceptance is kept for the SEPA method the payment leaves."""
    pi.update(status="requires_action", next_action=bank_redirect(req, pi, return_url))
    req.account.internal[pi["id"]]["acceptance"] = acceptance
    req.emit("payment_intent.requires_action", pi)


def leave_sepa_method(
    req: Request,
    source: dict[str, Any],
    details: dict[str, Any],
    customer_id: str | None,
    acceptance: dict[str, Any],
    *,
    charge: str | None = None,
    setup_attempt: str | None = None,
) -> dict[str, Any]:
    """The SEPA Direct Debit method (with a multi-use mandate) an iDEAL/Bancontact payment or set-up leaves,
    attached to the customer and named in `details` (`generated_sepa_debit`, `…_mandate`)."""
    generated = customers.generated_sepa_method(req, source, charge=charge, setup_attempt=setup_attempt)
    mandate = charges.create_mandate(req, generated, acceptance, multi_use=True)
    if customer_id is not None:
        customers.attach(req, generated, req.account.objects[customer_id])
    details.update(generated_sepa_debit=generated["id"], generated_sepa_debit_mandate=mandate["id"])
    return generated


def complete_redirect(req: Request, pi: dict[str, Any], succeed: bool) -> None:
    """The customer authorises (or refuses) an iDEAL/Bancontact payment at the bank: `succeeded`, or back to
    `requires_payment_method` with `last_payment_error`. The iDEAL/Bancontact method is spent either way."""
    pm = req.account.objects[pi["payment_method"]]
    req.account.internal[pm["id"]]["used"] = True
    pi["next_action"] = None
    if not succeed:
        pi.update(status="requires_payment_method", payment_method=None)
        pi["last_payment_error"] = {
            "code": "payment_intent_authentication_failure",
            "doc_url": "https://docs.stripe.com/error-codes/payment-intent-authentication-failure",
            "message": "The customer did not authorise the payment at their bank; provide another "
            "PaymentMethod or try again.",
            "payment_method": copy.deepcopy(pm),
            "type": "invalid_request_error",
        }
        req.emit("payment_intent.payment_failed", pi)
        return
    charge = charges.new_charge(req, pi, pm, "pending")
    charges.mark_succeeded(charge, captured=True)
    acceptance = req.account.internal[pi["id"]].get("acceptance")
    if pi["setup_future_usage"] is not None and acceptance is not None:
        details = charge["payment_method_details"][pm["type"]]
        leave_sepa_method(req, pm, details, pi["customer"], acceptance, charge=charge["id"])
    pi.update(status="succeeded", amount_received=pi["amount"], last_payment_error=None)
    req.emit("charge.succeeded", charge)
    req.emit("payment_intent.succeeded", pi)


def complete_authentication(req: Request, pi: dict[str, Any], succeed: bool) -> None:
    """The customer passes (or fails) the 3-D Secure challenge of a PaymentIntent in `requires_action` (for
    iDEAL and Bancontact: authorises or refuses the payment at the bank, `complete_redirect`)."""
    if pi["status"] != "requires_action":
        raise ValueError(f"{pi['id']} is {pi['status']}, not requires_action")
    pm = req.account.objects[pi["payment_method"]]
    if pm["type"] in REDIRECT_TYPES:
        complete_redirect(req, pi, succeed)
        return
    pi["next_action"] = None
    if succeed:
        charge_card(req, pi, pm, three_d_secure=True)
        return
    pi.update(status="requires_payment_method", payment_method=None)
    pi["last_payment_error"] = {
        "code": "payment_intent_authentication_failure",
        "doc_url": "https://docs.stripe.com/error-codes/payment-intent-authentication-failure",
        "message": "The customer did not pass authentication; provide another PaymentMethod or try again.",
        "payment_method": copy.deepcopy(pm),
        "type": "invalid_request_error",
    }
    _mark_used(req, pm)
    req.emit("payment_intent.payment_failed", pi)
