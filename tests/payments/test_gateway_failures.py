"""The gateway when Stripe refuses for good, when it forgot an attempt's idempotency key, when an amount
cannot be sent in Stripe's units, and the refusals of refunds Stripe makes itself (with the fake Stripe)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
import stripe
from django.utils import timezone

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.charges import _refused
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.refunds import RefundErrorCode, RefundRefused
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.ports import ChargeOutcome, ChargeRequest, GatewayUnavailable
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


def _request(invoice: Invoice, key: str, amount: Decimal | None = None, currency: str = "") -> ChargeRequest:
    return ChargeRequest(
        installation_id=invoice.installation_id,
        idempotency_key=key,
        customer_key=invoice.subscription.customer_key,
        amount=invoice.amount_due if amount is None else amount,
        currency=currency or invoice.currency,
        invoice_number=str(invoice.number),
    )


# -- permanent refusals are declines: dunning goes on -----------------------------------------------------


def test_a_saved_method_stripe_does_not_know_is_declined_resource_missing_not_left_pending(stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    customer = stripe_shop.customer(subscription)
    customer.default_payment_method_id = "pm_gone0000000000000000"
    customer.save()

    invoice = stripe_shop.renew(subscription)

    assert attempts(invoice) == [(1, "declined", "resource_missing")]
    assert reload(subscription).status == "past_due"
    [failed] = stripe_shop.notifier.of("payment_failed")  # the customer is asked to pay
    assert failed.args[1].startswith("https://subs.example.com/pay/")


def test_an_amount_below_stripes_minimum_is_refused_amount_too_small_not_declined(stripe_shop):
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))

    result = StripeGateway().charge(_request(invoice, "invoice-small-attempt-1", Decimal("0.10")))

    assert (result.outcome, result.decline_code) == (ChargeOutcome.AMOUNT_REFUSED, "amount_too_small")
    assert result.message


def test_keys_stripe_no_longer_accepts_are_declined_authentication_failed(stripe_shop):
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))
    account = StripeAccount.objects.get(pk=stripe_shop.account.pk)
    account.secret_key = "sk_test_revoked0000000000000000"  # rolled in the dashboard
    account.save()

    result = StripeGateway().charge(_request(invoice, "invoice-revoked-attempt-1"))

    assert (result.outcome, result.decline_code) == (ChargeOutcome.DECLINED, "authentication_failed")


def _error(cls: type[stripe.StripeError], status: int, code: str) -> Any:
    body = {"error": {"type": "invalid_request_error", "code": code, "message": f"{code}!"}}
    if cls is stripe.InvalidRequestError:
        return stripe.InvalidRequestError(f"{code}!", None, code, http_status=status, json_body=body)
    return cls(f"{code}!", http_status=status, json_body=body)


@pytest.mark.parametrize(
    ("cls", "status", "code", "declined"),
    [
        (stripe.InvalidRequestError, 404, "resource_missing", "resource_missing"),
        (stripe.PermissionError, 403, "", "permission_denied"),
        (stripe.AuthenticationError, 401, "", "authentication_failed"),
    ],
)
def test_permanent_errors_are_declines_with_stripes_code(cls, status, code, declined):
    request = ChargeRequest(1, "k", "c", Decimal("1.00"), "EUR", "INV-1")

    result = _refused(_error(cls, status, code), request)

    assert (result.outcome, result.decline_code) == (ChargeOutcome.DECLINED, declined)


@pytest.mark.parametrize(
    "code",
    [
        "amount_too_small",
        "amount_too_large",
        "invalid_charge_amount",
        "invalid_charge_amount_no_decimal_compatible",
    ],
)
def test_stripes_refusals_of_the_amount_are_not_declines(code):
    request = ChargeRequest(1, "k", "c", Decimal("1.00"), "EUR", "INV-1")

    result = _refused(_error(stripe.InvalidRequestError, 400, code), request)

    assert (result.outcome, result.decline_code) == (ChargeOutcome.AMOUNT_REFUSED, code)


@pytest.mark.parametrize("code", ["lock_timeout", "rate_limit", "idempotency_key_in_use"])
def test_the_4xx_codes_stripe_says_to_retry_stay_unavailable(code):
    request = ChargeRequest(1, "k", "c", Decimal("1.00"), "EUR", "INV-1")

    with pytest.raises(GatewayUnavailable, match=code):
        _refused(_error(stripe.InvalidRequestError, 400, code), request)


# -- amounts in Stripe's units ----------------------------------------------------------------------------


def test_an_amount_stripe_cannot_take_is_refused_and_never_sent(stripe_shop):
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))
    before = len(stripe_shop.fake.requests("POST", "/v1/payment_intents"))

    result = StripeGateway().charge(_request(invoice, "invoice-kwd-attempt-1", Decimal("5.124"), "KWD"))

    assert (result.outcome, result.decline_code) == (ChargeOutcome.AMOUNT_REFUSED, "amount_not_supported")
    assert "5.124 KWD" in result.message and "last digit is 0" in result.message
    assert len(stripe_shop.fake.requests("POST", "/v1/payment_intents")) == before


def test_huf_is_sent_with_stripes_two_decimals(stripe_shop):
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))

    result = StripeGateway().charge(_request(invoice, "invoice-huf-attempt-1", Decimal("1500"), "HUF"))

    intent = stripe_shop.fake.get(result.reference)
    assert (intent["amount"], intent["currency"]) == (150000, "huf")  # 1,500 forint, not 15


# -- a PENDING attempt resumed after Stripe forgot its key ------------------------------------------------


def _pending_attempt(shop: ShopWithStripe) -> tuple[Invoice, PaymentAttempt]:
    """A renewal whose charge reached Stripe but whose answer was lost: the attempt stays PENDING."""
    subscription = shop.subscriber("pm_card_visa")
    lost = shop.fake.fail_next(20, kind="disconnect", executed=True, path_prefix="/v1/payment_intents")
    invoice = shop.renew(subscription)  # however often the clock tries, no answer arrives
    lost.remaining = 0
    attempt = PaymentAttempt.objects.get(invoice=invoice)
    assert attempt.status == PaymentAttempt.Status.PENDING
    assert shop.fake.count("payment_intent") == 1
    return invoice, attempt


def test_an_attempt_resumed_after_stripe_forgot_its_key_makes_no_second_payment_intent(stripe_shop):
    invoice, attempt = _pending_attempt(stripe_shop)
    stripe_shop.fake.forget_idempotency_keys()
    PaymentAttempt.objects.filter(pk=attempt.pk).update(created_at=timezone.now() - timedelta(hours=25))

    result = StripeGateway().charge(_request(invoice, attempt.idempotency_key))

    [intent] = stripe_shop.fake.objects("payment_intent")
    assert (result.outcome, result.reference) == (ChargeOutcome.SUCCEEDED, intent["id"])
    assert stripe_shop.fake.count("charge") == 1


def test_a_recent_attempt_relies_on_stripes_idempotency_key(stripe_shop):
    invoice, attempt = _pending_attempt(stripe_shop)

    result = StripeGateway().charge(_request(invoice, attempt.idempotency_key))

    [intent] = stripe_shop.fake.objects("payment_intent")
    assert result.reference == intent["id"]
    assert stripe_shop.fake.requests("GET", "/v1/payment_intents") == []  # no look-up needed
    assert stripe_shop.fake.requests("POST", "/v1/payment_intents")[-1].replayed


# -- refunds ---------------------------------------------------------------------------------------------


@pytest.fixture
def paid_invoice(stripe_shop: ShopWithStripe) -> Invoice:
    invoice = stripe_shop.renew(stripe_shop.subscriber("pm_card_visa"))
    assert invoice.status == Invoice.Status.PAID
    return invoice


@pytest.mark.parametrize("amount", ["Infinity", "-Infinity", "NaN"])
def test_a_refund_amount_that_is_not_finite_is_refused_naming_amount(stripe_shop, paid_invoice, amount):
    with pytest.raises(RefundRefused) as refused:
        StripeGateway().refund(paid_invoice, Decimal(amount))

    assert (refused.value.field, refused.value.code) == ("amount", RefundErrorCode.INVALID)
    assert "finite" in refused.value.message
    assert stripe_shop.fake.requests("POST", "/v1/refunds") == []


def test_stripe_saying_charge_already_refunded_is_already_refunded(stripe_shop, paid_invoice, monkeypatch):
    """Refunded in full by someone else between the gateway's read and its refund: Stripe's
    `charge_already_refunded` is ALREADY_REFUNDED, not TOO_LARGE."""
    reference = paid_invoice.attempts.get().reference
    stale = stripe_shop.client.v1.payment_intents.retrieve(reference, params={"expand": ["latest_charge"]})
    stripe_shop.client.v1.refunds.create(params={"payment_intent": reference})  # in the dashboard

    class StaleReads(StripeGateway):
        def client(self, account: StripeAccount) -> stripe.StripeClient:
            client = super().client(account)
            monkeypatch.setattr(client.v1.payment_intents, "retrieve", lambda *args, **kwargs: stale)
            return client

    with pytest.raises(RefundRefused) as refused:
        StaleReads().refund(paid_invoice, Decimal("5.00"))

    assert (refused.value.field, refused.value.code) == ("amount", RefundErrorCode.ALREADY_REFUNDED)
    [stripes] = [r for r in stripe_shop.fake.requests("POST", "/v1/refunds") if r.status == 400]
    assert stripes.params["amount"] == "500"
