"""The customer API's saved payment methods, over the fake Stripe: `Subscription.savedPaymentMethods` lists
them (the default first), `subscriptionPaymentMethodSetDefault` picks the one renewals charge,
`subscriptionPaymentMethodRemove` detaches one but refuses the default (`IS_DEFAULT`); another customer's
method or subscription is `NOT_FOUND`; without Stripe, `PAYMENTS_UNAVAILABLE`."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

import pytest
from stripe.params import SetupIntentCreateParams

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import remember_payment_method, stripe_customer_for
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_plan_version, make_subscription
from tests.payments.stripe_webhooks.stripe_shop import fake_stripe, fake_stripe_server, stripe_settings

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

SAVED = """
query One($id: ID!) {
  subscription(id: $id) {
    paymentMethod { type brand last4 }
    savedPaymentMethods { id type brand last4 expires isDefault }
  }
}
"""
SET_DEFAULT = """
mutation Pick($id: ID!, $pm: String!) {
  subscriptionPaymentMethodSetDefault(id: $id, paymentMethodId: $pm) {
    subscription { paymentMethod { type brand last4 } }
    errors { field code message }
  }
}
"""
REMOVE = """
mutation Drop($id: ID!, $pm: String!) {
  subscriptionPaymentMethodRemove(id: $id, paymentMethodId: $pm) {
    subscription { id }
    errors { field code message }
  }
}
"""


def _subscription(shop: Any, user_id: str) -> Subscription:
    version = make_plan_version(shop.installation, name="Coffee monthly", price=Decimal("30.00"))
    return make_subscription(version, customer_user_id=user_id, status="active")


def _saved_cards(
    shop: Any, stripe_settings: Any, subscription: Subscription
) -> tuple[StripeCustomer, str, str]:
    account = connect_stripe(
        shop.installation, "", StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key, "")
    )
    customer = stripe_customer_for(account, subscription.customer_key, email="piet@example.com")
    client = stripe_settings.client(max_network_retries=0)
    cards = []
    for card in ("pm_card_visa", "pm_card_mastercard"):
        params = {"customer": customer.stripe_customer_id, "payment_method": card, "confirm": True}
        setup = client.v1.setup_intents.create(params=cast(SetupIntentCreateParams, params))
        cards.append(str(setup.payment_method))
    remember_payment_method(shop.installation.pk, customer.stripe_customer_id, cards[0], "card")
    return customer, cards[0], cards[1]


@pytest.fixture
def mine(shop: Any, stripe_settings: Any) -> tuple[Subscription, str, str]:
    subscription = _subscription(shop, shop.saleor.customer.id)
    _, visa, mastercard = _saved_cards(shop, stripe_settings, subscription)
    return subscription, visa, mastercard


def _vars(subscription: Subscription, pm: str) -> dict[str, str]:
    return {"id": subscription_global_id(subscription.pk), "pm": pm}


def test_the_saved_methods_are_listed_default_first(api, shop, mine):
    subscription, visa, mastercard = mine
    shown = api.data(SAVED, {"id": subscription_global_id(subscription.pk)}, token=shop.customer_token())
    assert [(m["id"], m["isDefault"], m["brand"]) for m in shown["savedPaymentMethods"]] == [
        (visa, True, "visa"),
        (mastercard, False, "mastercard"),
    ]
    assert shown["savedPaymentMethods"][0]["last4"] == "4242"
    assert shown["savedPaymentMethods"][0]["expires"]


def test_the_customer_picks_another_default(api, shop, mine, stripe_settings):
    subscription, _, mastercard = mine
    answer = api.data(SET_DEFAULT, _vars(subscription, mastercard), token=shop.customer_token())
    assert answer["errors"] == []
    assert answer["subscription"]["paymentMethod"] == {"type": "card", "brand": "mastercard", "last4": "4444"}
    customer = StripeCustomer.objects.get(customer_key=subscription.customer_key)
    assert customer.default_payment_method_id == mastercard


def test_removing_the_default_is_refused_and_another_is_removed(api, shop, mine, stripe_settings):
    subscription, visa, mastercard = mine
    refused = api.data(REMOVE, _vars(subscription, visa), token=shop.customer_token())
    assert refused["subscription"] is None
    [error] = refused["errors"]
    assert (error["field"], error["code"]) == ("paymentMethodId", "IS_DEFAULT")
    assert "make another one the default first" in error["message"]
    assert stripe_settings.get(visa)["customer"] is not None

    removed = api.data(REMOVE, _vars(subscription, mastercard), token=shop.customer_token())
    assert removed["errors"] == []
    assert stripe_settings.get(mastercard)["customer"] is None


def test_a_method_that_is_not_the_customers_is_not_found(api, shop, mine, stripe_settings):
    subscription, visa, _ = mine
    other = make_subscription(subscription.plan_version, customer_user_id="VXNlcjo5OQ==", status="active")
    other_customer = stripe_customer_for(
        subscription.installation.stripe_accounts.get(), other.customer_key, email="anna@example.com"
    )
    client = stripe_settings.client(max_network_retries=0)
    params: dict[str, Any] = {"customer": other_customer.stripe_customer_id, "payment_method": "pm_card_amex"}
    params["confirm"] = True
    theirs = client.v1.setup_intents.create(params=cast(SetupIntentCreateParams, params)).payment_method
    for query in (SET_DEFAULT, REMOVE):
        for pm in (str(theirs), "pm_nothing", "not-an-id"):
            answer = api.data(query, _vars(subscription, pm), token=shop.customer_token())
            [error] = answer["errors"]
            assert (error["field"], error["code"]) == ("paymentMethodId", "NOT_FOUND")
        # Another customer's subscription is not found either.
        answer = api.data(query, _vars(other, visa), token=shop.customer_token())
        assert [(e["field"], e["code"]) for e in answer["errors"]] == [("id", "NOT_FOUND")]
    assert stripe_settings.get(str(theirs))["customer"] == other_customer.stripe_customer_id


def test_without_stripe_nothing_is_listed_and_the_choice_is_unavailable(api, shop):
    subscription = _subscription(shop, shop.saleor.customer.id)
    shown = api.data(SAVED, {"id": subscription_global_id(subscription.pk)}, token=shop.customer_token())
    assert shown["savedPaymentMethods"] is None
    answer = api.data(SET_DEFAULT, _vars(subscription, "pm_1"), token=shop.customer_token())
    assert [e["code"] for e in answer["errors"]] == ["PAYMENTS_UNAVAILABLE"]
