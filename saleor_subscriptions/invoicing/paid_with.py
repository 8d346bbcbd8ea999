"""How an invoice was paid, as it says so: "Paid on 16 December 2026 by Visa •••• 4242" (seed 003).

`PaidMethod` is what the invoice stores (`Invoice.paid_method_type`, `_brand`, `_last4`): Stripe's type of the
payment method that paid it (`card`, `sepa_debit`, `ideal`, `bancontact`, …) with a card's brand and the last
four digits Stripe reported, `bank_transfer` for an invoice staff marked paid, `credit` for one the credit
balance paid in full.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

BULLETS = "\u2022" * 4

_NAMES: dict[str, dict[str, str]] = {
    "en": {
        "sepa_debit": "SEPA Direct Debit",
        "ideal": "iDEAL",
        "bancontact": "Bancontact",
        "card": "card",
        "bank_transfer": "bank transfer",
        "credit": "credit balance",
    },
    "nl": {
        "sepa_debit": "SEPA-incasso",
        "ideal": "iDEAL",
        "bancontact": "Bancontact",
        "card": "kaart",
        "bank_transfer": "bankoverschrijving",
        "credit": "tegoed",
    },
}
_BRANDS = {
    "visa": "Visa",
    "mastercard": "Mastercard",
    "amex": "American Express",
    "discover": "Discover",
    "jcb": "JCB",
    "diners": "Diners Club",
    "unionpay": "UnionPay",
    "cartes_bancaires": "Cartes Bancaires",
}


@dataclass(frozen=True)
class PaidMethod:
    """The method that paid an invoice: Stripe's type, a card's brand and the last four digits, if known."""

    type: str
    brand: str = ""
    last4: str = ""


BANK_TRANSFER = PaidMethod("bank_transfer")
CREDIT = PaidMethod("credit")


def method_of(payment_method: Mapping[str, Any]) -> PaidMethod:
    """A Stripe PaymentMethod object's type, and for a card its brand and last four (for SEPA the IBAN's)."""
    kind = str(payment_method.get("type") or "")
    details = payment_method.get(kind)
    details = details if isinstance(details, Mapping) else {}
    return PaidMethod(kind, str(details.get("brand") or ""), str(details.get("last4") or ""))


def paid_with_text(method: PaidMethod, language: str) -> str:
    """The method as an invoice names it: "Visa •••• 4242", "SEPA Direct Debit", "iDEAL", "bank transfer"."""
    names = _NAMES.get(language, _NAMES["en"])
    if method.type == "card" and method.brand:
        brand = _BRANDS.get(method.brand, method.brand.replace("_", " ").title())
        return f"{brand} {BULLETS} {method.last4}" if method.last4 else brand
    if method.type == "sepa_debit" and method.last4:
        return f"{names['sepa_debit']} {BULLETS} {method.last4}"
    return names.get(method.type, method.type.replace("_", " "))
