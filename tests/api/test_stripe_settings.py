"""`stripeSettingsUpdate` and `stripeSettings` through /graphql/ with the fake Saleor's dashboard tokens and
the fake Stripe checking the keys: staff with HANDLE_PAYMENTS save them (MANAGE_ORDERS only reads), secrets
never shown, every refusal naming its argument."""

from __future__ import annotations

import pytest

from saleor_subscriptions.payments.models import StripeAccount
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

UPDATE = """
mutation Connect($channel: String, $secretKey: String!, $publishableKey: String!, $webhookSecret: String) {
  stripeSettingsUpdate(channel: $channel, secretKey: $secretKey, publishableKey: $publishableKey,
                       webhookSecret: $webhookSecret) {
    stripeSettings { channel mode publishableKey hasWebhookSecret webhookUrl webhookEvents verifiedAt }
    errors { field code message }
  }
}
"""
READ = """
query Read($channel: String) {
  stripeSettings(channel: $channel) { channel mode publishableKey hasWebhookSecret webhookUrl }
}
"""
WEBHOOK_SECRET = "whsec_0123456789abcdef"


@pytest.fixture
def staff(shop):
    return shop.staff_token(("HANDLE_PAYMENTS",))


def _keys(fake, **changes):
    return {
        "secretKey": fake.secret_key,
        "publishableKey": fake.publishable_key,
        "webhookSecret": WEBHOOK_SECRET,
        **changes,
    }


def test_staff_connect_stripe_and_see_everything_but_the_secrets(api, shop, staff, stripe_settings):
    result = api.data(UPDATE, _keys(stripe_settings), token=staff)

    assert result["errors"] == []
    connected = result["stripeSettings"]
    assert connected["channel"] == "" and connected["mode"] == "TEST"
    assert connected["publishableKey"] == stripe_settings.publishable_key
    assert connected["hasWebhookSecret"] is True
    assert connected["webhookUrl"] == f"{APP_URL}/webhooks/stripe/{shop.installation.pk}/"
    assert "payment_intent.succeeded" in connected["webhookEvents"]
    assert "mandate.updated" in connected["webhookEvents"]
    assert stripe_settings.secret_key not in str(result)
    account = StripeAccount.objects.get(installation=shop.installation)
    assert account.secret_key == stripe_settings.secret_key and account.webhook_secret == WEBHOOK_SECRET


def test_a_channel_gets_its_own_keys_and_the_query_falls_back_to_the_default(
    api, shop, staff, stripe_settings
):
    other = stripe_settings.add_account()
    api.data(UPDATE, _keys(stripe_settings), token=staff)
    own = api.data(
        UPDATE,
        _keys(
            stripe_settings, channel="nl", secretKey=other.secret_key, publishableKey=other.publishable_key
        ),
        token=staff,
    )
    assert own["errors"] == [] and own["stripeSettings"]["channel"] == "nl"

    assert api.data(READ, {"channel": "nl"}, token=staff)["publishableKey"] == other.publishable_key
    fallback = api.data(READ, {"channel": "default-channel"}, token=staff)
    assert fallback["channel"] == "" and fallback["publishableKey"] == stripe_settings.publishable_key


def test_without_any_keys_the_query_answers_null(api, shop, staff):
    assert api.data(READ, {"channel": "default-channel"}, token=staff) is None


def test_manage_orders_reads_the_settings_but_only_handle_payments_saves_them(
    api, shop, staff, stripe_settings
):
    token = shop.staff_token(("MANAGE_ORDERS",))

    assert api.refused(UPDATE, _keys(stripe_settings), token=token) == (200, "PERMISSION_DENIED")
    assert not StripeAccount.objects.exists()
    api.data(UPDATE, _keys(stripe_settings), token=staff)
    assert api.data(READ, {}, token=token)["publishableKey"] == stripe_settings.publishable_key


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("products", "PERMISSION_DENIED"),
        ("customer", "AUTHENTICATION_REQUIRED"),
        ("anonymous", "AUTHENTICATION_REQUIRED"),
    ],
)
def test_others_are_refused_at_the_top_level(api, shop, stripe_settings, who, code):
    kwargs = {
        "products": {"token": shop.staff_token(("MANAGE_PRODUCTS",))},
        "customer": {"token": shop.customer_token()},
        "anonymous": {"api_url": shop.fake.api_url},
    }[who]

    status, refused = api.refused(UPDATE, _keys(stripe_settings), **kwargs)
    assert (status, refused) == (200, code)
    assert api.refused(READ, {}, **kwargs) == (200, code)
    assert not StripeAccount.objects.exists()


@pytest.mark.parametrize(
    ("changes", "refusal"),
    [
        ({"secretKey": "sk_nope"}, ("secretKey", "INVALID")),
        ({"publishableKey": "pk_live_abcdefgh1234"}, ("publishableKey", "MODE_MISMATCH")),
        (
            {"secretKey": "sk_live_abcdefgh1234", "publishableKey": "pk_live_abcdefgh1234"},
            ("secretKey", "LIVE_KEY_IN_SANDBOX"),
        ),
        ({"webhookSecret": "not-a-secret"}, ("webhookSecret", "INVALID")),
        ({"secretKey": "sk_test_notthefakeskey1"}, ("secretKey", "REFUSED_BY_STRIPE")),
        ({"channel": "no spaces/slashes"}, ("channel", "INVALID")),
    ],
)
def test_refused_keys_name_their_argument_and_are_not_stored(api, staff, stripe_settings, changes, refusal):
    result = api.data(UPDATE, _keys(stripe_settings, **changes), token=staff)

    assert result["stripeSettings"] is None
    [error] = result["errors"]
    assert (error["field"], error["code"]) == refusal and error["message"]
    assert not StripeAccount.objects.exists()


def test_stripe_out_of_reach_is_said_so(api, shop, staff, stripe_settings):
    stripe_settings.fail_next(kind="disconnect", executed=False, method="GET")

    [error] = api.data(UPDATE, _keys(stripe_settings), token=staff)["errors"]

    assert (error["field"], error["code"]) == ("secretKey", "STRIPE_UNREACHABLE")
