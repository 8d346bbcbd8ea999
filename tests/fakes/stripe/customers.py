"""Customers and PaymentMethods: create from test cards, tokens, `pm_card_…` shortcuts and test IBANs, and
iDEAL and Bancontact methods (single use: Stripe leaves a SEPA Direct Debit method, `generated_sepa_method`,
when they are set up for future use); attach (refused for cards that decline, as Stripe checks the card then),
detach, list."""

from __future__ import annotations

import hashlib
import time
from typing import Any

from . import cards, errors
from .forms import Params, apply_metadata
from .state import Request, list_object

CUSTOMER_PARAMS = {
    "email",
    "name",
    "description",
    "phone",
    "metadata",
    "payment_method",
    "invoice_settings",
    "preferred_locales",
    "address",
    "shipping",
}


def _fingerprint(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()[:16]


def _address(raw: Any = None) -> dict[str, Any]:
    fields = ("city", "country", "line1", "line2", "postal_code", "state")
    given = raw if isinstance(raw, dict) else {}
    return {key: given.get(key) or None for key in fields}


def _billing_details(params: Params | None) -> dict[str, Any]:
    given = params.data if params else {}
    return {
        "address": _address(given.get("address")),
        "email": given.get("email") or None,
        "name": given.get("name") or None,
        "phone": given.get("phone") or None,
        "tax_id": None,
    }


def _payment_method(
    req: Request,
    pm_type: str,
    details: dict[str, Any],
    billing: dict[str, Any],
    metadata: dict[str, str],
    **internal: Any,
) -> dict[str, Any]:
    pm = req.new(
        "payment_method",
        type=pm_type,
        allow_redisplay="unspecified",
        billing_details=billing,
        customer=None,
        metadata=metadata,
    )
    pm[pm_type] = details
    return req.account.add(pm, **internal)


def card_payment_method(
    req: Request,
    number: str,
    billing: dict[str, Any] | None = None,
    metadata: dict[str, str] | None = None,
    exp: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """A card PaymentMethod for a test card number; other numbers are refused as Stripe does in test mode."""
    card = cards.CARDS.get(number)
    if card is None:
        raise errors.StripeError(
            402,
            "card_error",
            "The card was declined: a test-mode request used a card that is not a test card.",
            code="card_declined",
            decline_code="test_mode_live_card",
            param="card[number]",
        )
    exp_month, exp_year = exp or (12, time.gmtime().tm_year + 3)
    details = {
        "brand": card.brand,
        "display_brand": card.brand,
        "country": card.country,
        "funding": card.funding,
        "exp_month": exp_month,
        "exp_year": exp_year,
        "last4": card.last4,
        "fingerprint": _fingerprint(number),
        "checks": {"address_line1_check": None, "address_postal_code_check": None, "cvc_check": "pass"},
        "generated_from": None,
        "networks": {"available": [card.brand], "preferred": None},
        "three_d_secure_usage": {"supported": True},
        "wallet": None,
    }
    return _payment_method(
        req,
        "card",
        details,
        billing or _billing_details(None),
        metadata or {},
        number=number,
        set_up_off_session=False,
        used=False,
    )


def sepa_payment_method(
    req: Request,
    iban: str,
    billing: dict[str, Any],
    metadata: dict[str, str] | None = None,
    param: str = "sepa_debit[iban]",
) -> dict[str, Any]:
    """A SEPA Direct Debit PaymentMethod: the IBAN must pass its checksum; the holder needs name and email."""
    compact = iban.replace(" ", "").upper()
    if not cards.iban_is_valid(compact):
        raise errors.invalid_request(
            f"The IBAN '{iban}' is not valid.", param=param, code="invalid_bank_account_iban"
        )
    for key in ("name", "email"):
        if not billing.get(key):
            raise errors.parameter_missing(f"billing_details[{key}]")
    details = {
        "bank_code": compact[4:12],
        "branch_code": "",
        "country": compact[:2],
        "fingerprint": _fingerprint(compact),
        "generated_from": {"charge": None, "setup_attempt": None},
        "last4": compact[-4:],
    }
    return _payment_method(req, "sepa_debit", details, billing, metadata or {}, iban=compact, used=False)


def bank_redirect_payment_method(
    req: Request, pm_type: str, billing: dict[str, Any], metadata: dict[str, str], bank: str | None = None
) -> dict[str, Any]:
    """An iDEAL (`ideal[bank]` optional: the customer picks the bank at iDEAL) or Bancontact PaymentMethod.
    Bancontact needs the holder's name. Either can pay once (the customer authorises each payment at the
    bank); only the SEPA Direct Debit method generated from it is reusable."""
    if pm_type == "bancontact":
        if not billing.get("name"):
            raise errors.parameter_missing("billing_details[name]")
        details: dict[str, Any] = {}
    else:
        details = {"bank": bank, "bic": cards.IDEAL_BICS.get(bank) if bank else None}
    return _payment_method(req, pm_type, details, billing, metadata, used=False)


def generated_sepa_method(
    req: Request, source: dict[str, Any], *, charge: str | None = None, setup_attempt: str | None = None
) -> dict[str, Any]:
    """The SEPA Direct Debit PaymentMethod Stripe makes from a succeeded iDEAL/Bancontact payment (or set-up)
    for future use: the account the customer paid from, the holder's name and email, `generated_from` naming
    the charge or set-up attempt. Stripe's test emails (`generatedSepaDebitIntentsFail@example.com`, …) decide
    how its debits settle."""
    if source["type"] == "bancontact":
        iban = cards.BANCONTACT_IBAN
    else:
        iban = cards.ideal_iban(source["ideal"]["bank"] or cards.IDEAL_DEFAULT_BANK)
    billing = {**source["billing_details"], "address": dict(source["billing_details"]["address"])}
    pm = sepa_payment_method(req, iban, billing, {}, param="payment_method")
    pm["sepa_debit"]["generated_from"] = {"charge": charge, "setup_attempt": setup_attempt}
    outcome = cards.generated_sepa_outcome(billing.get("email"))
    if outcome is not None:
        req.account.internal[pm["id"]]["outcome"] = outcome
    return pm


def payment_method_from_data(req: Request, params: Params, param: str) -> dict[str, Any]:
    """A PaymentMethod from `type` with `card[…]`, `sepa_debit[…]`, `ideal[bank]` or `bancontact` (create,
    and `payment_method_data`)."""
    pm_type = params.string("type", required=True, choices=("card", "sepa_debit", "ideal", "bancontact"))
    billing = _billing_details(params.nested("billing_details"))
    metadata = apply_metadata({}, params)
    if pm_type in ("ideal", "bancontact"):
        ideal = params.nested("ideal") if pm_type == "ideal" else None
        bank = ideal.string("bank", choices=tuple(cards.IDEAL_BICS)) if ideal is not None else None
        return bank_redirect_payment_method(req, pm_type, billing, metadata, bank)
    if pm_type == "card":
        card = params.nested("card")
        if card is None:
            raise errors.parameter_missing(f"{param}[card]" if param else "card")
        token = card.string("token")
        if token is not None:
            if token not in cards.CARD_TOKENS:
                raise errors.resource_missing("token", token, "card[token]")
            return card_payment_method(req, cards.CARD_TOKENS[token], billing, metadata)
        number = (card.string("number", required=True) or "").replace(" ", "")
        exp = (card.integer("exp_month", required=True) or 0, card.integer("exp_year", required=True) or 0)
        if exp[1] < time.gmtime().tm_year:
            raise errors.StripeError(
                402,
                "card_error",
                "The card's expiration year is invalid.",
                code="invalid_expiry_year",
                param="card[exp_year]",
            )
        return card_payment_method(req, number, billing, metadata, exp)
    sepa = params.nested("sepa_debit")
    if sepa is None:
        raise errors.parameter_missing("sepa_debit")
    return sepa_payment_method(req, sepa.string("iban", required=True) or "", billing, metadata)


def resolve(req: Request, reference: str, param: str) -> dict[str, Any]:
    """The PaymentMethod a `payment_method` parameter names: a `pm_…` id, or a new one from a shortcut."""
    if reference in cards.PAYMENT_METHOD_SHORTCUTS:
        return card_payment_method(req, cards.PAYMENT_METHOD_SHORTCUTS[reference])
    if reference in cards.SEPA_SHORTCUTS:
        billing = _billing_details(Params({"name": "Jenny Rosen", "email": "jenny.rosen@example.com"}))
        return sepa_payment_method(req, cards.SEPA_SHORTCUTS[reference], billing)
    return req.account.get(reference, "payment_method", param)


def attach(req: Request, pm: dict[str, Any], customer: dict[str, Any]) -> None:
    """Attach a PaymentMethod to a customer, refusing a declining card and one another customer holds."""
    if pm["customer"] == customer["id"]:
        return
    if pm["customer"] is not None:
        raise errors.unexpected_state(
            "payment_method",
            "The PaymentMethod is already attached to another customer.",
        )
    internal = req.account.internal[pm["id"]]
    if internal.get("used") and pm["customer"] is None:
        raise errors.invalid_request(
            "This PaymentMethod was used once without being attached to a customer; it cannot be used again.",
            code="payment_method_unexpected_state",
        )
    card = cards.CARDS.get(internal.get("number", ""))
    if card is not None and not card.attaches and card.decline is not None:
        code, decline_code = card.decline
        raise errors.StripeError(
            402, "card_error", "The card was declined.", code=code, decline_code=decline_code
        )
    pm["customer"] = customer["id"]
    req.emit("payment_method.attached", pm)


def create_payment_method(req: Request, params: Params) -> dict[str, Any]:
    params.only(
        {
            "type",
            "card",
            "sepa_debit",
            "ideal",
            "bancontact",
            "billing_details",
            "metadata",
            "customer",
            "payment_method",
            "allow_redisplay",
        }
    )
    return payment_method_from_data(req, params, "")


def retrieve_payment_method(req: Request, params: Params, pm_id: str) -> dict[str, Any]:
    return req.account.get(pm_id, "payment_method", "payment_method")


def update_payment_method(req: Request, params: Params, pm_id: str) -> dict[str, Any]:
    params.only({"metadata", "billing_details", "card", "allow_redisplay"})
    pm = req.account.get(pm_id, "payment_method", "payment_method")
    pm["metadata"] = apply_metadata(pm["metadata"], params)
    return pm


def attach_payment_method(req: Request, params: Params, pm_id: str) -> dict[str, Any]:
    params.only({"customer"})
    pm = resolve(req, pm_id, "payment_method")
    customer = req.account.get(params.string("customer", required=True), "customer", "customer")
    attach(req, pm, customer)
    return pm


def detach_payment_method(req: Request, params: Params, pm_id: str) -> dict[str, Any]:
    """Detach; the customer's default (invoice_settings.default_payment_method) is cleared with it."""
    params.only(())
    pm = req.account.get(pm_id, "payment_method", "payment_method")
    if pm["customer"] is None:
        raise errors.unexpected_state(
            "payment_method", "The PaymentMethod is not attached to a customer, so it cannot be detached."
        )
    customer = req.account.objects.get(pm["customer"])
    previous = {"customer": pm["customer"]}
    pm["customer"] = None
    if customer is not None and customer["invoice_settings"]["default_payment_method"] == pm["id"]:
        customer["invoice_settings"]["default_payment_method"] = None
    req.emit("payment_method.detached", pm, previous)
    return pm


def list_payment_methods(req: Request, params: Params, customer_id: str | None = None) -> dict[str, Any]:
    params.only({"customer", "type", "limit", "starting_after", "ending_before", "allow_redisplay"})
    customer_id = customer_id or params.string("customer")
    if customer_id is not None:
        req.account.get(customer_id, "customer", "customer")
    pm_type = params.string("type")
    items = [
        pm
        for pm in req.account.of_kind("payment_method")
        if (customer_id is None or pm["customer"] == customer_id)
        and (pm_type is None or pm["type"] == pm_type)
    ]
    url = f"/v1/customers/{customer_id}/payment_methods" if customer_id else "/v1/payment_methods"
    return list_object(items, params, url)


def list_customer_payment_methods(req: Request, params: Params, customer_id: str) -> dict[str, Any]:
    req.account.get(customer_id, "customer", "customer")
    return list_payment_methods(req, params, customer_id)


def _apply_customer_fields(req: Request, customer: dict[str, Any], params: Params) -> None:
    for key in ("email", "name", "description", "phone"):
        if key in params:
            customer[key] = params.string(key)
    if "preferred_locales" in params:
        customer["preferred_locales"] = params.array("preferred_locales")
    if "address" in params:
        customer["address"] = _address(params.raw("address"))
    customer["metadata"] = apply_metadata(customer["metadata"], params)
    settings = params.nested("invoice_settings")
    if settings is not None and "default_payment_method" in settings:
        pm_id = settings.string("default_payment_method")
        if pm_id is not None:
            pm = req.account.get(pm_id, "payment_method", "invoice_settings[default_payment_method]")
            if pm["customer"] != customer["id"]:
                raise errors.invalid_request(
                    f"The PaymentMethod {pm_id} must be attached to the customer to be its default.",
                    param="invoice_settings[default_payment_method]",
                )
        customer["invoice_settings"]["default_payment_method"] = pm_id


def create_customer(req: Request, params: Params) -> dict[str, Any]:
    params.only(CUSTOMER_PARAMS)
    pm_ref = params.string("payment_method")
    pm = resolve(req, pm_ref, "payment_method") if pm_ref else None
    customer = req.new(
        "customer",
        address=None,
        balance=0,
        currency=None,
        default_source=None,
        delinquent=False,
        description=None,
        discount=None,
        email=None,
        invoice_prefix=None,
        invoice_settings={
            "custom_fields": None,
            "default_payment_method": None,
            "footer": None,
            "rendering_options": None,
        },
        metadata={},
        name=None,
        next_invoice_sequence=1,
        phone=None,
        preferred_locales=[],
        shipping=None,
        tax_exempt="none",
        test_clock=None,
    )
    customer["invoice_prefix"] = customer["id"][4:12].upper()
    req.account.add(customer)
    if pm is not None:
        attach(req, pm, customer)
    _apply_customer_fields(req, customer, params)
    req.emit("customer.created", customer)
    return customer


def retrieve_customer(req: Request, params: Params, customer_id: str) -> dict[str, Any]:
    return req.account.get(customer_id, "customer")


def update_customer(req: Request, params: Params, customer_id: str) -> dict[str, Any]:
    params.only(CUSTOMER_PARAMS - {"payment_method"} | {"default_source"})
    customer = req.account.get(customer_id, "customer")
    before = {"invoice_settings": dict(customer["invoice_settings"]), "metadata": dict(customer["metadata"])}
    _apply_customer_fields(req, customer, params)
    req.emit("customer.updated", customer, before)
    return customer


def list_customers(req: Request, params: Params) -> dict[str, Any]:
    params.only({"email", "limit", "starting_after", "ending_before", "created"})
    email = params.string("email")
    items = [c for c in req.account.of_kind("customer") if email is None or c["email"] == email]
    return list_object(items, params, "/v1/customers")
