"""What happens when a PaymentIntent is confirmed with a PaymentMethod: the card's 3-D Secure and decline
behaviour, SEPA's `processing` and later settlement, and the customer passing or failing a challenge.

A decline changes the PaymentIntent (back to `requires_payment_method`, `last_payment_error`, a failed charge)
and returns the 402 StripeError that the API raises; the test helpers drop that error.
"""

from __future__ import annotations

import copy
from typing import Any

from . import cards, charges, customers, errors
from .state import Request, new_id

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
    """The bank's answer to a processing SEPA debit, by test IBAN: succeeded (maybe disputed) or failed."""
    charge = req.account.objects[pi["latest_charge"]]
    pm = req.account.objects[charge["payment_method"]]
    outcome = cards.sepa_behaviour(req.account.internal[pm["id"]]["iban"])
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


def complete_authentication(req: Request, pi: dict[str, Any], succeed: bool) -> None:
    """The customer passes (or fails) the 3-D Secure challenge of a PaymentIntent in `requires_action`."""
    if pi["status"] != "requires_action":
        raise ValueError(f"{pi['id']} is {pi['status']}, not requires_action")
    pm = req.account.objects[pi["payment_method"]]
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
