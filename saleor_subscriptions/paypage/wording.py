"""The pay page's words in the installation's language (English and Dutch, like the emails)."""

from __future__ import annotations

WORDS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Pay invoice {number}",
        "amount_due": "Amount due",
        "intro_action": "Your bank asks you to confirm this payment (3-D Secure).",
        "intro_declined": "Your last payment did not go through. Pay with your card or another one.",
        "intro_signup": "Your subscription starts once this first invoice is paid.",
        "pay_saved": "Pay with {card}",
        "pay_other": "Pay with another card",
        "make_default": "Make this my default card for future payments",
        "pay_button": "Pay {amount}",
        "working": "One moment…",
        "paid_title": "Thank you",
        "paid": "Invoice {number} is paid.",
        "processing": "Your payment of invoice {number} is being processed; we email you once it is done.",
        "not_paid": "The payment did not go through: {reason}. Try again or use another card.",
        "underway": (
            "A payment of invoice {number} is being processed; there is nothing to pay now. "
            "We email you once it is done."
        ),
        "refunded": (
            "Invoice {number} was paid already or can no longer be paid: this payment is refunded "
            "to you in full within a few days."
        ),
        "not_payable": (
            "Invoice {number} cannot be paid online: payments cannot take this amount. "
            "Please contact the shop."
        ),
        "method_title": "Update your payment method",
        "method_intro": "The card you save here is charged for your next renewals.",
        "method_current": "Now: {card}",
        "method_button": "Save card",
        "method_saved": "Your new card is saved; your renewals are charged to it from now on.",
        "method_not_saved": "The card was not saved: {reason}.",
        "back": "Back to your billing page",
        "bank_title": "Or pay by bank",
        "bank_method_title": "Or save a bank account",
        "bank_method": "Method",
        "bank_sepa_debit": "SEPA Direct Debit",
        "bank_ideal": "iDEAL",
        "bank_bancontact": "Bancontact",
        "bank_hint": (
            "iDEAL and Bancontact take you to your bank to confirm; an IBAN is needed for SEPA only."
        ),
        "field_bank_method": "Method",
        "field_holder_name": "Account holder's name",
        "field_holder_email": "Email address",
        "field_iban": "IBAN",
        "field_mandate": "Mandate",
        "mandate": (
            "I authorise {shop} and Stripe, its payment service provider, to send instructions to my bank "
            "to debit my account, and my bank to debit my account in accordance with those instructions "
            "(a SEPA Direct Debit mandate; with iDEAL or Bancontact, for the renewals they are saved for). "
            "I am entitled to a refund from my bank within eight weeks of a debit."
        ),
        "bank_make_default": "Charge my renewals to this bank account from now on",
        "bank_pay_button": "Pay by bank: {amount}",
        "bank_save_button": "Save bank account",
        "bank_refused": "your bank did not authorise the payment",
        "refused_title": "This link cannot be used",
        "refused_forged": "This link is not valid. Use the link in the most recent email we sent you.",
        "refused_expired": "This link has expired. Use the link in the most recent email we sent you.",
        "refused_unknown": "We cannot find what this link is for.",
        "refused_paid": "Invoice {detail} is paid already: there is nothing left to pay.",
        "refused_void": "Invoice {detail} has been cancelled: there is nothing to pay.",
        "refused_ended": "This subscription has ended.",
        "refused_reactivation_closed": (
            "Invoice {detail} can no longer be paid: the subscription was cancelled for nonpayment and "
            "the time to reactivate it by paying has passed. Please contact the shop."
        ),
        "refused_not_configured": "The shop cannot take payments online right now. Please contact the shop.",
        "refused_unavailable": "Payments cannot be reached right now. Please try again in a few minutes.",
    },
    "nl": {
        "title": "Factuur {number} betalen",
        "amount_due": "Te betalen",
        "intro_action": "Je bank vraagt je deze betaling te bevestigen (3-D Secure).",
        "intro_declined": "Je laatste betaling is niet gelukt. Betaal met je kaart of met een andere.",
        "intro_signup": "Je abonnement begint zodra deze eerste factuur is betaald.",
        "pay_saved": "Betalen met {card}",
        "pay_other": "Betalen met een andere kaart",
        "make_default": "Gebruik deze kaart voortaan voor mijn betalingen",
        "pay_button": "{amount} betalen",
        "working": "Een moment…",
        "paid_title": "Dank je wel",
        "paid": "Factuur {number} is betaald.",
        "processing": "Je betaling van factuur {number} wordt verwerkt; we mailen je zodra die klaar is.",
        "not_paid": "De betaling is niet gelukt: {reason}. Probeer het opnieuw of gebruik een andere kaart.",
        "underway": (
            "Er wordt al een betaling van factuur {number} verwerkt; je hoeft nu niets te betalen. "
            "We mailen je zodra die klaar is."
        ),
        "refunded": (
            "Factuur {number} was al betaald of kan niet meer worden betaald: je krijgt deze betaling "
            "binnen enkele dagen volledig terug."
        ),
        "not_payable": (
            "Factuur {number} kan niet online worden betaald: dit bedrag kan niet online worden "
            "afgerekend. Neem contact op met de winkel."
        ),
        "method_title": "Je betaalmethode wijzigen",
        "method_intro": "De kaart die je hier opslaat, wordt voor je volgende verlengingen gebruikt.",
        "method_current": "Nu: {card}",
        "method_button": "Kaart opslaan",
        "method_saved": "Je nieuwe kaart is opgeslagen; je verlengingen worden er voortaan mee betaald.",
        "method_not_saved": "De kaart is niet opgeslagen: {reason}.",
        "back": "Terug naar je facturatie",
        "bank_title": "Of betaal via je bank",
        "bank_method_title": "Of sla een bankrekening op",
        "bank_method": "Methode",
        "bank_sepa_debit": "SEPA-incasso",
        "bank_ideal": "iDEAL",
        "bank_bancontact": "Bancontact",
        "bank_hint": "Met iDEAL en Bancontact bevestig je bij je bank; een IBAN is alleen nodig voor SEPA.",
        "field_bank_method": "Methode",
        "field_holder_name": "Naam van de rekeninghouder",
        "field_holder_email": "E-mailadres",
        "field_iban": "IBAN",
        "field_mandate": "Machtiging",
        "mandate": (
            "Ik machtig {shop} en Stripe, de betaaldienstverlener, om mijn bank opdrachten te geven mijn "
            "rekening te debiteren, en mijn bank om mijn rekening volgens die opdrachten te debiteren "
            "(een SEPA-incassomachtiging; met iDEAL of Bancontact voor de verlengingen waarvoor die wordt "
            "opgeslagen). Ik kan een afschrijving binnen acht weken via mijn bank laten terugboeken."
        ),
        "bank_make_default": "Betaal mijn verlengingen voortaan van deze bankrekening",
        "bank_pay_button": "Via je bank betalen: {amount}",
        "bank_save_button": "Bankrekening opslaan",
        "bank_refused": "je bank heeft de betaling niet goedgekeurd",
        "refused_title": "Deze link werkt niet",
        "refused_forged": (
            "Deze link is niet geldig. Gebruik de link in de laatste e-mail die we je stuurden."
        ),
        "refused_expired": "Deze link is verlopen. Gebruik de link in de laatste e-mail die we je stuurden.",
        "refused_unknown": "We kunnen niet vinden waar deze link voor is.",
        "refused_paid": "Factuur {detail} is al betaald: er is niets meer te betalen.",
        "refused_void": "Factuur {detail} is geannuleerd: er is niets te betalen.",
        "refused_ended": "Dit abonnement is beëindigd.",
        "refused_reactivation_closed": (
            "Factuur {detail} kan niet meer worden betaald: het abonnement is wegens niet-betaling "
            "beëindigd en de termijn om het met een betaling te heractiveren is voorbij. "
            "Neem contact op met de winkel."
        ),
        "refused_not_configured": (
            "De winkel kan nu geen online betalingen ontvangen. Neem contact op met de winkel."
        ),
        "refused_unavailable": "Betalen lukt nu even niet. Probeer het over een paar minuten opnieuw.",
    },
}


def words(language: str) -> dict[str, str]:
    return WORDS.get(language, WORDS["en"])
