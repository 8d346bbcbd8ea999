"""The customer's saved payment methods on a subscription (`Subscription.savedPaymentMethods`): every card
and SEPA Direct Debit account saved at Stripe for the customer in the subscription's Stripe account, and
which one renewals charge (`payments.saved_methods`)."""

from __future__ import annotations

from typing import Any

import graphene
import stripe

from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.saved_methods import saved_methods


class CustomerPaymentMethod(graphene.ObjectType):
    """A payment method saved for the customer that renewals can charge off-session."""

    id = graphene.String(
        required=True,
        description=(
            "Stripe's id (pm_…), for subscriptionPaymentMethodSetDefault and subscriptionPaymentMethodRemove."
        ),
    )
    type = graphene.String(required=True, description='"card" or "sepa_debit".')
    brand = graphene.String(description='A card\'s brand ("visa"); null for a bank account.')
    last4 = graphene.String(description="The last four digits of the card or IBAN.")
    expires = graphene.String(description='A card\'s expiry, "MM/YYYY"; null for a bank account.')
    is_default = graphene.Boolean(required=True, description="Whether renewals are charged to it.")


def saved_payment_methods(account: StripeAccount | None, customer_key: str) -> list[Any] | None:
    """The methods, the default first; None when Stripe is not connected or cannot be reached now."""
    if account is None:
        return None
    try:
        found = saved_methods(account, customer_key)
    except stripe.StripeError:
        return None
    return [
        CustomerPaymentMethod(
            id=m.id,
            type=m.method.type,
            brand=m.method.brand or None,
            last4=m.method.last4 or None,
            expires=m.expires or None,
            is_default=m.is_default,
        )
        for m in found
    ]
