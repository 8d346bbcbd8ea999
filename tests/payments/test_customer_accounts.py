"""A Stripe customer belongs to the Stripe account (acct_…) that made it: its `cus_…` and `pm_…` ids are
never sent with another account's key, whether a channel has its own account or the keys were replaced by
another account's. Customers stored before accounts were recorded are adopted by the account knowing them."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe, stripe_account_id_of
from saleor_subscriptions.payments.customers import (
    find_stripe_customer,
    forget_payment_method,
    remember_payment_method,
    stripe_customer_for,
)
from saleor_subscriptions.payments.models import StripeAccount, StripeCustomer
from tests.payments.stripe_webhooks.stripe_shop import (
    ShopWithStripe,
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.renewals.support import reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

pytestmark = pytest.mark.django_db


def _connect_other(shop: ShopWithStripe, channel: str = "") -> StripeAccount:
    other = shop.fake.add_account()
    return connect_stripe(shop.installation, channel, StripeKeys(other.secret_key, other.publishable_key))


def _fresh(row: Any) -> Any:
    row.refresh_from_db()
    return row


def test_customers_are_tied_to_the_stripe_account_that_made_them(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")

    customer = stripe_shop.customer(subscription)

    assert customer.stripe_account_id == stripe_shop.fake.account.id
    assert stripe_shop.fake.get(customer.stripe_customer_id)["object"] == "customer"


def test_keys_replaced_by_another_stripe_account_never_get_the_first_accounts_ids(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    first = stripe_shop.customer(subscription)
    new = _connect_other(stripe_shop)  # same mode (test), another Stripe account

    invoice = stripe_shop.renew(subscription)

    assert new.stripe_account_id != first.stripe_account_id
    assert attempts(invoice) == [(1, "declined", "no_payment_method")]  # asked to pay, not a stuck charge
    assert reload(subscription).status == "past_due"
    sent = [r.params for r in stripe_shop.fake.requests("POST", "/v1/payment_intents")]
    assert all(first.stripe_customer_id not in str(params) for params in sent)


def test_a_channel_with_its_own_account_gets_its_own_stripe_customer(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    default = stripe_shop.customer(subscription)
    nl = _connect_other(stripe_shop, "nl")

    own = stripe_customer_for(nl, subscription.customer_key, email="piet@example.com")
    again = stripe_customer_for(stripe_shop.account, subscription.customer_key, email="piet@example.com")

    assert own.pk != default.pk and own.stripe_account_id == nl.stripe_account_id
    assert own.stripe_customer_id in {
        c["id"] for c in stripe_shop.fake.objects("customer", stripe_shop.fake.accounts[nl.secret_key])
    }
    assert again.pk == default.pk
    assert StripeCustomer.objects.filter(customer_key=subscription.customer_key).count() == 2


def test_a_customer_stored_before_accounts_were_recorded_is_adopted_by_the_account_that_knows_it(
    stripe_shop,
):
    subscription = stripe_shop.subscriber("pm_card_visa")
    legacy = stripe_shop.customer(subscription)
    StripeCustomer.objects.filter(pk=legacy.pk).update(stripe_account_id="")
    StripeAccount.objects.filter(pk=stripe_shop.account.pk).update(stripe_account_id="")
    account = StripeAccount.objects.get(pk=stripe_shop.account.pk)

    found = find_stripe_customer(account, subscription.customer_key)

    assert found is not None and found.pk == legacy.pk
    assert found.stripe_account_id == stripe_shop.fake.account.id
    assert _fresh(account).stripe_account_id == stripe_shop.fake.account.id  # read from Stripe, stored
    assert stripe_shop.renew(subscription).status == "paid"  # the saved card is charged as before


def test_a_customer_stored_before_accounts_were_recorded_is_not_adopted_by_another_account(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    legacy = stripe_shop.customer(subscription)
    StripeCustomer.objects.filter(pk=legacy.pk).update(stripe_account_id="")
    other = _connect_other(stripe_shop)

    assert find_stripe_customer(other, subscription.customer_key) is None
    made = stripe_customer_for(other, subscription.customer_key, email="piet@example.com")

    assert made.pk != legacy.pk and made.stripe_account_id == other.stripe_account_id
    assert _fresh(legacy).stripe_account_id == ""  # left for the account that knows it


def test_keys_saved_before_the_account_id_was_recorded_read_it_once(stripe_shop):
    StripeAccount.objects.filter(pk=stripe_shop.account.pk).update(stripe_account_id="")
    account = StripeAccount.objects.get(pk=stripe_shop.account.pk)

    assert stripe_account_id_of(account) == stripe_shop.fake.account.id
    assert stripe_account_id_of(_fresh(account)) == stripe_shop.fake.account.id
    assert len(stripe_shop.fake.requests("GET", "/v1/account")) == 2  # at saving, and once now


def test_payment_methods_reported_by_one_account_change_only_its_customers(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    mine = stripe_shop.customer(subscription)
    other = _connect_other(stripe_shop, "nl")
    method = mine.default_payment_method_id

    assert (
        remember_payment_method(
            stripe_shop.installation.pk, mine.stripe_customer_id, "pm_other", "card", other
        )
        is None
    )
    assert forget_payment_method(stripe_shop.installation.pk, method, other) == 0
    assert _fresh(mine).default_payment_method_id == method
    assert forget_payment_method(stripe_shop.installation.pk, method, stripe_shop.account) == 1
    assert _fresh(mine).default_payment_method_id == ""
