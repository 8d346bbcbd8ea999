"""The Stripe gateway of renewals against the fake Stripe over HTTP: each outcome of an off-session charge as
the renewal pipeline records it (BILLING_RULES §6), one PaymentIntent per attempt however often it is tried,
and refunds, full and partial, refusing more than was paid."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.refunds import RefundErrorCode, RefundRefused
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, GatewayUnavailable
from saleor_subscriptions.subscriptions.models import Subscription
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


def _request(invoice: Invoice, key: str = "invoice-x-attempt-9") -> ChargeRequest:
    return ChargeRequest(
        installation_id=invoice.installation_id,
        idempotency_key=key,
        customer_key=invoice.subscription.customer_key,
        amount=invoice.amount_due,
        currency=invoice.currency,
        invoice_number=str(invoice.number),
    )


def _unpaid_renewal(shop: ShopWithStripe) -> tuple[Subscription, Invoice]:
    """A renewal invoice left open (no saved method at renewal), then a card saved: to charge by hand."""
    subscription = shop.subscriber(card=None)
    invoice = shop.renew(subscription)
    assert invoice.status == Invoice.Status.OPEN
    setup = shop.client.v1.setup_intents.create(
        params={
            "customer": shop.customer(subscription).stripe_customer_id,
            "payment_method": "pm_card_visa",
            "confirm": True,
        }
    )
    customer = shop.customer(subscription)
    customer.default_payment_method_id, customer.payment_method_type = str(setup.payment_method), "card"
    customer.save()
    return subscription, invoice


# -- outcomes ---------------------------------------------------------------------------------------------


def test_a_saved_card_is_charged_off_session_and_the_renewal_is_paid(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    invoice = stripe_shop.renew(subscription)

    assert invoice.status == Invoice.Status.PAID
    assert invoice.amount_due == Decimal("36.30")  # 30.00 and the 21% VAT of the (in-memory) Saleor order
    [(number, status, _)] = attempts(invoice)
    assert (number, status) == (1, "succeeded")
    [intent] = stripe_shop.fake.objects("payment_intent")
    assert (intent["amount"], intent["currency"], intent["status"]) == (3630, "eur", "succeeded")
    assert intent["customer"] == stripe_shop.customer(subscription).stripe_customer_id
    assert intent["metadata"] == {
        "invoice_number": invoice.number,
        "installation": str(stripe_shop.installation.pk),
        "idempotency_key": f"invoice-{invoice.pk}-attempt-1",
    }
    [request] = stripe_shop.fake.requests("POST", "/v1/payment_intents")
    assert request.idempotency_key == f"invoice-{invoice.pk}-attempt-1"
    assert request.params["off_session"] == "true"
    assert invoice.attempts.get().reference == intent["id"]


def test_a_sepa_mandate_is_processing_the_invoice_stays_open_and_access_continues(stripe_shop):
    subscription = stripe_shop.subscriber(sepa=True)
    invoice = stripe_shop.renew(subscription)

    assert invoice.status == Invoice.Status.OPEN
    assert attempts(invoice) == [(1, "processing", "")]
    assert reload(subscription).status == "active"
    [intent] = stripe_shop.fake.objects("payment_intent")
    assert intent["status"] == "processing" and intent["payment_method_types"] == ["sepa_debit"]
    assert stripe_shop.notifier.kinds() == []


def test_a_card_that_needs_3d_secure_off_session_requires_action_and_sends_the_pay_link(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_authenticationRequired")  # 4000 0027 6000 3184
    invoice = stripe_shop.renew(subscription)

    assert invoice.status == Invoice.Status.OPEN
    assert attempts(invoice) == [(1, "requires_action", "authentication_required")]
    [intent] = stripe_shop.fake.objects("payment_intent")
    assert invoice.attempts.get().reference == intent["id"]
    assert reload(subscription).status == "past_due"
    [failed] = stripe_shop.notifier.of("payment_failed")
    assert failed.args[1].startswith("https://subs.example.com/pay/")


def test_a_declined_card_is_declined_with_the_decline_code(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_chargeCustomerFail")  # 4000 0000 0000 0341
    invoice = stripe_shop.renew(subscription)

    assert attempts(invoice) == [(1, "declined", "generic_decline")]
    assert reload(subscription).status == "past_due"


def test_a_declined_charge_carries_the_decline_code_and_the_payment_intent(stripe_shop):
    subscription, invoice = _unpaid_renewal(stripe_shop)
    customer = stripe_shop.customer(subscription)
    setup = stripe_shop.client.v1.setup_intents.create(
        params={
            "customer": customer.stripe_customer_id,
            "payment_method": "pm_card_chargeCustomerFail",
            "confirm": True,
        }
    )
    customer.default_payment_method_id = str(setup.payment_method)
    customer.save()

    result = StripeGateway().charge(_request(invoice))

    assert (result.outcome, result.decline_code) == (ChargeOutcome.DECLINED, "generic_decline")
    assert result.reference == stripe_shop.fake.objects("payment_intent")[0]["id"]
    assert result.message


def test_without_a_saved_method_nothing_is_asked_of_stripe_and_it_is_declined(stripe_shop):
    subscription = stripe_shop.subscriber(card=None)
    invoice = stripe_shop.renew(subscription)

    assert attempts(invoice) == [(1, "declined", "no_payment_method")]
    assert stripe_shop.fake.requests("POST", "/v1/payment_intents") == []
    assert reload(subscription).status == "past_due"


# -- one PaymentIntent per attempt -----------------------------------------------------------------------


def test_the_same_attempt_tried_five_times_makes_one_payment_intent(stripe_shop, settings):
    _, invoice = _unpaid_renewal(stripe_shop)
    impatient = StripeGateway(timeout_s=0.3)
    stripe_shop.fake.fail_next(2, kind="timeout", delay=1.0, path_prefix="/v1/payment_intents")
    answers: list[str] = []
    for _ in range(2):  # two client timeouts after Stripe did the work
        with pytest.raises(GatewayUnavailable):
            impatient.charge(_request(invoice))
        answers.append("unavailable")
    first = impatient.charge(_request(invoice))  # the retry replays the first PaymentIntent
    duplicate = StripeGateway().charge(_request(invoice))  # a duplicate task
    settings.STRIPE_NETWORK_RETRIES = 2  # the library's own retries after one more timeout
    stripe_shop.fake.fail_next(kind="timeout", delay=1.0, path_prefix="/v1/payment_intents")
    retried = impatient.charge(_request(invoice))

    assert answers == ["unavailable", "unavailable"]
    assert first == duplicate == retried and first.outcome is ChargeOutcome.SUCCEEDED
    assert stripe_shop.fake.count("payment_intent") == 1 and stripe_shop.fake.count("charge") == 1
    requests = stripe_shop.fake.requests("POST", "/v1/payment_intents")
    assert len(requests) == 6 and {r.idempotency_key for r in requests} == {"invoice-x-attempt-9"}


def test_a_retry_after_the_saved_method_changed_answers_with_the_first_payment_intent(stripe_shop):
    subscription, invoice = _unpaid_renewal(stripe_shop)
    first = StripeGateway().charge(_request(invoice))
    customer = stripe_shop.customer(subscription)
    other = stripe_shop.client.v1.setup_intents.create(
        params={
            "customer": customer.stripe_customer_id,
            "payment_method": "pm_card_mastercard",
            "confirm": True,
        }
    )
    customer.default_payment_method_id = str(other.payment_method)
    customer.save()

    again = StripeGateway().charge(_request(invoice))  # Stripe refuses the key with other parameters

    assert (again.outcome, again.reference) == (first.outcome, first.reference)
    assert stripe_shop.fake.count("payment_intent") == 1
    # The first try charged the card saved before: the answer does not name the card saved now.
    assert (first.method is not None, again.method) == (True, None)


def test_a_5xx_before_stripe_did_anything_is_unavailable_and_the_retry_charges_once(stripe_shop):
    _, invoice = _unpaid_renewal(stripe_shop)
    stripe_shop.fake.fail_next(kind="server_error", executed=False, path_prefix="/v1/payment_intents")
    with pytest.raises(GatewayUnavailable, match="500"):
        StripeGateway().charge(_request(invoice))

    assert StripeGateway().charge(_request(invoice)).outcome is ChargeOutcome.SUCCEEDED
    assert stripe_shop.fake.count("payment_intent") == 1


def test_a_channel_without_stripe_keys_is_unavailable_not_declined(stripe_shop):
    _, invoice = _unpaid_renewal(stripe_shop)
    StripeAccount.objects.filter(installation=stripe_shop.installation).delete()

    with pytest.raises(GatewayUnavailable, match="no Stripe account is connected"):
        StripeGateway().charge(_request(invoice))


# -- refunds ----------------------------------------------------------------------------------------------


@pytest.fixture
def paid_invoice(stripe_shop: ShopWithStripe) -> Invoice:
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))
    assert invoice.status == Invoice.Status.PAID
    return invoice


def test_a_full_refund_gives_back_everything_the_charge_took(stripe_shop, paid_invoice):
    refund = StripeGateway().refund(paid_invoice)

    assert (refund.amount, refund.currency, refund.status) == (Decimal("36.30"), "EUR", "succeeded")
    assert refund.refundable_after == 0
    [charge] = stripe_shop.fake.objects("charge")
    assert charge["amount_refunded"] == 3630 and charge["refunded"] is True
    assert stripe_shop.fake.get(refund.reference)["metadata"]["invoice_number"] == paid_invoice.number


def test_partial_refunds_add_up_and_more_than_is_left_is_refused_naming_amount(stripe_shop, paid_invoice):
    gateway = StripeGateway()
    first = gateway.refund(paid_invoice, Decimal("10.00"))
    second = gateway.refund(paid_invoice, Decimal("12.50"))
    with pytest.raises(RefundRefused) as refused:
        gateway.refund(paid_invoice, Decimal("13.81"))

    assert (first.refundable_after, second.refunded_before, second.refundable_after) == (
        Decimal("26.30"),
        Decimal("10.00"),
        Decimal("13.80"),
    )
    assert (refused.value.field, refused.value.code) == ("amount", RefundErrorCode.TOO_LARGE)
    assert "13.80 EUR is left" in refused.value.message
    assert stripe_shop.fake.count("refund") == 2
    assert gateway.refund(paid_invoice).amount == Decimal("13.80")  # the rest
    with pytest.raises(RefundRefused) as again:
        gateway.refund(paid_invoice)
    assert (again.value.field, again.value.code) == ("amount", RefundErrorCode.ALREADY_REFUNDED)


def test_a_refund_of_more_than_was_paid_is_refused_before_stripe_is_asked(stripe_shop, paid_invoice):
    with pytest.raises(RefundRefused) as refused:
        StripeGateway().refund(paid_invoice, Decimal("36.31"))

    assert (refused.value.field, refused.value.code) == ("amount", RefundErrorCode.TOO_LARGE)
    assert stripe_shop.fake.requests("POST", "/v1/refunds") == []


@pytest.mark.parametrize(
    ("amount", "reason"),
    [("0", "more than 0"), ("-5.00", "more than 0"), ("1.005", "more decimals than EUR allows")],
)
def test_a_refund_amount_that_is_not_money_is_refused_naming_amount(
    stripe_shop, paid_invoice, amount, reason
):
    with pytest.raises(RefundRefused) as refused:
        StripeGateway().refund(paid_invoice, Decimal(amount))

    assert (refused.value.field, refused.value.code) == ("amount", RefundErrorCode.INVALID)
    assert reason in refused.value.message


def test_refunding_an_invoice_nothing_was_charged_for_is_refused_naming_invoice(stripe_shop):
    invoice = stripe_shop.renew(stripe_shop.subscriber(card=None))

    with pytest.raises(RefundRefused) as refused:
        StripeGateway().refund(invoice)

    assert (refused.value.field, refused.value.code) == ("invoice", RefundErrorCode.NOTHING_PAID)


def test_a_refund_of_a_payment_intent_that_did_not_pay_the_invoice_is_refused_naming_invoice(
    stripe_shop, paid_invoice
):
    with pytest.raises(RefundRefused) as refused:
        StripeGateway().refund(paid_invoice, payment_intent="pi_of_another_invoice")

    assert (refused.value.field, refused.value.code) == ("invoice", RefundErrorCode.NOTHING_PAID)
    assert "no charge pi_of_another_invoice" in refused.value.message
    assert stripe_shop.fake.requests("POST", "/v1/refunds") == []


def test_a_refund_retried_with_its_key_after_a_timeout_refunds_once(stripe_shop, paid_invoice):
    stripe_shop.fake.fail_next(kind="timeout", delay=1.0, path_prefix="/v1/refunds")
    with pytest.raises(GatewayUnavailable):
        StripeGateway(timeout_s=0.3).refund(paid_invoice, Decimal("5.00"), idempotency_key="refund-1")

    retried = StripeGateway().refund(paid_invoice, Decimal("5.00"), idempotency_key="refund-1")

    assert stripe_shop.fake.count("refund") == 1
    assert retried.amount == Decimal("5.00")
    assert stripe_shop.fake.objects("charge")[0]["amount_refunded"] == 500
