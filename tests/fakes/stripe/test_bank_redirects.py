"""iDEAL and Bancontact on the fake Stripe: the redirect to the bank (`requires_action`, `redirect_to_url`),
the customer authorising or refusing there, the SEPA Direct Debit method (with its mandate) a payment or
set-up for future use leaves behind (`generated_sepa_debit`), renewals on it, and what Stripe refuses.

Tests taking `stripe_api` run against real Stripe test mode too when STRIPE_TEST_SECRET_KEY is set.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import stripe

from .scenarios import ONLINE_MANDATE, bank_method, bank_payment, renew

RETURN_URL = "https://shop.example/pay/done"


def _charge_details(client: stripe.StripeClient, pi_id: str, kind: str) -> dict:
    pi = client.v1.payment_intents.retrieve(pi_id, params={"expand": ["latest_charge"]})
    assert isinstance(pi.latest_charge, stripe.Charge)
    details = pi.latest_charge.to_dict(recursive=True)["payment_method_details"]
    assert details["type"] == kind
    return dict(details[kind])


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_a_payment_waits_at_the_bank_then_leaves_a_sepa_method_with_a_mandate_that_renews_off_session(
    fake_stripe, stripe_client, kind
):
    customer = stripe_client.v1.customers.create().id
    pi = stripe_client.v1.payment_intents.create(params=bank_payment(customer, kind))
    assert (pi.status, pi.latest_charge) == ("requires_action", None)
    assert pi.next_action is not None and pi.next_action.type == "redirect_to_url"
    redirect = pi.next_action.redirect_to_url
    assert redirect is not None and redirect.return_url == RETURN_URL
    assert redirect.url == f"{fake_stripe.url}/fake/bank/{pi.id}"

    # The customer's browser at the bank: Stripe's test page, then back to the shop.
    assert "Authorize test payment" in httpx.get(redirect.url).text
    answer = httpx.post(redirect.url, data={"succeed": "true"})
    assert answer.status_code == 303
    location = urlsplit(answer.headers["location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == RETURN_URL
    assert parse_qs(location.query) == {
        "payment_intent": [pi.id],
        "payment_intent_client_secret": [pi.client_secret],
    }

    pi = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert (pi.status, pi.amount_received, pi.next_action) == ("succeeded", 1500, None)
    details = _charge_details(stripe_client, pi.id, kind)
    generated = stripe_client.v1.payment_methods.retrieve(details["generated_sepa_debit"])
    assert generated.id != pi.payment_method
    assert (generated.type, generated.customer) == ("sepa_debit", customer)
    assert generated.sepa_debit is not None and generated.sepa_debit.generated_from is not None
    assert generated.sepa_debit.generated_from.charge == fake_stripe.get(pi.id)["latest_charge"]
    assert generated.billing_details.email == "jenny@example.com"
    assert generated.sepa_debit.last4 == details["iban_last4"]
    mandate = stripe_client.v1.mandates.retrieve(details["generated_sepa_debit_mandate"])
    assert (mandate.status, mandate.type, mandate.payment_method) == ("active", "multi_use", generated.id)
    assert mandate.customer_acceptance.online is not None
    assert mandate.customer_acceptance.online.ip_address == "203.0.113.7"
    # The iDEAL/Bancontact method itself is not kept: it is not attached, and cannot pay again.
    assert stripe_client.v1.payment_methods.retrieve(str(pi.payment_method)).customer is None
    assert [e["type"] for e in fake_stripe.events() if e["type"].startswith("payment_intent.")] == [
        "payment_intent.created",
        "payment_intent.requires_action",
        "payment_intent.succeeded",
    ]
    assert [e["data"]["object"]["id"] for e in fake_stripe.events("payment_method.attached")] == [
        generated.id
    ]

    # The renewal: off-session on the generated SEPA method and its mandate (no mandate_data any more).
    renewal = renew(stripe_client, customer, generated.id, payment_method_types=["sepa_debit"])
    assert renewal.status == "processing"
    assert fake_stripe.settle_processing(renewal.id) == [renewal.id]
    assert stripe_client.v1.payment_intents.retrieve(renewal.id).status == "succeeded"
    charge = fake_stripe.get(fake_stripe.get(renewal.id)["latest_charge"])
    assert charge["payment_method_details"]["sepa_debit"]["mandate"] == mandate.id

    with pytest.raises(stripe.InvalidRequestError) as raised:
        renew(stripe_client, customer, str(pi.payment_method), payment_method_types=[kind])
    assert (raised.value.code, raised.value.param) == ("payment_method_unexpected_state", "payment_method")


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_a_refusal_at_the_bank_goes_back_to_requires_payment_method_and_leaves_nothing(
    fake_stripe, stripe_client, kind
):
    customer = stripe_client.v1.customers.create().id
    pi = stripe_client.v1.payment_intents.create(params=bank_payment(customer, kind))
    spent = str(pi.payment_method)
    fake_stripe.complete_authentication(pi.id, succeed=False)  # "Fail test payment"

    pi = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert (pi.status, pi.payment_method, pi.latest_charge) == ("requires_payment_method", None, None)
    assert pi.last_payment_error is not None
    assert pi.last_payment_error.code == "payment_intent_authentication_failure"
    assert "bank" in str(pi.last_payment_error.message)
    assert fake_stripe.events("payment_intent.payment_failed")
    assert fake_stripe.count("mandate") == 0 and fake_stripe.events("payment_method.attached") == []
    assert stripe_client.v1.payment_methods.list(params={"customer": customer}).data == []
    # The same PaymentIntent can be paid with another method; the refused one is spent.
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.confirm(
            pi.id, params={"payment_method": spent, "return_url": RETURN_URL, "mandate_data": ONLINE_MANDATE}
        )
    assert raised.value.code == "payment_method_unexpected_state"
    again = stripe_client.v1.payment_intents.confirm(
        pi.id,
        params={
            "payment_method_data": bank_method(kind),
            "return_url": RETURN_URL,
            "mandate_data": ONLINE_MANDATE,
        },
    )
    assert again.status == "requires_action"


def test_the_bank_page_answers_only_for_an_intent_waiting_for_the_bank(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    pi = stripe_client.v1.payment_intents.create(params=bank_payment(customer))
    fake_stripe.complete_authentication(pi.id)
    assert httpx.post(f"{fake_stripe.url}/fake/bank/{pi.id}", data={"succeed": "true"}).status_code == 409
    assert httpx.get(f"{fake_stripe.url}/fake/bank/pi_unknown").status_code == 404


def test_without_setup_future_usage_nothing_is_generated_and_no_mandate_is_asked(fake_stripe, stripe_client):
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method_types": ["ideal"],
            "payment_method_data": {"type": "ideal", "ideal": {"bank": "rabobank"}},
            "return_url": RETURN_URL,
            "confirm": True,
        }
    )
    fake_stripe.complete_authentication(pi.id)
    details = _charge_details(stripe_client, pi.id, "ideal")
    assert (details["bank"], details["bic"]) == ("rabobank", "RABONL2U")
    assert details["generated_sepa_debit"] is None and details["generated_sepa_debit_mandate"] is None
    assert fake_stripe.count("mandate") == 0


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_ideal_and_bancontact_take_euros_only(stripe_api, kind):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(
            params={"amount": 1000, "currency": "usd", "payment_method_types": [kind]}
        )
    assert raised.value.http_status == 400
    assert "eur" in str(raised.value.user_message)


@pytest.mark.parametrize(
    ("drop", "param"),
    [
        ("return_url", "return_url"),
        ("mandate_data", "mandate_data"),
        ("email", "billing_details[email]"),
    ],
)
def test_a_payment_set_up_for_future_use_needs_a_return_url_a_mandate_and_the_holders_email(
    stripe_client, drop, param
):
    customer = stripe_client.v1.customers.create().id
    params = dict(bank_payment(customer))
    if drop == "email":
        params["payment_method_data"] = {"type": "ideal", "billing_details": {"name": "Jenny Rosen"}}
    else:
        del params[drop]
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params=params)
    assert (raised.value.code, raised.value.param) == ("parameter_missing", param)


def test_bancontact_needs_the_holders_name(stripe_client):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_methods.create(params={"type": "bancontact"})
    assert (raised.value.code, raised.value.param) == ("parameter_missing", "billing_details[name]")


def test_an_ideal_method_cannot_be_charged_off_session(stripe_client):
    customer = stripe_client.v1.customers.create().id
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_client.v1.payment_intents.create(params=bank_payment(customer, off_session=True))
    assert (raised.value.code, raised.value.param) == ("payment_intent_invalid_parameter", "off_session")


def test_stripes_test_email_makes_the_generated_sepa_method_fail_when_debited(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    method = bank_method("bancontact", email="renewal_generatedSepaDebitIntentsFail@example.com")
    pi = stripe_client.v1.payment_intents.create(
        params=bank_payment(customer, "bancontact", payment_method_data=method)
    )
    fake_stripe.complete_authentication(pi.id)
    generated = _charge_details(stripe_client, pi.id, "bancontact")["generated_sepa_debit"]
    renewal = renew(stripe_client, customer, generated, payment_method_types=["sepa_debit"])
    fake_stripe.settle_processing(renewal.id)
    failed = stripe_client.v1.payment_intents.retrieve(renewal.id)
    assert failed.status == "requires_payment_method"
    assert failed.last_payment_error is not None and failed.last_payment_error.code


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_a_setup_intent_leaves_the_generated_sepa_method_on_its_setup_attempt(
    fake_stripe, stripe_client, kind
):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={
            "customer": customer,
            "payment_method_types": [kind],
            "payment_method_data": bank_method(kind),
            "mandate_data": ONLINE_MANDATE,
            "return_url": RETURN_URL,
            "confirm": True,
            "usage": "off_session",
        }
    )
    assert setup.status == "requires_action" and setup.next_action is not None
    assert setup.next_action.redirect_to_url is not None
    answer = httpx.post(str(setup.next_action.redirect_to_url.url), data={"succeed": "true"})
    assert parse_qs(urlsplit(answer.headers["location"]).query)["setup_intent"] == [setup.id]

    setup = stripe_client.v1.setup_intents.retrieve(setup.id, params={"expand": ["latest_attempt"]})
    assert setup.status == "succeeded"
    assert isinstance(setup.latest_attempt, stripe.SetupAttempt)
    attempt = setup.latest_attempt.to_dict(recursive=True)
    assert (attempt["status"], attempt["setup_intent"], attempt["payment_method"]) == (
        "succeeded",
        setup.id,
        setup.payment_method,
    )
    details = attempt["payment_method_details"][kind]
    generated = stripe_client.v1.payment_methods.retrieve(details["generated_sepa_debit"])
    assert (generated.type, generated.customer) == ("sepa_debit", customer)
    assert generated.sepa_debit is not None and generated.sepa_debit.generated_from is not None
    assert generated.sepa_debit.generated_from.setup_attempt == attempt["id"]
    assert setup.mandate == details["generated_sepa_debit_mandate"]
    # The SetupIntent's own method stays the spent iDEAL/Bancontact one, not attached.
    assert stripe_client.v1.payment_methods.retrieve(str(setup.payment_method)).type == kind
    assert stripe_client.v1.payment_methods.retrieve(str(setup.payment_method)).customer is None
    listed = stripe_client.v1.setup_attempts.list(params={"setup_intent": setup.id})
    assert [a.id for a in listed.data] == [attempt["id"]]
    assert [e["type"] for e in fake_stripe.events() if e["type"].startswith("setup_intent.")] == [
        "setup_intent.created",
        "setup_intent.requires_action",
        "setup_intent.succeeded",
    ]
    renewal = renew(stripe_client, customer, generated.id, payment_method_types=["sepa_debit"])
    assert renewal.status == "processing"


def test_a_setup_refused_at_the_bank_records_a_failed_attempt_and_setup_failed(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={
            "customer": customer,
            "payment_method_types": ["ideal"],
            "payment_method_data": bank_method("ideal"),
            "mandate_data": ONLINE_MANDATE,
            "return_url": RETURN_URL,
            "confirm": True,
        }
    )
    fake_stripe.complete_authentication(setup.id, succeed=False)
    setup = stripe_client.v1.setup_intents.retrieve(setup.id, params={"expand": ["latest_attempt"]})
    assert setup.status == "requires_payment_method" and setup.last_setup_error is not None
    assert setup.last_setup_error.code == "setup_intent_authentication_failure"
    assert isinstance(setup.latest_attempt, stripe.SetupAttempt) and setup.latest_attempt.status == "failed"
    assert fake_stripe.events("setup_intent.setup_failed") and fake_stripe.count("mandate") == 0


def test_updating_payment_method_types_widens_an_intent_to_ideal_in_euros_only(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    card_only = {"amount": 1500, "currency": "eur", "customer": customer, "payment_method_types": ["card"]}
    pi = stripe_client.v1.payment_intents.create(params=card_only)
    wider = {"payment_method_types": ["card", "ideal"]}
    widened = stripe_client.v1.payment_intents.update(pi.id, params=wider)
    assert widened.payment_method_types == ["card", "ideal"]
    confirmed = stripe_client.v1.payment_intents.confirm(
        pi.id, params={"payment_method_data": bank_method("ideal"), "return_url": RETURN_URL}
    )
    assert confirmed.status == "requires_action"

    dollars = stripe_client.v1.payment_intents.create(params={**card_only, "currency": "usd"})
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.update(dollars.id, params=wider)
    assert (refused.value.code, refused.value.param) == ("payment_intent_invalid_currency", "currency")


def test_a_payment_method_type_not_activated_on_the_account_is_refused(fake_stripe, stripe_client):
    fake_stripe.set_capability("ideal_payments", "inactive")
    assert stripe_client.v1.accounts.retrieve_current()["capabilities"]["ideal_payments"] == "inactive"
    customer = stripe_client.v1.customers.create().id
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.payment_intents.create(params=bank_payment(customer, "ideal"))
    assert refused.value.param == "payment_method_types[0]"
    with pytest.raises(stripe.InvalidRequestError) as refused:
        stripe_client.v1.setup_intents.create(
            params={"customer": customer, "payment_method_types": ["card", "ideal"]}
        )
    assert (refused.value.param, refused.value.code) == (
        "payment_method_types[1]",
        "payment_method_type_not_activated",
    )
    fake_stripe.reset()
    assert stripe_client.v1.accounts.retrieve_current()["capabilities"]["ideal_payments"] == "active"
