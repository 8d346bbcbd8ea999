"""Ready-made inputs and flows for tests against Stripe (the fake, or real test mode): SEPA details with a
mandate, a customer with a card saved for off-session use, an off-session renewal, an iDEAL or Bancontact
first payment set up for future use."""

from __future__ import annotations

from typing import Any, cast

import stripe
from stripe.params import PaymentIntentCreateParams

ONLINE_MANDATE: dict[str, Any] = {
    "customer_acceptance": {
        "type": "online",
        "online": {"ip_address": "203.0.113.7", "user_agent": "Mozilla/5.0"},
    }
}
SEPA_SUCCEEDS: dict[str, Any] = {
    "type": "sepa_debit",
    "sepa_debit": {"iban": "DE89370400440532013000"},
    "billing_details": {"name": "Jenny Rosen", "email": "jenny@example.com"},
}
SEPA_FAILS: dict[str, Any] = {**SEPA_SUCCEEDS, "sepa_debit": {"iban": "DE62370400440532013001"}}
CARD_PAYMENT: PaymentIntentCreateParams = {
    "amount": 1500,
    "currency": "eur",
    "payment_method": "pm_card_visa",
    "confirm": True,
}


def customer_with_card(client: stripe.StripeClient, card: str = "pm_card_visa") -> tuple[str, str]:
    """A customer with a card saved for off-session use through a SetupIntent, as at a trial's checkout."""
    customer = client.v1.customers.create(params={"email": "jane@example.com"})
    setup = client.v1.setup_intents.create(
        params={"customer": customer.id, "payment_method": card, "confirm": True, "usage": "off_session"}
    )
    assert setup.status == "succeeded"
    assert isinstance(setup.payment_method, str)
    return customer.id, setup.payment_method


def renew(
    client: stripe.StripeClient, customer: str, payment_method: str, **extra: Any
) -> stripe.PaymentIntent:
    """An off-session renewal charge of 15.00 EUR on a saved payment method, confirmed at once."""
    params: dict[str, Any] = {
        "amount": 1500,
        "currency": "eur",
        "customer": customer,
        "payment_method": payment_method,
        "confirm": True,
        "off_session": True,
    }
    return client.v1.payment_intents.create(params=cast(PaymentIntentCreateParams, {**params, **extra}))


def bank_method(kind: str, email: str = "jenny@example.com", **extra: Any) -> dict[str, Any]:
    """`payment_method_data` of an iDEAL or Bancontact payment whose SEPA Direct Debit method is saved: the
    holder's name and email (Stripe: "You must also provide the customer's full name and email")."""
    return {"type": kind, "billing_details": {"name": "Jenny Rosen", "email": email}, **extra}


def bank_payment(customer: str, kind: str = "ideal", **extra: Any) -> PaymentIntentCreateParams:
    """A 15.00 EUR iDEAL/Bancontact payment confirmed at once and set up for future use (the first payment of
    a subscription): it waits for the customer at the bank."""
    params: dict[str, Any] = {
        "amount": 1500,
        "currency": "eur",
        "customer": customer,
        "payment_method_types": [kind],
        "payment_method_data": bank_method(kind),
        "setup_future_usage": "off_session",
        "mandate_data": ONLINE_MANDATE,
        "return_url": "https://shop.example/pay/done",
        "confirm": True,
    }
    return cast(PaymentIntentCreateParams, {**params, **extra})
