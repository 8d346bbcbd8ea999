"""Which saved method a charge paid with, for the invoice to name it ("Visa •••• 4242")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from saleor_subscriptions.invoicing.paid_with import PaidMethod, method_of
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.ports import ChargeResult


def method_charged(intent: Mapping[str, Any]) -> PaidMethod | None:
    """The method a succeeded PaymentIntent charged, from its charge's `payment_method_details` when the
    intent was read with `latest_charge` expanded; None otherwise."""
    charge = intent.get("latest_charge")
    details = charge.get("payment_method_details") if isinstance(charge, Mapping) else None
    return method_of(details) if isinstance(details, Mapping) and details.get("type") else None


def naming_method(result: ChargeResult, intent: Mapping[str, Any], customer: StripeCustomer) -> ChargeResult:
    """The result naming the saved method it charged (its brand and last four as Stripe reported them when it
    was saved), when the PaymentIntent charged the customer's saved method; unnamed otherwise (a first try's
    intent on a method saved before the current one)."""
    charged = intent.get("payment_method")
    if result.method is not None or charged != customer.default_payment_method_id:
        return result
    return replace(result, method=customer.paid_method)
