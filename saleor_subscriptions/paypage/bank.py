"""Paying an invoice, or saving the method renewals charge, by bank: SEPA Direct Debit, iDEAL, Bancontact.

Euros only (`payments.checkout.sessions.payment_method_types`, as for a checkout). Driven from the server
with a plain form (no Stripe.js: an IBAN is no card data): the app makes the PaymentMethod with the shop's
secret key, with the holder's name and email, and confirms the invoice's own PaymentIntent (the one the card
form confirms, so the invoice is never paid twice) or a new SetupIntent, with the mandate the customer
accepted on the page (`mandate_data`: online, their IP address and browser).

- SEPA Direct Debit: the debit is `processing` at once; the bank answers days later through Stripe's
  webhooks (`payment_intent.succeeded` / `payment_failed`), settled as a renewal's debit is. Saved, it is the
  method itself (attached, with a multi-use mandate).
- iDEAL and Bancontact: the customer is sent to their bank (`redirect_to_url`) and comes back to
  `…/return/`, where the intent read back from Stripe settles the invoice. Saved for renewals, they leave a
  SEPA Direct Debit method with its mandate (`generated_sepa_debit`), which becomes the default.

A shop whose Stripe account does not take a method (Stripe refuses the type) gets `method_not_available`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

import stripe
from django.core.validators import validate_email
from django.forms import ValidationError

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.payments.checkout import intents
from saleor_subscriptions.payments.checkout.sessions import payment_method_types
from saleor_subscriptions.payments.stripe_client import as_dict

BANK_TYPES = ("sepa_debit", "ideal", "bancontact")
IBAN = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
NAME_MAX = 200


def bank_methods(currency: str, inactive: frozenset[str] = frozenset()) -> tuple[str, ...]:
    """The bank methods offered for a currency (none but for euros), less those the shop's Stripe account
    does not take (`inactive`, `payments.capabilities`)."""
    return tuple(t for t in payment_method_types(currency) if t in BANK_TYPES and t not in inactive)


class BankRefusalCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    MANDATE_REQUIRED = "mandate_required"
    NOT_OFFERED = "method_not_offered"
    NOT_AVAILABLE = "method_not_available"
    DECLINED = "declined"


class BankRefusal(CodedError):
    """The form's input, or Stripe, refused the bank payment; `field` names the form field at fault."""


@dataclass(frozen=True)
class BankDetails:
    """What the form gave: the method, the holder, the IBAN (SEPA), the mandate accepted, and where from."""

    pm_type: str
    name: str
    email: str
    iban: str = ""
    mandate_accepted: bool = False
    ip_address: str = ""
    user_agent: str = ""


def read_form(
    post: Any, offered: tuple[str, ...], *, saving: bool, ip_address: str, user_agent: str
) -> BankDetails:
    """The form's fields checked: the method one `offered` (`bank_methods`); the holder's name (at most 200
    characters) and email; an IBAN of valid form and checksum for SEPA; the mandate accepted for SEPA, and
    for iDEAL/Bancontact when the payment is saved for renewals."""
    pm_type = str(post.get("bank_method", ""))
    if pm_type not in offered:
        refused = f"{pm_type or 'no method'} is not offered"
        raise BankRefusal(BankRefusalCode.NOT_OFFERED, refused, "bank_method")
    name = " ".join(str(post.get("holder_name", "")).split())
    if not name:
        raise BankRefusal(BankRefusalCode.REQUIRED, "the account holder's name is required", "holder_name")
    if len(name) > NAME_MAX:
        raise BankRefusal(BankRefusalCode.INVALID, f"at most {NAME_MAX} characters", "holder_name")
    email = str(post.get("holder_email", "")).strip()
    if not email:
        raise BankRefusal(BankRefusalCode.REQUIRED, "an email address is required", "holder_email")
    try:
        validate_email(email)
    except ValidationError:
        raise BankRefusal(BankRefusalCode.INVALID, "not an email address", "holder_email") from None
    iban = re.sub(r"\s", "", str(post.get("iban", ""))).upper()
    if pm_type == "sepa_debit":
        if not iban:
            raise BankRefusal(BankRefusalCode.REQUIRED, "the IBAN is required", "iban")
        if not IBAN.fullmatch(iban) or not _iban_checksum_ok(iban):
            raise BankRefusal(BankRefusalCode.INVALID, "not a valid IBAN", "iban")
    accepted = post.get("mandate") in ("on", "true", "1")
    if (pm_type == "sepa_debit" or saving) and not accepted:
        raise BankRefusal(BankRefusalCode.MANDATE_REQUIRED, "the mandate must be accepted", "mandate")
    return BankDetails(pm_type, name, email, iban if pm_type == "sepa_debit" else "", accepted,
                       ip_address, user_agent[:500])


def _iban_checksum_ok(iban: str) -> bool:
    moved = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in moved)) % 97 == 1


def _refused_by_stripe(exc: stripe.InvalidRequestError, details: BankDetails) -> BankRefusal:
    param = str(exc.param or "")
    if exc.code == "invalid_bank_account_iban" or param.startswith("sepa_debit"):
        return BankRefusal(BankRefusalCode.INVALID, exc.user_message or "not a valid IBAN", "iban")
    if param.startswith("payment_method_types") or exc.code in (
        "payment_intent_invalid_currency",
        "payment_method_type_not_activated",
    ):
        return BankRefusal(
            BankRefusalCode.NOT_AVAILABLE, f"the shop does not take {details.pm_type} payments", "bank_method"
        )
    return BankRefusal(BankRefusalCode.DECLINED, exc.user_message or str(exc), "bank_method")


def create_method(client: stripe.StripeClient, details: BankDetails) -> str:
    """The PaymentMethod of the form's details, made with the shop's secret key."""
    params: dict[str, Any] = {
        "type": details.pm_type,
        "billing_details": {"name": details.name, "email": details.email},
    }
    if details.pm_type == "sepa_debit":
        params["sepa_debit"] = {"iban": details.iban}
    try:
        made = client.v1.payment_methods.create(params=params)  # type: ignore[arg-type]
    except stripe.InvalidRequestError as exc:
        raise _refused_by_stripe(exc, details) from exc
    return str(made.id)


def _payer(customer_id: str, pm_id: str, details: BankDetails, return_url: str) -> intents.Payer:
    return intents.Payer(
        customer_id=customer_id,
        payment_method_id=pm_id,
        payment_method_type=details.pm_type,
        return_url=return_url,
        ip_address=details.ip_address,
        user_agent=details.user_agent,
    )


def confirm_payment(
    client: stripe.StripeClient,
    intent: dict[str, Any],
    details: BankDetails,
    *,
    return_url: str,
    save: bool,
) -> dict[str, Any]:
    """The invoice's PaymentIntent confirmed by bank: its types widened to the method first (and set up for
    future use when `save`); answers the intent as it is now (expanded `latest_charge`)."""
    update: dict[str, Any] = {}
    types = list(intent.get("payment_method_types") or ["card"])
    if details.pm_type not in types:
        update["payment_method_types"] = [*types, details.pm_type]
    if save and intent.get("setup_future_usage") != "off_session":
        update["setup_future_usage"] = "off_session"
    try:
        if update:
            intent = as_dict(client.v1.payment_intents.update(str(intent["id"]), params=update))  # type: ignore[arg-type]
        pm_id = create_method(client, details)
        payer = _payer(str(intent.get("customer") or ""), pm_id, details, return_url)
        return intents.confirm(client, intent, payer, details.pm_type)
    except stripe.InvalidRequestError as exc:
        raise _refused_by_stripe(exc, details) from exc
    except intents.StripeFailure as failure:
        raise BankRefusal(BankRefusalCode.DECLINED, failure.message, "bank_method") from failure


def setup(
    client: stripe.StripeClient,
    customer_id: str,
    details: BankDetails,
    *,
    return_url: str,
    metadata: dict[str, str],
) -> dict[str, Any]:
    """A SetupIntent saving the bank method for off-session renewals, confirmed at once (SEPA: succeeded;
    iDEAL/Bancontact: waiting for the bank, `requires_action`)."""
    pm_id = create_method(client, details)
    payer = _payer(customer_id, pm_id, details, return_url)
    key = f"bank-setup-{customer_id}-{pm_id}"
    try:
        return intents.create_setup_intent(client, payer, details.pm_type, metadata, key)
    except intents.StripeFailure as failure:
        if failure.code in ("payment_method_type_not_activated", "payment_intent_invalid_currency"):
            raise BankRefusal(
                BankRefusalCode.NOT_AVAILABLE,
                f"the shop does not take {details.pm_type} payments",
                "bank_method",
            ) from failure
        raise BankRefusal(BankRefusalCode.DECLINED, failure.message, "bank_method") from failure


def redirect_of(intent: dict[str, Any]) -> str | None:
    """The bank's page the customer is sent to, while the intent waits for it."""
    action = intent.get("next_action") or {}
    if intent.get("status") == "requires_action" and action.get("type") == "redirect_to_url":
        return str((action.get("redirect_to_url") or {}).get("url") or "") or None
    return None
