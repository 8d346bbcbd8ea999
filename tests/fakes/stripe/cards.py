"""Stripe's test cards and test IBANs, by their own numbers, and how each behaves.

Sources: Stripe's testing page (docs.stripe.com/testing): declines, "regulatory" (3-D Secure) cards, and the
SEPA Direct Debit test account numbers. The `pm_card_…` ids and `tok_…` tokens are Stripe's own shortcuts.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Auth(enum.Enum):
    """When a card asks for 3-D Secure."""

    NEVER = "never"
    # 4000 0025 0000 3155: on every on-session payment; off-session only when it was not set up for it.
    UNLESS_SET_UP = "unless_set_up"
    # 4000 0027 6000 3184: on every payment, however it was set up.
    ALWAYS = "always"
    # 4000 0038 0000 0446: on-session payments ask; off-session ones pass as if set up already.
    SET_UP_ALREADY = "set_up_already"


@dataclass(frozen=True)
class Card:
    number: str
    brand: str
    funding: str = "credit"
    country: str = "US"
    auth: Auth = Auth.NEVER
    # A charge (after any authentication) is declined with this error code and decline code.
    decline: tuple[str, str | None] | None = None
    # Declining cards are refused when attached to a customer too (Stripe checks the card then), except 0341.
    attaches: bool = True
    disputed: bool = False

    @property
    def last4(self) -> str:
        return self.number[-4:]


_GENERIC = ("card_declined", "generic_decline")
_FUNDS = ("card_declined", "insufficient_funds")

CARDS: dict[str, Card] = {
    card.number: card
    for card in (
        Card("4242424242424242", "visa"),
        Card("4000056655665556", "visa", funding="debit"),
        Card("5555555555554444", "mastercard"),
        Card("378282246310005", "amex"),
        Card("4000000000000002", "visa", decline=_GENERIC, attaches=False),
        Card("4000000000009995", "visa", decline=_FUNDS, attaches=False),
        Card("4000000000009987", "visa", decline=("card_declined", "lost_card"), attaches=False),
        Card("4000000000009979", "visa", decline=("card_declined", "stolen_card"), attaches=False),
        Card("4000000000000069", "visa", decline=("expired_card", None), attaches=False),
        Card("4000000000000127", "visa", decline=("incorrect_cvc", None), attaches=False),
        Card("4000000000000119", "visa", decline=("processing_error", None), attaches=False),
        Card("4000000000000341", "visa", decline=_GENERIC),
        Card("4000000000000259", "visa", disputed=True),
        Card("4000002500003155", "visa", country="IE", auth=Auth.UNLESS_SET_UP),
        Card("4000002760003184", "visa", country="DE", auth=Auth.ALWAYS),
        Card("4000003800000446", "visa", country="IE", auth=Auth.SET_UP_ALREADY),
        Card("4000008260003178", "visa", country="GB", auth=Auth.ALWAYS, decline=_FUNDS),
        Card("4000000000003220", "visa", auth=Auth.ALWAYS),
    )
}

# Stripe's ready-made PaymentMethods: each use makes a new PaymentMethod with its own `pm_` id.
PAYMENT_METHOD_SHORTCUTS: dict[str, str] = {
    "pm_card_visa": "4242424242424242",
    "pm_card_visa_debit": "4000056655665556",
    "pm_card_mastercard": "5555555555554444",
    "pm_card_amex": "378282246310005",
    "pm_card_chargeDeclined": "4000000000000002",
    "pm_card_visa_chargeDeclined": "4000000000000002",
    "pm_card_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_visa_chargeDeclinedInsufficientFunds": "4000000000009995",
    "pm_card_chargeDeclinedLostCard": "4000000000009987",
    "pm_card_chargeDeclinedStolenCard": "4000000000009979",
    "pm_card_chargeDeclinedExpiredCard": "4000000000000069",
    "pm_card_chargeDeclinedIncorrectCvc": "4000000000000127",
    "pm_card_chargeDeclinedProcessingError": "4000000000000119",
    "pm_card_chargeCustomerFail": "4000000000000341",
    "pm_card_createDispute": "4000000000000259",
    "pm_card_authenticationRequiredOnSetup": "4000002500003155",
    "pm_card_authenticationRequired": "4000002760003184",
    "pm_card_authenticationRequiredSetupForOffSession": "4000003800000446",
    "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds": "4000008260003178",
    "pm_card_threeDSecure2Required": "4000000000003220",
}

# Card tokens (`card[token]=tok_visa`) name the same cards as the PaymentMethod shortcuts.
CARD_TOKENS: dict[str, str] = {
    "tok_" + shortcut.removeprefix("pm_card_"): number
    for shortcut, number in PAYMENT_METHOD_SHORTCUTS.items()
}


class SepaOutcome(enum.Enum):
    SUCCEEDS = "succeeds"
    FAILS = "fails"
    INSUFFICIENT_FUNDS = "insufficient_funds"
    DISPUTED = "disputed"


@dataclass(frozen=True)
class Iban:
    iban: str
    outcome: SepaOutcome

    @property
    def failure_code(self) -> str | None:
        # Stripe names `insufficient_funds` for its own IBAN; for the plain failing one the fake picks a
        # generic code (Stripe's page only says the PaymentIntent goes back to requires_payment_method).
        return {
            SepaOutcome.FAILS: "generic_could_not_process",
            SepaOutcome.INSUFFICIENT_FUNDS: "insufficient_funds",
        }.get(self.outcome)


IBANS: dict[str, Iban] = {
    entry.iban: entry
    for entry in (
        Iban("DE89370400440532013000", SepaOutcome.SUCCEEDS),
        Iban("DE62370400440532013001", SepaOutcome.FAILS),
        Iban("DE35370400440532013002", SepaOutcome.DISPUTED),
        Iban("DE65370400440002222227", SepaOutcome.INSUFFICIENT_FUNDS),
        Iban("NL39RABO0300065264", SepaOutcome.SUCCEEDS),
        Iban("NL91ABNA0417164300", SepaOutcome.FAILS),
        Iban("AT611904300234573201", SepaOutcome.SUCCEEDS),
    )
}

SEPA_SHORTCUTS: dict[str, str] = {
    "pm_success_de": "DE89370400440532013000",
    "pm_failed_de": "DE62370400440532013001",
    "pm_disputed_de": "DE35370400440532013002",
    "pm_insufficientFunds_de": "DE65370400440002222227",
    "pm_success_nl": "NL39RABO0300065264",
    "pm_failed_nl": "NL91ABNA0417164300",
}


def iban_is_valid(iban: str) -> bool:
    """The ISO 13616 check: move the first four characters to the end, letters to numbers, mod 97 is 1."""
    compact = iban.replace(" ", "").upper()
    if len(compact) < 15 or not compact.isalnum() or not compact[:2].isalpha() or not compact[2:4].isdigit():
        return False
    rearranged = compact[4:] + compact[:4]
    digits = "".join(str(int(char, 36)) for char in rearranged)
    return int(digits) % 97 == 1


def sepa_behaviour(iban: str) -> Iban:
    """A test IBAN's outcome; any other valid IBAN succeeds (documented choice of the fake)."""
    compact = iban.replace(" ", "").upper()
    return IBANS.get(compact, Iban(compact, SepaOutcome.SUCCEEDS))


# -- iDEAL and Bancontact: the bank account behind a payment, and the SEPA Direct Debit method it leaves --

# iDEAL banks (`ideal[bank]`) and their BICs, as Stripe lists them on the PaymentMethod and the charge.
IDEAL_BICS: dict[str, str] = {
    "abn_amro": "ABNANL2A",
    "asn_bank": "ASNBNL21",
    "bunq": "BUNQNL2A",
    "ing": "INGBNL2A",
    "knab": "KNABNL2H",
    "rabobank": "RABONL2U",
    "regiobank": "RBRBNL21",
    "revolut": "REVOLT21",
    "sns_bank": "SNSBNL2A",
    "triodos_bank": "TRIONL2U",
    "van_lanschot": "FVLBNL22",
}
IDEAL_DEFAULT_BANK = "ing"  # Stripe's example charge: bank "ing", bic INGBNL2A
# Bancontact's bank in Stripe's example charge (VAPE, "VAN DE PUT & CO", VAPEBE22, IBAN ending 7061).
BANCONTACT_BANK = {"bank_code": "VAPE", "bank_name": "VAN DE PUT & CO", "bic": "VAPEBE22"}
BANCONTACT_IBAN = "BE62510007547061"


def ideal_iban(bank: str) -> str:
    """The (valid, made-up) Dutch IBAN the fake gives a customer of an iDEAL bank: NLkk BBBB 0417 1643 00."""
    body = f"{IDEAL_BICS.get(bank, 'INGBNL2A')[:4]}0417164300"
    digits = "".join(str(int(char, 36)) for char in body + "NL00")
    return f"NL{98 - int(digits) % 97:02d}{body}"


# The generated SEPA Direct Debit method's test behaviour, set by the email of the iDEAL/Bancontact method
# (Stripe's "save bank details during payment" pages:
# `[anything_]generatedSepaDebitIntents<Outcome>@example.com`; the Delayed variants settle the same way here,
# when the fake is told to settle).
GENERATED_SEPA_EMAILS: dict[str, SepaOutcome] = {
    "generatedsepadebitintentssucceed": SepaOutcome.SUCCEEDS,
    "generatedsepadebitintentssucceeddelayed": SepaOutcome.SUCCEEDS,
    "generatedsepadebitintentsfail": SepaOutcome.FAILS,
    "generatedsepadebitintentsfaildelayed": SepaOutcome.FAILS,
    "generatedsepadebitintentssucceeddisputed": SepaOutcome.DISPUTED,
}


def generated_sepa_outcome(email: str | None) -> SepaOutcome | None:
    """The outcome Stripe's test email names for debits of a generated SEPA method (None: by its IBAN)."""
    local, _, domain = (email or "").lower().partition("@")
    if domain != "example.com":
        return None
    return GENERATED_SEPA_EMAILS.get(local.rsplit("_", 1)[-1])
