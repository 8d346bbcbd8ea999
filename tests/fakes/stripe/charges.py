"""Charges (the attempts behind a PaymentIntent), refunds, disputes and SEPA mandates."""

from __future__ import annotations

import copy
from typing import Any

from . import cards, errors
from .forms import Params, apply_metadata
from .state import Request, list_object

# Stripe's "Supported currencies": three-decimal currencies must end in 0 (5.124 KWD cannot be charged);
# ISK (and, as this app's table holds, HUF and TWD) are two-decimal in the API but charged in whole units.
THREE_DECIMAL = ("bhd", "jod", "kwd", "omr", "tnd")
WHOLE_UNITS_ONLY = ("huf", "isk", "twd")


def check_amount_steps(amount: int, currency: str) -> None:
    """Refuses an amount Stripe cannot charge in `currency` (param `amount`), as Stripe does."""
    if currency in THREE_DECIMAL and amount % 10:
        raise errors.invalid_request(
            f"Invalid amount. {currency.upper()} amounts must be rounded to the nearest ten (the last digit "
            "must be 0).",
            param="amount",
            code="invalid_charge_amount",
        )
    if currency in WHOLE_UNITS_ONLY and amount % 100:
        raise errors.invalid_request(
            f"Invalid amount. Currency {currency.upper()} has become effectively zero-decimal and charged "
            "amounts must be evenly divisible by 100.",
            param="amount",
            code="invalid_charge_amount_no_decimal_compatible",
        )


def new_charge(
    req: Request,
    pi: dict[str, Any],
    pm: dict[str, Any],
    status: str,
    *,
    mandate_id: str | None = None,
    three_d_secure: bool = False,
) -> dict[str, Any]:
    """A charge for one attempt of the PaymentIntent with this PaymentMethod; it becomes `latest_charge`."""
    if pm["type"] == "card":
        card = pm["card"]
        details: dict[str, Any] = {
            "type": "card",
            "card": {
                key: card[key]
                for key in ("brand", "country", "exp_month", "exp_year", "fingerprint", "funding", "last4")
            },
        }
        details["card"].update(
            network=card["brand"],
            mandate=None,
            three_d_secure=(
                {"authentication_flow": "challenge", "result": "authenticated", "version": "2.2.0"}
                if three_d_secure
                else None
            ),
        )
    elif pm["type"] in ("ideal", "bancontact"):
        details = {"type": pm["type"], pm["type"]: bank_redirect_details(pm)}
    else:
        sepa = pm["sepa_debit"]
        details = {
            "type": "sepa_debit",
            "sepa_debit": {
                key: sepa[key] for key in ("bank_code", "branch_code", "country", "fingerprint", "last4")
            },
        }
        details["sepa_debit"]["mandate"] = mandate_id
    charge = req.new(
        "charge",
        amount=pi["amount"],
        amount_captured=0,
        amount_refunded=0,
        application_fee_amount=None,
        balance_transaction=None,
        billing_details=copy.deepcopy(pm["billing_details"]),
        calculated_statement_descriptor="FAKE SHOP",
        captured=False,
        currency=pi["currency"],
        customer=pi["customer"],
        description=pi["description"],
        disputed=False,
        failure_balance_transaction=None,
        failure_code=None,
        failure_message=None,
        metadata=copy.deepcopy(pi["metadata"]),
        outcome=None,
        paid=False,
        payment_intent=pi["id"],
        payment_method=pm["id"],
        payment_method_details=details,
        receipt_email=pi["receipt_email"],
        receipt_url=None,
        refunded=False,
        review=None,
        statement_descriptor=None,
        status=status,
    )
    charge["receipt_url"] = f"{req.base_url}/fake/receipts/{charge['id']}"
    pi["latest_charge"] = charge["id"]
    return req.account.add(charge)


def bank_redirect_details(pm: dict[str, Any]) -> dict[str, Any]:
    """`payment_method_details.ideal` / `.bancontact` of a charge or set-up attempt: the bank the customer
    authorised at and the account's last four; `generated_sepa_debit` (and its mandate) are filled in when
    the payment leaves a SEPA Direct Debit method."""
    name = (pm["billing_details"].get("name") or "").upper() or None
    generated = {"generated_sepa_debit": None, "generated_sepa_debit_mandate": None, "verified_name": name}
    if pm["type"] == "bancontact":
        return {
            **cards.BANCONTACT_BANK,
            "iban_last4": cards.BANCONTACT_IBAN[-4:],
            "preferred_language": "en",
            **generated,
        }
    bank = pm["ideal"]["bank"] or cards.IDEAL_DEFAULT_BANK
    return {
        "bank": bank,
        "bic": cards.IDEAL_BICS[bank],
        "iban_last4": cards.ideal_iban(bank)[-4:],
        "transaction_id": pm["id"][-10:].upper(),
        **generated,
    }


def mark_succeeded(charge: dict[str, Any], captured: bool) -> None:
    charge.update(
        status="succeeded", paid=True, captured=captured, amount_captured=charge["amount"] if captured else 0
    )
    charge["outcome"] = {
        "network_status": "approved_by_network",
        "reason": None,
        "risk_level": "normal",
        "seller_message": "Payment complete.",
        "type": "authorized",
    }


def mark_failed(charge: dict[str, Any], failure_code: str, reason: str | None, message: str) -> None:
    charge.update(
        status="failed", paid=False, captured=False, failure_code=failure_code, failure_message=message
    )
    charge["outcome"] = {
        "network_status": "declined_by_network",
        "reason": reason,
        "risk_level": "normal",
        "seller_message": "The bank declined the payment.",
        "type": "issuer_declined",
    }


def retrieve_charge(req: Request, params: Params, charge_id: str) -> dict[str, Any]:
    return req.account.get(charge_id, "charge", "charge")


def list_charges(req: Request, params: Params) -> dict[str, Any]:
    params.only({"payment_intent", "customer", "limit", "starting_after", "ending_before", "created"})
    pi_id, customer_id = params.string("payment_intent"), params.string("customer")
    items = [
        charge
        for charge in req.account.of_kind("charge")
        if (pi_id is None or charge["payment_intent"] == pi_id)
        and (customer_id is None or charge["customer"] == customer_id)
    ]
    return list_object(items, params, "/v1/charges")


def _refundable_charge(req: Request, params: Params) -> dict[str, Any]:
    pi_id, charge_id = params.string("payment_intent"), params.string("charge")
    if pi_id is None and charge_id is None:
        raise errors.parameter_missing("payment_intent")
    if charge_id is not None:
        charge = req.account.get(charge_id, "charge", "charge")
    else:
        pi = req.account.get(pi_id, "payment_intent", "payment_intent")
        if pi["status"] != "succeeded" or pi["latest_charge"] is None:
            raise errors.invalid_request(
                f"The PaymentIntent {pi_id} has no successful charge to refund (it is {pi['status']}).",
                param="payment_intent",
                code="charge_not_refundable",
            )
        charge = req.account.objects[pi["latest_charge"]]
    if charge["status"] != "succeeded" or not charge["captured"]:
        raise errors.invalid_request(
            f"The charge {charge['id']} cannot be refunded: it is {charge['status']}.",
            param="charge",
            code="charge_not_refundable",
        )
    return charge


def create_refund(req: Request, params: Params) -> dict[str, Any]:
    """A full (no amount) or partial refund; more than what is left to refund is refused, as Stripe does."""
    params.only({"payment_intent", "charge", "amount", "reason", "metadata", "instructions_email"})
    charge = _refundable_charge(req, params)
    reason = params.string("reason", choices=("duplicate", "fraudulent", "requested_by_customer"))
    left = charge["amount_captured"] - charge["amount_refunded"]
    if left <= 0:
        raise errors.invalid_request(
            f"The charge {charge['id']} has already been refunded in full.",
            code="charge_already_refunded",
        )
    amount = params.integer("amount", minimum=1)
    if amount is None:
        amount = left
    if amount > left:
        raise errors.invalid_request(
            f"The refund of {amount} is more than the {left} left to refund on charge {charge['id']}.",
            param="amount",
            code="amount_too_large",
        )
    check_amount_steps(amount, charge["currency"])
    refund = req.new(
        "refund",
        amount=amount,
        balance_transaction=None,
        charge=charge["id"],
        currency=charge["currency"],
        description=None,
        destination_details=None,
        failure_reason=None,
        metadata=apply_metadata({}, params),
        payment_intent=charge["payment_intent"],
        reason=reason,
        receipt_number=None,
        source_transfer_reversal=None,
        status="succeeded",
        transfer_reversal=None,
    )
    req.account.add(refund)
    previous = {"amount_refunded": charge["amount_refunded"], "refunded": charge["refunded"]}
    charge["amount_refunded"] += amount
    charge["refunded"] = charge["amount_refunded"] >= charge["amount_captured"]
    req.emit("refund.created", refund)
    req.emit("charge.refunded", charge, previous)
    return refund


def retrieve_refund(req: Request, params: Params, refund_id: str) -> dict[str, Any]:
    return req.account.get(refund_id, "refund", "refund")


def list_refunds(req: Request, params: Params) -> dict[str, Any]:
    params.only({"payment_intent", "charge", "limit", "starting_after", "ending_before", "created"})
    pi_id, charge_id = params.string("payment_intent"), params.string("charge")
    items = [
        refund
        for refund in req.account.of_kind("refund")
        if (pi_id is None or refund["payment_intent"] == pi_id)
        and (charge_id is None or refund["charge"] == charge_id)
    ]
    return list_object(items, params, "/v1/refunds")


def open_dispute(
    req: Request, charge: dict[str, Any], reason: str = "fraudulent", amount: int | None = None
) -> dict[str, Any]:
    """A dispute on a succeeded charge (`charge.dispute.created`), as the customer's bank would open it."""
    if charge["status"] != "succeeded":
        raise ValueError(f"only a succeeded charge can be disputed, {charge['id']} is {charge['status']}")
    dispute = req.new(
        "dispute",
        amount=amount or charge["amount_captured"],
        balance_transactions=[],
        charge=charge["id"],
        currency=charge["currency"],
        evidence={},
        is_charge_refundable=False,
        metadata={},
        payment_intent=charge["payment_intent"],
        reason=reason,
        status="needs_response",
    )
    req.account.add(dispute)
    charge["disputed"] = True
    req.emit("charge.dispute.created", dispute)
    return dispute


def retrieve_dispute(req: Request, params: Params, dispute_id: str) -> dict[str, Any]:
    return req.account.get(dispute_id, "dispute", "dispute")


def customer_acceptance(params: Params | None, now: int) -> dict[str, Any] | None:
    """`mandate_data[customer_acceptance]` read as Stripe requires it (type, and for online the browser)."""
    if params is None:
        return None
    acceptance = params.nested("customer_acceptance")
    if acceptance is None:
        raise errors.parameter_missing("mandate_data[customer_acceptance]")
    kind = acceptance.string("type", required=True, choices=("online", "offline"))
    result: dict[str, Any] = {"accepted_at": now, "type": kind, "offline": None, "online": None}
    if kind == "online":
        online = acceptance.nested("online")
        if online is None:
            raise errors.parameter_missing("mandate_data[customer_acceptance][online]")
        result["online"] = {
            "ip_address": online.string("ip_address", required=True),
            "user_agent": online.string("user_agent", required=True),
        }
    else:
        result["offline"] = {}
    return result


def create_mandate(
    req: Request,
    pm: dict[str, Any],
    acceptance: dict[str, Any],
    *,
    multi_use: bool,
    amount: int | None = None,
    currency: str | None = None,
) -> dict[str, Any]:
    mandate = req.new(
        "mandate",
        customer_acceptance=acceptance,
        multi_use={} if multi_use else None,
        on_behalf_of=None,
        payment_method=pm["id"],
        payment_method_details={"type": "sepa_debit", "sepa_debit": {"reference": "", "url": ""}},
        single_use=None if multi_use else {"amount": amount, "currency": currency},
        status="active",
        type="multi_use" if multi_use else "single_use",
    )
    mandate["payment_method_details"]["sepa_debit"]["reference"] = mandate["id"][8:24].upper()
    mandate["payment_method_details"]["sepa_debit"]["url"] = f"{req.base_url}/fake/mandates/{mandate['id']}"
    req.account.add(mandate)
    if multi_use:
        req.account.internal[pm["id"]]["mandate"] = mandate["id"]
    return mandate


def active_mandate(req: Request, pm: dict[str, Any]) -> dict[str, Any] | None:
    mandate = req.account.objects.get(req.account.internal[pm["id"]].get("mandate") or "")
    return mandate if mandate is not None and mandate["status"] == "active" else None


def update_mandate(req: Request, mandate: dict[str, Any], status: str) -> None:
    """The bank or customer changed a mandate (e.g. revoked it: `inactive`): `mandate.updated`."""
    previous = {"status": mandate["status"]}
    mandate["status"] = status
    req.emit("mandate.updated", mandate, previous)


def retrieve_mandate(req: Request, params: Params, mandate_id: str) -> dict[str, Any]:
    return req.account.get(mandate_id, "mandate", "mandate")
