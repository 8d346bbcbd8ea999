"""Connecting a shop's Stripe account against the fake Stripe: keys checked for shape and mode, then by
Stripe, then stored encrypted; every refusal names the field and its code."""

from __future__ import annotations

import pytest
import stripe

from saleor_subscriptions.payments.accounts import (
    StripeKeys,
    StripeSettingsError,
    StripeSettingsErrorCode,
    account_for,
    check_keys,
    connect_stripe,
)
from saleor_subscriptions.payments.models import StripeAccount
from tests.factories import make_installation
from tests.payments.stripe_webhooks.stripe_shop import fake_stripe, fake_stripe_server, stripe_settings

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

pytestmark = pytest.mark.django_db

Code = StripeSettingsErrorCode


@pytest.fixture
def live_shop():
    return make_installation("https://live.example.com/graphql/")


@pytest.fixture
def sandbox_shop():
    return make_installation("https://sandbox.example.com/graphql/", sandbox=True)


def _refusal(call, *args) -> tuple[str, str]:
    with pytest.raises(StripeSettingsError) as refused:
        call(*args)
    assert refused.value.message
    return refused.value.field, refused.value.code


def test_the_fakes_test_keys_are_checked_by_stripe_and_stored_encrypted(stripe_settings, live_shop):
    keys = StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key, "whsec_abcdefgh12345678")

    account = connect_stripe(live_shop, "", keys)

    stored = StripeAccount.objects.get(pk=account.pk)
    assert stored.livemode is False and stored.publishable_key == stripe_settings.publishable_key
    assert stored.secret_key == stripe_settings.secret_key
    assert stripe_settings.secret_key not in stored.secret_key_ciphertext
    assert stored.webhook_secret == "whsec_abcdefgh12345678"
    assert [r.path for r in stripe_settings.requests("GET")] == ["/v1/customers", "/v1/account"]
    assert stored.stripe_account_id == stripe_settings.account.id  # the acct_… behind the key


def test_a_restricted_key_is_tied_to_the_account_stripe_names_when_it_refuses_to_show_it(
    stripe_settings, live_shop
):
    restricted = stripe_settings.add_restricted_key()
    with pytest.raises(stripe.PermissionError) as refused:  # what Stripe answers a restricted key
        stripe_settings.client(restricted).v1.accounts.retrieve_current()
    assert f"on account '{stripe_settings.account.id}'" in str(refused.value.user_message)

    account = connect_stripe(live_shop, "", StripeKeys(restricted, stripe_settings.publishable_key))

    stored = StripeAccount.objects.get(pk=account.pk)
    assert stored.secret_key == restricted and stored.livemode is False
    assert stored.stripe_account_id == stripe_settings.account.id


def test_saving_again_replaces_the_keys_of_the_channel(stripe_settings, live_shop):
    other = stripe_settings.add_account()
    connect_stripe(live_shop, "", StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key))
    connect_stripe(live_shop, "", StripeKeys(other.secret_key, other.publishable_key))

    stored = StripeAccount.objects.get(installation=live_shop)
    assert stored.secret_key == other.secret_key
    assert stored.stripe_account_id == other.id  # another Stripe account now


@pytest.mark.parametrize(
    ("secret", "publishable", "webhook", "field"),
    [
        ("pk_test_abcdefgh1234", "pk_test_abcdefgh1234", "", "secretKey"),
        ("sk_test_short", "pk_test_abcdefgh1234", "", "secretKey"),
        ("", "pk_test_abcdefgh1234", "", "secretKey"),
        ("sk_test_abcdefgh1234", "sk_test_abcdefgh1234", "", "publishableKey"),
        ("sk_test_abcdefgh1234", "pk_test_abcdefgh1234", "secret_abcdefgh", "webhookSecret"),
    ],
)
def test_a_key_of_the_wrong_shape_is_refused_naming_its_field(live_shop, secret, publishable, webhook, field):
    assert _refusal(check_keys, live_shop, StripeKeys(secret, publishable, webhook)) == (field, Code.INVALID)


def test_test_and_live_keys_never_mix(live_shop):
    keys = StripeKeys("sk_live_abcdefgh1234", "pk_test_abcdefgh1234")

    assert _refusal(check_keys, live_shop, keys) == ("publishableKey", Code.MODE_MISMATCH)


def test_a_sandbox_installation_takes_test_keys_only(sandbox_shop):
    keys = StripeKeys("sk_live_abcdefgh1234", "pk_live_abcdefgh1234")

    assert _refusal(check_keys, sandbox_shop, keys) == ("secretKey", Code.LIVE_KEY_IN_SANDBOX)


def test_live_keys_are_live(live_shop):
    assert check_keys(live_shop, StripeKeys("rk_live_abcdefgh1234", "pk_live_abcdefgh1234")) is True


def test_a_key_stripe_refuses_is_not_stored(stripe_settings, live_shop):
    keys = StripeKeys("sk_test_unknownkey1234", stripe_settings.publishable_key)

    assert _refusal(connect_stripe, live_shop, "", keys) == ("secretKey", Code.REFUSED_BY_STRIPE)
    assert not StripeAccount.objects.exists()


def test_stripe_unreachable_is_said_so_and_nothing_is_stored(stripe_settings, live_shop, settings):
    stripe_settings.fail_next(kind="disconnect", executed=False, method="GET")
    keys = StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key)

    assert _refusal(connect_stripe, live_shop, "", keys) == ("secretKey", Code.STRIPE_UNREACHABLE)
    assert not StripeAccount.objects.exists()


def test_a_channel_uses_its_own_account_else_the_default_one(stripe_settings, live_shop):
    other = stripe_settings.add_account()
    default = connect_stripe(
        live_shop, "", StripeKeys(stripe_settings.secret_key, stripe_settings.publishable_key)
    )
    own = connect_stripe(live_shop, "nl", StripeKeys(other.secret_key, other.publishable_key))

    assert account_for(live_shop.pk, "nl") == own
    assert account_for(live_shop.pk, "default-channel") == default


def test_a_channel_without_any_account_is_not_configured(live_shop):
    assert _refusal(account_for, live_shop.pk, "nl") == ("channel", Code.NOT_CONFIGURED)
