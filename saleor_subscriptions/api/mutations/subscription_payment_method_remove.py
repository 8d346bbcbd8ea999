"""`subscriptionPaymentMethodRemove(id, paymentMethodId)`: the customer removes one of their saved payment
methods (detached at Stripe), as on the portal's payment-method page (`payments.saved_methods.remove`). The
default, which renewals charge, is refused with `IS_DEFAULT`: make another the default first."""

from __future__ import annotations

import graphene

from saleor_subscriptions.api.mutations.subscription_payment_method_set_default import SavedMethodMutation
from saleor_subscriptions.payments.saved_methods import remove


class SubscriptionPaymentMethodRemove(SavedMethodMutation):
    """Removes a saved payment method that is not the default (`IS_DEFAULT` otherwise). Needs a customer
    access token."""

    class Arguments:
        id = graphene.ID(required=True, description="One of the customer's subscriptions.")
        payment_method_id = graphene.String(
            required=True, description="A saved method's id (Subscription.savedPaymentMethods)."
        )

    method_action = staticmethod(remove)
