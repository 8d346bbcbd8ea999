"""The fake Stripe server's API, driven by the real `stripe` library over HTTP: authentication, form encoding
and errors, customers and payment methods, the PaymentIntent's status flow, idempotency keys.

Tests taking `stripe_api` run against real Stripe test mode too when STRIPE_TEST_SECRET_KEY is set: that
contract keeps the fake honest. The others use what only the fake can show. Payments (3-D Secure, SEPA,
refunds), API failures and webhooks are tested beside the fake, in tests/fakes/stripe/.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
import pytest
import stripe

from tests.fakes.stripe import fixtures
from tests.fakes.stripe.scenarios import customer_with_card, renew

# The fake's fixtures, made available to the tests of this module.
fake_stripe_server = fixtures.fake_stripe_server
fake_stripe = fixtures.fake_stripe
stripe_client = fixtures.stripe_client
stripe_api = fixtures.stripe_api


# -- authentication, encoding, errors --------------------------------------------------------------------


def test_unknown_secret_key_is_refused_with_401_and_the_library_raises_authentication_error(fake_stripe):
    stranger = stripe.StripeClient(
        "sk_test_unknown", base_addresses={"api": fake_stripe.url}, max_network_retries=0
    )
    with pytest.raises(stripe.AuthenticationError) as raised:
        stranger.v1.customers.list()
    assert raised.value.http_status == 401
    assert raised.value.error is not None and raised.value.error.type == "invalid_request_error"


def test_a_request_without_api_key_gets_stripes_401_error_shape(fake_stripe):
    response = httpx.get(f"{fake_stripe.url}/v1/customers")
    assert response.status_code == 401
    assert set(response.json()["error"]) >= {"type", "message"}


def test_basic_auth_with_the_key_as_user_is_accepted_like_curl_u(fake_stripe):
    response = httpx.post(
        f"{fake_stripe.url}/v1/customers",
        auth=(fake_stripe.secret_key, ""),
        data={"email": "curl@example.com"},
    )
    assert response.status_code == 200
    assert response.json()["id"].startswith("cus_")


def test_nested_form_fields_and_expand_brackets_are_decoded(fake_stripe):
    body = (
        "amount=2000&currency=eur&payment_method=pm_card_visa&confirm=true&metadata[invoice]=INV-7"
        "&metadata[attempt]=2&expand[]=latest_charge&expand[]=payment_method"
    )
    response = httpx.post(
        f"{fake_stripe.url}/v1/payment_intents",
        content=body,
        headers={
            "Authorization": f"Bearer {fake_stripe.secret_key}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    pi = response.json()
    assert pi["metadata"] == {"invoice": "INV-7", "attempt": "2"}
    assert pi["latest_charge"]["object"] == "charge" and pi["latest_charge"]["amount"] == 2000
    assert pi["payment_method"]["card"]["last4"] == "4242"


def test_metadata_merges_and_an_empty_value_removes_a_key(stripe_api):
    customer = stripe_api.v1.customers.create(params={"metadata": {"shop": "a", "user": "u1"}})
    updated = stripe_api.v1.customers.update(customer.id, params={"metadata": {"user": "", "plan": "gold"}})
    assert updated.metadata.to_dict() == {"shop": "a", "plan": "gold"}


def test_unknown_parameter_is_refused_naming_it(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(params={"amout": 1000, "currency": "eur"})
    assert (raised.value.code, raised.value.param) == ("parameter_unknown", "amout")


def test_missing_amount_is_parameter_missing(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(params={"currency": "eur"})
    assert (raised.value.code, raised.value.param) == ("parameter_missing", "amount")


def test_amount_below_the_minimum_charge_is_amount_too_small(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(params={"amount": 20, "currency": "eur"})
    assert (raised.value.code, raised.value.param) == ("amount_too_small", "amount")


def test_an_unknown_object_is_a_404_resource_missing(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.retrieve("pi_doesnotexist")
    assert raised.value.http_status == 404
    assert raised.value.code == "resource_missing"


def test_objects_of_another_account_are_invisible(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create()
    other = fake_stripe.client(fake_stripe.add_account().secret_key, max_network_retries=0)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        other.v1.customers.retrieve(customer.id)
    assert raised.value.code == "resource_missing"


def test_account_retrieve_answers_for_the_key_and_live_keys_are_livemode(fake_stripe):
    live = fake_stripe.add_account("sk_live_shop")
    account = fake_stripe.client(live.secret_key, max_network_retries=0).v1.accounts.retrieve_current()
    assert account.id == live.id
    customer = fake_stripe.client(live.secret_key, max_network_retries=0).v1.customers.create()
    assert customer.livemode is True


# -- customers and payment methods --------------------------------------------------------------------


def test_customer_default_payment_method_is_set_retrieved_and_must_be_attached(stripe_api):
    customer, card = customer_with_card(stripe_api)
    stripe_api.v1.customers.update(customer, params={"invoice_settings": {"default_payment_method": card}})
    assert stripe_api.v1.customers.retrieve(customer).invoice_settings.default_payment_method == card
    stray = stripe_api.v1.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.customers.update(
            customer, params={"invoice_settings": {"default_payment_method": stray.id}}
        )
    assert raised.value.param == "invoice_settings[default_payment_method]"


def test_each_use_of_a_pm_card_shortcut_makes_a_new_payment_method(stripe_api):
    first = stripe_api.v1.payment_methods.attach(
        "pm_card_visa", params={"customer": stripe_api.v1.customers.create().id}
    )
    second = stripe_api.v1.payment_methods.attach(
        "pm_card_visa", params={"customer": stripe_api.v1.customers.create().id}
    )
    assert first.id != second.id and first.id.startswith("pm_") and first.card is not None
    assert (first.card.brand, first.card.last4) == ("visa", "4242")


def test_card_numbers_and_tokens_make_payment_methods_but_a_real_card_is_declined(stripe_client):
    by_number = stripe_client.v1.payment_methods.create(
        params={
            "type": "card",
            "card": {"number": "4000002760003184", "exp_month": 12, "exp_year": 2040, "cvc": "123"},
        }
    )
    assert by_number.card is not None and by_number.card.last4 == "3184"
    by_token = stripe_client.v1.payment_methods.create(
        params={"type": "card", "card": {"token": "tok_mastercard"}}
    )
    assert by_token.card is not None and by_token.card.brand == "mastercard"
    with pytest.raises(stripe.CardError) as raised:
        stripe_client.v1.payment_methods.create(
            params={"type": "card", "card": {"number": "4111111111111112", "exp_month": 1, "exp_year": 2040}}
        )
    assert raised.value.error is not None and raised.value.error.decline_code == "test_mode_live_card"


def test_attaching_a_declining_card_is_refused_but_0341_attaches_and_then_every_charge_fails(stripe_api):
    customer = stripe_api.v1.customers.create().id
    with pytest.raises(stripe.CardError) as raised:
        stripe_api.v1.payment_methods.attach("pm_card_chargeDeclined", params={"customer": customer})
    assert raised.value.code == "card_declined"
    attached = stripe_api.v1.payment_methods.attach(
        "pm_card_chargeCustomerFail", params={"customer": customer}
    )
    assert attached.customer == customer
    with pytest.raises(stripe.CardError) as declined:
        renew(stripe_api, customer, attached.id)
    assert declined.value.error is not None and declined.value.error.decline_code == "generic_decline"


def test_detaching_clears_the_default_and_records_payment_method_detached(fake_stripe, stripe_client):
    customer, card = customer_with_card(stripe_client)
    stripe_client.v1.customers.update(customer, params={"invoice_settings": {"default_payment_method": card}})
    detached = stripe_client.v1.payment_methods.detach(card)
    assert detached.customer is None
    assert stripe_client.v1.customers.retrieve(customer).invoice_settings.default_payment_method is None
    event = fake_stripe.events("payment_method.detached")[0]
    assert event["data"]["previous_attributes"] == {"customer": customer}


def test_payment_methods_are_listed_per_customer_and_type(stripe_api):
    customer, card = customer_with_card(stripe_api)
    stripe_api.v1.payment_methods.attach("pm_card_mastercard", params={"customer": customer})
    cards_listed = stripe_api.v1.customers.payment_methods.list(customer, params={"type": "card"})
    assert len(cards_listed.data) == 2 and card in [pm.id for pm in cards_listed.data]
    assert stripe_api.v1.payment_methods.list(params={"customer": customer, "type": "sepa_debit"}).data == []


def test_a_payment_method_used_once_without_a_customer_cannot_be_used_again(stripe_api):
    pm = stripe_api.v1.payment_methods.create(params={"type": "card", "card": {"token": "tok_visa"}})
    params: dict[str, Any] = {"amount": 1000, "currency": "eur", "payment_method": pm.id, "confirm": True}
    stripe_api.v1.payment_intents.create(params=params)
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(params=params)
    assert raised.value.code == "payment_method_unexpected_state"


# -- the PaymentIntent's status flow ---------------------------------------------------------------------


def test_status_goes_from_requires_payment_method_to_requires_confirmation_to_succeeded(stripe_api):
    pi = stripe_api.v1.payment_intents.create(
        params={"amount": 1000, "currency": "EUR", "metadata": {"invoice": "7"}}
    )
    assert (pi.status, pi.currency, pi.client_secret.startswith(f"{pi.id}_secret_")) == (
        "requires_payment_method",
        "eur",
        True,
    )
    pi = stripe_api.v1.payment_intents.update(pi.id, params={"payment_method": "pm_card_visa"})
    assert pi.status == "requires_confirmation"
    pi = stripe_api.v1.payment_intents.confirm(pi.id)
    assert (pi.status, pi.amount_received, pi.metadata.to_dict()) == ("succeeded", 1000, {"invoice": "7"})
    charge = stripe_api.v1.charges.retrieve(str(pi.latest_charge))
    assert (charge.amount, charge.amount_captured, charge.refunded, charge.metadata.to_dict()) == (
        1000,
        1000,
        False,
        {"invoice": "7"},
    )


def test_off_session_without_confirm_is_refused(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(params={"amount": 1000, "currency": "eur", "off_session": True})
    assert raised.value.param == "off_session"


def test_manual_capture_waits_in_requires_capture_and_a_partial_capture_releases_the_rest(stripe_api):
    pi = stripe_api.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "capture_method": "manual",
        }
    )
    assert (pi.status, pi.amount_capturable) == ("requires_capture", 1000)
    pi = stripe_api.v1.payment_intents.capture(pi.id, params={"amount_to_capture": 600})
    charge = stripe_api.v1.charges.retrieve(str(pi.latest_charge))
    assert (pi.status, pi.amount_received, charge.amount_captured, charge.amount_refunded) == (
        "succeeded",
        600,
        600,
        400,
    )


def test_cancel_works_before_payment_and_is_refused_after_it(stripe_api):
    open_pi = stripe_api.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
    canceled = stripe_api.v1.payment_intents.cancel(open_pi.id, params={"cancellation_reason": "abandoned"})
    assert (canceled.status, canceled.cancellation_reason) == ("canceled", "abandoned")
    paid = stripe_api.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.cancel(paid.id)
    assert raised.value.code == "payment_intent_unexpected_state"


def test_a_card_that_declines_after_authentication_fails_when_the_challenge_is_passed(
    fake_stripe, stripe_client
):
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_authenticationRequiredChargeDeclinedInsufficientFunds",
            "confirm": True,
        }
    )
    assert pi.status == "requires_action"
    fake_stripe.complete_authentication(pi.id)
    pi = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None and pi.last_payment_error.decline_code == "insufficient_funds"


def test_a_setup_whose_challenge_fails_keeps_the_card_off_the_customer(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={"customer": customer, "payment_method": "pm_card_authenticationRequired", "confirm": True}
    )
    fake_stripe.complete_authentication(setup.id, succeed=False)
    setup = stripe_client.v1.setup_intents.retrieve(setup.id)
    assert setup.status == "requires_payment_method"
    assert setup.last_setup_error is not None
    assert setup.last_setup_error.code == "setup_intent_authentication_failure"
    assert stripe_client.v1.customers.payment_methods.list(customer).data == []
    assert fake_stripe.events("setup_intent.setup_failed")


# -- idempotency -----------------------------------------------------------------------------------------


def test_the_same_idempotency_key_and_parameters_replays_the_first_response(stripe_api):
    params: dict[str, Any] = {
        "amount": 1500,
        "currency": "eur",
        "payment_method": "pm_card_visa",
        "confirm": True,
    }
    key = f"invoice-7-attempt-1-{uuid.uuid4()}"
    first = stripe_api.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    again = stripe_api.v1.payment_intents.create(params=params, options={"idempotency_key": key})
    assert again.id == first.id
    assert again.last_response is not None
    assert again.last_response.headers["Idempotent-Replayed"] == "true"
    assert first.last_response is not None and "Idempotent-Replayed" not in first.last_response.headers


def test_the_same_idempotency_key_with_other_parameters_is_an_idempotency_error(stripe_api):
    key = f"customer-{uuid.uuid4()}"
    stripe_api.v1.customers.create(params={"email": "a@example.com"}, options={"idempotency_key": key})
    with pytest.raises(stripe.IdempotencyError) as raised:
        stripe_api.v1.customers.create(params={"email": "b@example.com"}, options={"idempotency_key": key})
    assert raised.value.http_status == 400


def test_idempotency_keys_belong_to_one_account(fake_stripe, stripe_client):
    other = fake_stripe.client(fake_stripe.add_account().secret_key, max_network_retries=0)
    first = stripe_client.v1.customers.create(options={"idempotency_key": "same-key"})
    second = other.v1.customers.create(options={"idempotency_key": "same-key"})
    assert first.id != second.id


def test_a_decline_is_replayed_for_its_key_without_a_second_attempt(fake_stripe, stripe_client):
    params: dict[str, Any] = {
        "amount": 1500,
        "currency": "eur",
        "payment_method": "pm_card_chargeDeclined",
        "confirm": True,
    }
    errors = []
    for _ in range(2):
        with pytest.raises(stripe.CardError) as raised:
            stripe_client.v1.payment_intents.create(params=params, options={"idempotency_key": "decline-key"})
        assert raised.value.error is not None and raised.value.error.payment_intent is not None
        errors.append(raised.value.error.payment_intent.id)
    assert errors[0] == errors[1]
    assert (fake_stripe.count("payment_intent"), fake_stripe.count("charge")) == (1, 1)


def test_a_request_refused_by_validation_is_not_kept_so_its_key_runs_again(stripe_api):
    pi = stripe_api.v1.payment_intents.create(params={"amount": 1500, "currency": "eur"})
    key = f"confirm-{pi.id}"
    with pytest.raises(stripe.InvalidRequestError):
        stripe_api.v1.payment_intents.confirm(pi.id, options={"idempotency_key": key})
    stripe_api.v1.payment_intents.update(pi.id, params={"payment_method": "pm_card_visa"})
    assert (
        stripe_api.v1.payment_intents.confirm(pi.id, options={"idempotency_key": key}).status == "succeeded"
    )


def test_the_request_log_shows_each_request_with_its_idempotency_key(fake_stripe, stripe_client):
    stripe_client.v1.customers.create(options={"idempotency_key": "log-me"})
    stripe_client.v1.customers.create(options={"idempotency_key": "log-me"})
    logged = fake_stripe.requests("POST", "/v1/customers")
    assert [(r.idempotency_key, r.status, r.replayed) for r in logged] == [
        ("log-me", 200, False),
        ("log-me", 200, True),
    ]
