"""The Stripe webhook endpoint: every request stored first; forged, stale, altered, unsigned and misaddressed
ones refused (and recorded), a replay answered 200 and not applied again."""

from __future__ import annotations

import json
import re
import time

import pytest

from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.payments.stripe_webhooks.redaction import redact_client_secrets
from saleor_subscriptions.payments.stripe_webhooks.tasks import apply_stripe_event
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.stripe.webhooks import signature_header
from tests.payments.stripe_webhooks.stripe_shop import (
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db


@pytest.fixture
def renewed(stripe_shop):
    """A renewal charged on a saved card: the fake holds its events, the invoice is paid."""
    subscription = stripe_shop.subscriber("pm_card_visa")
    return stripe_shop.renew(subscription)


def _refusal(response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def test_a_genuine_event_is_stored_verified_and_applied(webhooks, renewed):
    event = webhooks.event("payment_intent.succeeded")
    response = webhooks.post(event)

    assert response.status_code == 200 and response.json()["status"] == "accepted"
    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert stored.raw_body == redact_client_secrets(webhooks.shop.fake.webhook(event).payload)
    assert stored.headers["Stripe-Signature"].startswith("t=")
    assert (stored.event_id, stored.event_type, stored.verified, stored.accepted) == (
        event["id"],
        "payment_intent.succeeded",
        True,
        True,
    )
    assert stored.account == webhooks.shop.account and stored.livemode is False
    assert stored.status == "processed" and stored.attempts == 1
    assert stored.outcome["invoice"] == renewed.number
    assert stored.outcome["changed"] is False  # the renewal had recorded it already


def test_a_replayed_event_is_answered_200_and_not_applied_again(webhooks, renewed):
    event = webhooks.event("payment_intent.succeeded")
    first = webhooks.post(event)
    again = webhooks.post(event)

    assert again.status_code == 200 and again.json()["status"] == "duplicate"
    duplicate = StripeEvent.objects.get(pk=again.json()["event"])
    assert duplicate.status == "duplicate" and duplicate.duplicate_of_id == first.json()["event"]
    assert duplicate.attempts == 0 and duplicate.outcome == {}


def test_a_forged_signature_is_refused_400_and_recorded(webhooks, renewed):
    response = webhooks.post(webhooks.event("payment_intent.succeeded"), secret="whsec_notthesecret1234")

    assert _refusal(response) == (400, "bad_signature")
    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert (stored.status, stored.verified, stored.accepted) == ("refused", False, False)
    assert stored.raw_body  # kept for whoever looks into it


def test_a_body_altered_after_signing_is_refused(webhooks, renewed):
    event = webhooks.event("payment_intent.succeeded")
    altered = json.dumps({**event, "type": "charge.refunded"}).encode()

    assert _refusal(webhooks.post(event, payload=altered)) == (400, "bad_signature")


def test_a_stale_signature_is_refused_even_with_the_right_secret(webhooks, renewed):
    response = webhooks.post(webhooks.event("payment_intent.succeeded"), timestamp=int(time.time()) - 301)

    assert _refusal(response) == (400, "stale_signature")
    # The request is older by the time it is checked (seconds, under load): the age is read, not fixed.
    age = re.search(r"(\d+) s old", response.json()["error"]["message"])
    assert age is not None and 301 <= int(age.group(1)) <= 320


def test_a_signature_within_the_tolerance_is_accepted(webhooks, renewed):
    response = webhooks.post(webhooks.event("payment_intent.succeeded"), timestamp=int(time.time()) - 250)

    assert response.status_code == 200


def test_an_unsigned_request_is_refused(webhooks, client, renewed):
    body = json.dumps(webhooks.event("payment_intent.succeeded")).encode()
    response = client.post(webhooks.url, data=body, content_type="application/json")

    assert _refusal(response) == (400, "missing_signature")


def test_a_malformed_signature_is_refused(webhooks, client, renewed):
    response = client.post(
        webhooks.url, data=b"{}", content_type="application/json", headers={"Stripe-Signature": "v1=abc"}
    )

    assert _refusal(response) == (400, "malformed_signature")


@pytest.mark.parametrize("ref", ["999999", "not-a-number"])
def test_an_unknown_installation_is_404_and_recorded(webhooks, renewed, ref):
    response = webhooks.post(webhooks.event("payment_intent.succeeded"), url=f"/webhooks/stripe/{ref}/")

    assert _refusal(response) == (404, "unknown_installation")
    assert StripeEvent.objects.get(pk=response.json()["event"]).installation_ref == ref


def test_a_removed_installation_is_410(webhooks, renewed):
    Installation.objects.filter(pk=webhooks.shop.installation.pk).update(status="removed")

    assert _refusal(webhooks.post(webhooks.event("payment_intent.succeeded"))) == (410, "shop_removed")


def test_without_a_webhook_secret_nothing_is_accepted(webhooks, renewed):
    StripeAccount.objects.filter(pk=webhooks.shop.account.pk).update(webhook_secret_ciphertext="")

    assert _refusal(webhooks.post(webhooks.event("payment_intent.succeeded"))) == (400, "no_webhook_secret")


def test_the_secret_of_another_channels_account_verifies_too(webhooks, renewed):
    other = webhooks.shop.fake.add_account()
    endpoint = webhooks.shop.fake.add_webhook_endpoint(
        webhooks.url, account=other, secret="whsec_otherchannel123"
    )
    account = StripeAccount(
        installation=webhooks.shop.installation, channel_slug="nl", livemode=False, verified_at=renewed.due_at
    )
    account.secret_key, account.publishable_key = other.secret_key, other.publishable_key
    account.webhook_secret = endpoint["secret"]
    account.save()
    customer = webhooks.shop.fake.client(other.secret_key).v1.customers.create()

    response = webhooks.post(webhooks.shop.fake.events("customer.created", account=other)[0]["id"])

    assert response.status_code == 200, response.json()
    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert stored.account == account and stored.object_id == customer.id
    assert stored.outcome == {"ignored": "customer.created is not an event the app applies"}


def test_a_live_event_for_test_keys_is_refused(webhooks, renewed):
    event = {**webhooks.event("payment_intent.succeeded"), "livemode": True}
    body = json.dumps(event).encode()

    response = webhooks.post(event["id"], payload=body, sign_payload=body)

    assert _refusal(response) == (400, "wrong_mode")


def test_a_body_that_is_not_an_event_is_refused(webhooks, renewed):
    body = b'{"hello": "world"}'

    response = webhooks.post(webhooks.event("payment_intent.succeeded"), payload=body, sign_payload=body)

    assert _refusal(response) == (400, "invalid_body")


def test_a_signed_body_nested_100000_levels_deep_is_refused_with_400(webhooks, renewed):
    body = b'{"a":' * 100_000 + b"1" + b"}" * 100_000

    response = webhooks.post(webhooks.event("payment_intent.succeeded"), payload=body, sign_payload=body)

    assert _refusal(response) == (400, "invalid_body")


def test_the_client_secret_of_an_intent_is_verified_but_not_stored(webhooks, renewed):
    event = webhooks.event("payment_intent.succeeded")
    secret = event["data"]["object"]["client_secret"]
    assert secret and secret.encode() in json.dumps(event).encode()

    response = webhooks.post(event)

    assert response.json()["status"] == "accepted"
    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert secret.encode() not in stored.raw_body
    assert json.loads(stored.raw_body)["data"]["object"]["client_secret"] == "redacted"
    assert stored.status == "processed"


def test_a_setup_intents_client_secret_is_not_stored_either(webhooks, renewed):
    secret = 'seti_1Abc_secret_Xyz\\"q'
    body = json.dumps(
        {
            "id": "evt_seti",
            "object": "event",
            "type": "setup_intent.succeeded",
            "livemode": False,
            "data": {"object": {"id": "seti_1Abc", "object": "setup_intent", "client_secret": secret}},
        }
    ).encode()

    response = webhooks.post(webhooks.event("payment_intent.succeeded"), payload=body, sign_payload=body)

    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert response.json()["status"] == "accepted"
    assert b"seti_1Abc_secret" not in stored.raw_body
    assert json.loads(stored.raw_body)["data"]["object"] == {
        "id": "seti_1Abc",
        "object": "setup_intent",
        "client_secret": "redacted",
    }


def test_stripe_out_of_reach_fails_the_event_for_a_retry_and_a_rerun_applies_it(webhooks, renewed, settings):
    webhooks.shop.fake.fail_next(kind="server_error", executed=False, method="GET")
    response = webhooks.post(webhooks.event("payment_intent.succeeded"))

    assert response.status_code == 200  # Stripe's delivery is done; the app retries by itself
    stored = StripeEvent.objects.get(pk=response.json()["event"])
    assert stored.status == "failed" and stored.outcome["retry"] is True and "APIError" in stored.traceback
    applied = apply_stripe_event(stored.pk)
    assert applied.status == "processed"
    assert StripeEvent.objects.get(pk=stored.pk).attempts == 2


# -- the timestamp checked is the one signed; bad input is refused, not a 500 ---------------------------


def test_a_fresh_timestamp_appended_to_an_old_signed_header_is_refused(webhooks, client, renewed):
    """The library verifies the signature with the first `t=`: a second one must not make an old request
    look fresh (a captured request replayed days later)."""
    event = webhooks.event("payment_intent.succeeded")
    old = webhooks.shop.fake.webhook(event, timestamp=int(time.time()) - 3 * 86400)
    replayed = f"{old.signature},t={int(time.time())}"

    response = client.post(
        webhooks.url,
        data=old.payload,
        content_type="application/json",
        headers={"Stripe-Signature": replayed},
    )

    assert _refusal(response) in {(400, "stale_signature"), (400, "malformed_signature")}
    assert not StripeEvent.objects.filter(accepted=True, event_id=event["id"]).exists()


def test_a_header_with_two_timestamps_is_malformed_even_when_both_are_fresh(webhooks, client, renewed):
    request = webhooks.shop.fake.webhook(webhooks.event("payment_intent.succeeded"))
    header = f"{request.signature},t={int(time.time())}"

    response = client.post(
        webhooks.url,
        data=request.payload,
        content_type="application/json",
        headers={"Stripe-Signature": header},
    )

    assert _refusal(response) == (400, "malformed_signature")


def test_the_old_signature_alone_is_stale(webhooks, renewed):
    response = webhooks.post(
        webhooks.event("payment_intent.succeeded"), timestamp=int(time.time()) - 3 * 86400
    )

    assert _refusal(response) == (400, "stale_signature")


def test_a_signed_body_that_is_not_utf8_is_refused_as_invalid_body(webhooks, client, renewed):
    body = b'{"id": "evt_\xff\xfe"}'
    header = signature_header(body, webhooks.shop.webhook_secret)

    response = client.post(
        webhooks.url, data=body, content_type="application/json", headers={"Stripe-Signature": header}
    )

    assert _refusal(response) == (400, "invalid_body")
    assert StripeEvent.objects.get(pk=response.json()["event"]).raw_body == body


@pytest.mark.parametrize("ref", ["²", "١٢", "12345678901234567890123"])
def test_an_installation_ref_of_other_digits_is_an_unknown_installation(webhooks, renewed, ref):
    response = webhooks.post(webhooks.event("payment_intent.succeeded"), url=f"/webhooks/stripe/{ref}/")

    assert _refusal(response) == (404, "unknown_installation")
