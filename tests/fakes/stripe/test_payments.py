"""Payments on the fake Stripe: SetupIntents and 3-D Secure, off-session charges and their declines,
SEPA Direct Debit with its mandate and later settlement, refunds and disputes.

Tests taking `stripe_api` run against real Stripe test mode too when STRIPE_TEST_SECRET_KEY is set.
"""

from __future__ import annotations

import httpx
import pytest
import stripe

from .scenarios import CARD_PAYMENT, ONLINE_MANDATE, SEPA_FAILS, SEPA_SUCCEEDS, customer_with_card, renew

# -- SetupIntents, 3-D Secure, off-session -------------------------------------------------------------


def test_setup_intent_attaches_the_card_to_the_customer_and_records_setup_intent_succeeded(
    fake_stripe, stripe_client
):
    customer, card = customer_with_card(stripe_client)
    assert stripe_client.v1.payment_methods.retrieve(card).customer == customer
    assert [e["type"] for e in fake_stripe.events() if e["type"].startswith("setup_intent.")] == [
        "setup_intent.created",
        "setup_intent.succeeded",
    ]


def test_setup_with_a_declining_card_fails_with_the_setup_intent_on_the_error(stripe_api):
    customer = stripe_api.v1.customers.create().id
    with pytest.raises(stripe.CardError) as raised:
        stripe_api.v1.setup_intents.create(
            params={
                "customer": customer,
                "payment_method": "pm_card_chargeDeclinedInsufficientFunds",
                "confirm": True,
            }
        )
    error = raised.value.error
    assert error is not None and error.setup_intent is not None
    assert error.setup_intent.status == "requires_payment_method"
    assert error.decline_code == "insufficient_funds"


def test_3155_asks_for_authentication_at_setup_and_then_renews_off_session_without_a_challenge(
    fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={
            "customer": customer,
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "confirm": True,
        }
    )
    assert setup.status == "requires_action" and setup.next_action is not None
    fake_stripe.complete_authentication(setup.id)
    setup = stripe_client.v1.setup_intents.retrieve(setup.id)
    assert setup.status == "succeeded"
    assert isinstance(setup.payment_method, str)
    assert renew(stripe_client, customer, setup.payment_method).status == "succeeded"


def test_3155_off_session_without_setup_is_declined_authentication_required(stripe_api):
    customer = stripe_api.v1.customers.create().id
    card = stripe_api.v1.payment_methods.attach(
        "pm_card_authenticationRequiredOnSetup", params={"customer": customer}
    )
    with pytest.raises(stripe.CardError) as raised:
        renew(stripe_api, customer, card.id)
    error = raised.value.error
    assert raised.value.http_status == 402 and raised.value.code == "authentication_required"
    assert error is not None and error.decline_code == "authentication_required"
    assert error.payment_intent is not None and error.payment_intent.status == "requires_payment_method"
    assert error.payment_intent.last_payment_error is not None
    assert error.payment_intent.last_payment_error.payment_method is not None
    assert error.payment_intent.last_payment_error.payment_method.id == card.id


def test_3184_requires_authentication_off_session_even_after_setup(fake_stripe, stripe_client):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={"customer": customer, "payment_method": "pm_card_authenticationRequired", "confirm": True}
    )
    fake_stripe.complete_authentication(setup.id)
    card = stripe_client.v1.setup_intents.retrieve(setup.id).payment_method
    assert isinstance(card, str)
    with pytest.raises(stripe.CardError) as raised:
        renew(stripe_client, customer, card)
    assert raised.value.code == "authentication_required"


def test_on_session_3ds_card_waits_in_requires_action_until_the_challenge_is_passed(
    fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 4900,
            "currency": "eur",
            "customer": customer,
            "setup_future_usage": "off_session",
            "payment_method": "pm_card_authenticationRequiredOnSetup",
            "confirm": True,
        }
    )
    assert pi.status == "requires_action"
    assert pi.next_action is not None and pi.next_action.type == "use_stripe_sdk"
    assert pi.latest_charge is None
    fake_stripe.complete_authentication(pi.id)
    pi = stripe_client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert pi.status == "succeeded" and pi.amount_received == 4900
    assert isinstance(pi.latest_charge, stripe.Charge) and pi.latest_charge.paid
    assert isinstance(pi.payment_method, str)
    # setup_future_usage=off_session saved the authenticated card: the renewal needs no challenge.
    assert renew(stripe_client, customer, pi.payment_method).status == "succeeded"


def test_a_return_url_makes_next_action_a_redirect(stripe_api):
    pi = stripe_api.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://shop.example/pay/done",
        }
    )
    assert pi.next_action is not None and pi.next_action.type == "redirect_to_url"
    assert pi.next_action.redirect_to_url is not None
    assert pi.next_action.redirect_to_url.return_url == "https://shop.example/pay/done"


def test_the_challenge_page_completes_authentication_and_redirects_to_the_return_url(
    fake_stripe, stripe_client
):
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
            "return_url": "https://shop.example/pay/done",
        }
    )
    assert pi.next_action is not None and pi.next_action.redirect_to_url is not None
    challenge_url = pi.next_action.redirect_to_url.url
    assert challenge_url is not None
    assert "Authenticate" in httpx.get(challenge_url).text
    answer = httpx.post(challenge_url, data={"succeed": "true"})
    assert answer.status_code == 303
    assert answer.headers["location"] == f"https://shop.example/pay/done?payment_intent={pi.id}"
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"


def test_a_failed_challenge_goes_back_to_requires_payment_method(fake_stripe, stripe_client):
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 1000,
            "currency": "eur",
            "payment_method": "pm_card_authenticationRequired",
            "confirm": True,
        }
    )
    fake_stripe.complete_authentication(pi.id, succeed=False)
    pi = stripe_client.v1.payment_intents.retrieve(pi.id)
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None
    assert pi.last_payment_error.code == "payment_intent_authentication_failure"
    assert fake_stripe.events("payment_intent.payment_failed")


def test_an_authentication_required_renewal_is_paid_when_the_customer_confirms_it_on_session(
    fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    card = stripe_client.v1.payment_methods.attach(
        "pm_card_authenticationRequired", params={"customer": customer}
    ).id
    with pytest.raises(stripe.CardError) as raised:
        renew(stripe_client, customer, card)
    assert raised.value.error is not None and raised.value.error.payment_intent is not None
    pi_id = raised.value.error.payment_intent.id
    # The pay page: the same PaymentIntent, the same card, this time with the customer present.
    pi = stripe_client.v1.payment_intents.confirm(pi_id, params={"payment_method": card})
    assert pi.status == "requires_action"
    fake_stripe.complete_authentication(pi_id)
    assert stripe_client.v1.payment_intents.retrieve(pi_id).status == "succeeded"
    assert fake_stripe.count("payment_intent") == 1


@pytest.mark.parametrize(
    ("card", "code", "decline_code"),
    [
        ("pm_card_chargeDeclined", "card_declined", "generic_decline"),
        ("pm_card_chargeDeclinedInsufficientFunds", "card_declined", "insufficient_funds"),
        ("pm_card_chargeDeclinedExpiredCard", "expired_card", "expired_card"),
    ],
)
def test_a_declined_card_is_a_402_card_error_with_the_decline_code_charge_and_payment_intent(
    stripe_api,
    card,
    code,
    decline_code,
):
    with pytest.raises(stripe.CardError) as raised:
        stripe_api.v1.payment_intents.create(
            params={"amount": 1000, "currency": "eur", "payment_method": card, "confirm": True}
        )
    error = raised.value.error
    assert raised.value.http_status == 402 and raised.value.code == code
    assert error is not None and error.decline_code == decline_code
    assert error.payment_intent is not None and error.payment_intent.status == "requires_payment_method"
    charge = stripe_api.v1.charges.retrieve(error.charge or "")
    assert (charge.status, charge.paid, charge.payment_intent) == ("failed", False, error.payment_intent.id)
    assert error.payment_intent.latest_charge == charge.id


def test_a_card_dispute_test_number_is_paid_then_disputed(fake_stripe, stripe_client):
    pi = stripe_client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "payment_method": "pm_card_createDispute", "confirm": True}
    )
    assert pi.status == "succeeded"
    dispute = fake_stripe.events("charge.dispute.created")[0]["data"]["object"]
    assert dispute["charge"] == pi.latest_charge and dispute["payment_intent"] == pi.id


# -- SEPA Direct Debit -------------------------------------------------------------------------------------


def test_sepa_debit_is_processing_until_settled_then_succeeds_and_renews_on_its_mandate(
    fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "eur",
            "customer": customer,
            "payment_method_types": ["sepa_debit"],
            "payment_method_data": SEPA_SUCCEEDS,
            "mandate_data": ONLINE_MANDATE,
            "confirm": True,
            "setup_future_usage": "off_session",
        }
    )
    assert pi.status == "processing"
    charge = stripe_client.v1.charges.retrieve(str(pi.latest_charge))
    assert charge.status == "pending" and charge.payment_method_details is not None
    assert charge.payment_method_details.sepa_debit is not None
    mandate = stripe_client.v1.mandates.retrieve(str(charge.payment_method_details.sepa_debit.mandate))
    assert (mandate.status, mandate.type) == ("active", "multi_use")
    assert fake_stripe.settle_processing() == [pi.id]
    assert stripe_client.v1.payment_intents.retrieve(pi.id).status == "succeeded"
    assert stripe_client.v1.charges.retrieve(charge.id).status == "succeeded"
    assert [e["type"] for e in fake_stripe.events() if e["type"].startswith("payment_intent.")] == [
        "payment_intent.created",
        "payment_intent.processing",
        "payment_intent.succeeded",
    ]
    # The renewal: off-session on the saved account, no mandate_data needed any more.
    renewal = renew(stripe_client, customer, str(pi.payment_method), payment_method_types=["sepa_debit"])
    assert renewal.status == "processing"


def test_sepa_debit_on_the_failing_test_iban_fails_after_processing(fake_stripe, stripe_client):
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "eur",
            "payment_method_types": ["sepa_debit"],
            "payment_method_data": SEPA_FAILS,
            "mandate_data": ONLINE_MANDATE,
            "confirm": True,
        }
    )
    assert pi.status == "processing"
    fake_stripe.settle_processing(pi.id)
    pi = stripe_client.v1.payment_intents.retrieve(pi.id, params={"expand": ["latest_charge"]})
    assert pi.status == "requires_payment_method"
    assert pi.last_payment_error is not None and pi.last_payment_error.code == "generic_could_not_process"
    assert isinstance(pi.latest_charge, stripe.Charge) and pi.latest_charge.status == "failed"
    assert fake_stripe.events("payment_intent.payment_failed")


def test_sepa_debit_without_a_mandate_is_refused_with_parameter_missing(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(
            params={
                "amount": 2500,
                "currency": "eur",
                "payment_method_types": ["sepa_debit"],
                "payment_method_data": SEPA_SUCCEEDS,
                "confirm": True,
            }
        )
    assert (raised.value.code, raised.value.param) == ("parameter_missing", "mandate_data")


def test_sepa_debit_in_another_currency_than_eur_is_refused(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_intents.create(
            params={
                "amount": 2500,
                "currency": "usd",
                "payment_method_types": ["sepa_debit"],
                "payment_method_data": SEPA_SUCCEEDS,
                "mandate_data": ONLINE_MANDATE,
                "confirm": True,
            }
        )
    assert raised.value.param == "currency"


def test_an_iban_with_a_wrong_checksum_is_refused(stripe_api):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.payment_methods.create(
            params={**SEPA_SUCCEEDS, "sepa_debit": {"iban": "DE89370400440532013001"}}
        )
    assert (raised.value.code, raised.value.param) == ("invalid_bank_account_iban", "sepa_debit[iban]")


def test_sepa_setup_intent_makes_a_mandate_and_its_revocation_records_mandate_updated(
    fake_stripe, stripe_client
):
    customer = stripe_client.v1.customers.create().id
    setup = stripe_client.v1.setup_intents.create(
        params={
            "customer": customer,
            "payment_method_types": ["sepa_debit"],
            "payment_method_data": SEPA_SUCCEEDS,
            "mandate_data": ONLINE_MANDATE,
            "confirm": True,
        }
    )
    assert setup.status == "succeeded" and isinstance(setup.mandate, str)
    fake_stripe.update_mandate(setup.mandate, "inactive")
    assert stripe_client.v1.mandates.retrieve(setup.mandate).status == "inactive"
    event = fake_stripe.events("mandate.updated")[0]
    assert event["data"]["previous_attributes"] == {"status": "active"}


# -- refunds and disputes -------------------------------------------------------------------------------


def test_partial_and_full_refunds_and_more_than_what_is_left_is_refused(stripe_api):
    pi = stripe_api.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    first = stripe_api.v1.refunds.create(
        params={"payment_intent": pi.id, "amount": 300, "reason": "requested_by_customer"}
    )
    assert (first.amount, first.status, first.charge) == (300, "succeeded", pi.latest_charge)
    with pytest.raises(stripe.InvalidRequestError) as too_much:
        stripe_api.v1.refunds.create(params={"payment_intent": pi.id, "amount": 800})
    assert (too_much.value.code, too_much.value.param) == ("amount_too_large", "amount")
    rest = stripe_api.v1.refunds.create(params={"payment_intent": pi.id})
    assert rest.amount == 700
    charge = stripe_api.v1.charges.retrieve(str(pi.latest_charge))
    assert (charge.amount_refunded, charge.refunded) == (1000, True)
    with pytest.raises(stripe.InvalidRequestError) as again:
        stripe_api.v1.refunds.create(params={"payment_intent": pi.id, "amount": 1})
    assert again.value.code == "charge_already_refunded"
    assert [r.amount for r in stripe_api.v1.refunds.list(params={"payment_intent": pi.id}).data] == [700, 300]


def test_each_refund_records_charge_refunded_with_the_amount_refunded_so_far(fake_stripe, stripe_client):
    pi = stripe_client.v1.payment_intents.create(params=CARD_PAYMENT)
    stripe_client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 300})
    stripe_client.v1.refunds.create(params={"payment_intent": pi.id})
    refunded = fake_stripe.events("charge.refunded")
    assert [e["data"]["object"]["amount_refunded"] for e in refunded] == [300, 1500]
    assert refunded[1]["data"]["previous_attributes"] == {"amount_refunded": 300, "refunded": False}


def test_a_payment_intent_that_was_not_paid_cannot_be_refunded(stripe_api):
    pi = stripe_api.v1.payment_intents.create(params={"amount": 1000, "currency": "eur"})
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_api.v1.refunds.create(params={"payment_intent": pi.id})
    assert raised.value.code == "charge_not_refundable"


def test_the_dispute_helper_disputes_the_charge_and_records_charge_dispute_created(
    fake_stripe, stripe_client
):
    pi = stripe_client.v1.payment_intents.create(
        params={"amount": 1000, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )
    dispute = fake_stripe.create_dispute(pi.id)
    assert stripe_client.v1.disputes.retrieve(dispute["id"]).status == "needs_response"
    assert stripe_client.v1.charges.retrieve(str(pi.latest_charge)).disputed is True
    assert fake_stripe.events("charge.dispute.created")[0]["data"]["object"]["id"] == dispute["id"]
