"""The payment method renewals are charged to, taken from a checkout payment that succeeded.

A card or SEPA Direct Debit account paid with `setup_future_usage=off_session` (or set up by a SetupIntent)
is attached to the customer and is the method itself. iDEAL and Bancontact cannot be charged again: Stripe
leaves a SEPA Direct Debit method with a mandate (`generated_sepa_debit` in the charge's, or the setup
attempt's, `payment_method_details`), and that one is saved.
"""

from __future__ import annotations

from typing import Any

from saleor_subscriptions.payments.checkout.intents import SEPA_GENERATING_TYPES


def _details(intent: dict[str, Any]) -> dict[str, Any]:
    source = (
        intent.get("latest_charge") if intent["object"] == "payment_intent" else intent.get("latest_attempt")
    )
    if isinstance(source, dict):
        details = source.get("payment_method_details")
        if isinstance(details, dict):
            return details
    return {}


def reusable_method(intent: dict[str, Any], known_type: str = "") -> tuple[str, str] | None:
    """(payment method id, type or "" when unknown) to charge renewals to, from a succeeded intent; None
    when it left none (an iDEAL/Bancontact payment whose SEPA mandate Stripe did not report)."""
    payment_method = intent.get("payment_method")
    if isinstance(payment_method, dict):
        pm_id, pm_type = str(payment_method.get("id") or ""), str(payment_method.get("type") or "")
    else:
        pm_id, pm_type = str(payment_method or ""), ""
    details = _details(intent)
    pm_type = pm_type or str(details.get("type") or "") or known_type
    if not pm_id:
        return None
    if pm_type in SEPA_GENERATING_TYPES:
        generated = (details.get(pm_type) or {}).get("generated_sepa_debit")
        return (str(generated), "sepa_debit") if generated else None
    return pm_id, pm_type
