"""`subscriptionPaymentMethodSetDefault(id, paymentMethodId)`: the customer makes one of their saved payment
methods (`Subscription.savedPaymentMethods`) the one renewals charge, as the portal's payment-method page
does (`payments.saved_methods.set_default`). The subscription names the Stripe account (its channel's); a
method that is not the customer's saved one there is `NOT_FOUND` on `paymentMethodId`; Stripe not connected
or not reachable is `PAYMENTS_UNAVAILABLE`."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import graphene
import stripe

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.subscription_mutation import SubscriptionMutation, reloaded
from saleor_subscriptions.api.queries.subscriptions import customers_subscriptions
from saleor_subscriptions.lifecycle.self_service import NOT_FOUND
from saleor_subscriptions.payments.accounts import StripeSettingsError, account_for
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.saved_methods import SavedMethodError, set_default

MethodAction = Callable[[StripeAccount, str, str], Any]


class SavedMethodMutation(SubscriptionMutation):
    """One choice among the customer's saved methods, in the account of their subscription `id`."""

    class Meta:
        abstract = True

    method_action: MethodAction

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        customer = context.principal.require_customer()
        pk = parse_subscription_id(data["id"])
        found = (
            customers_subscriptions(context.principal.shop(), customer).filter(pk=pk).first()
            if pk is not None
            else None
        )
        if found is None:
            return cls.refused("id", NOT_FOUND, f"no subscription of yours has the id {data['id']!r}")
        try:
            account = account_for(found.installation_id, found.channel_slug)
            cls.method_action(account, found.customer_key, str(data["payment_method_id"]))
        except SavedMethodError as refused:
            return cls.refused("paymentMethodId", refused.code.value, refused.message)
        except (StripeSettingsError, stripe.StripeError) as exc:
            return cls.refused(None, "payments_unavailable", f"payments cannot be reached now: {exc}")
        return cls(subscription=reloaded(found), errors=[])


class SubscriptionPaymentMethodSetDefault(SavedMethodMutation):
    """Makes one of the customer's saved payment methods the one renewals charge (from the next charge on).
    Needs a customer access token; the subscription names the shop's Stripe account."""

    class Arguments:
        id = graphene.ID(required=True, description="One of the customer's subscriptions.")
        payment_method_id = graphene.String(
            required=True, description="A saved method's id (Subscription.savedPaymentMethods)."
        )

    method_action = staticmethod(set_default)
