"""The method that paid a sign-up (`payments/signup_method.py`, asked through `saleor.signup_signals`): the
checkout's payment behind the order's transactions, with the card's brand and last four digits when it is the
method the customer saved."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.payments import signup_method
from saleor_subscriptions.payments.models import CheckoutPayment, StripeCustomer
from saleor_subscriptions.saleor.signup_signals import method_that_paid
from tests.factories import make_installation

pytestmark = pytest.mark.django_db


def payment(installation: Any, transaction_id: str, intent: str, method: str, kind: str, **kw: Any) -> Any:
    return CheckoutPayment.objects.create(
        installation=installation,
        saleor_transaction_id=transaction_id,
        source_type="Checkout",
        source_id="Q2hlY2tvdXQ6MQ==",
        channel_slug="default-channel",
        customer_key="email:anna@example.com",
        livemode=False,
        flow="CHARGE",
        kind="payment_intent",
        intent_id=intent,
        amount=Decimal("42.35"),
        currency="EUR",
        has_subscription=True,
        payment_method_id=method,
        payment_method_type=kind,
        **kw,
    )


def saved(installation: Any, method: str) -> StripeCustomer:
    return StripeCustomer.objects.create(
        installation=installation,
        customer_key="email:anna@example.com",
        livemode=False,
        stripe_customer_id="cus_anna",
        default_payment_method_id=method,
        payment_method_type="card",
        payment_method_brand="visa",
        payment_method_last4="4242",
    )


def order(*transactions: tuple[str, str]) -> dict[str, Any]:
    return {"transactions": [{"id": tid, "pspReference": psp} for tid, psp in transactions]}


def test_the_saved_card_names_its_brand_and_last_four() -> None:
    shop = make_installation("https://a.example.com/graphql/")
    payment(shop, "VHJhbnNhY3Rpb246MQ==", "pi_1", "pm_card", "card", stripe_customer=saved(shop, "pm_card"))

    found = method_that_paid(shop.pk, order(("VHJhbnNhY3Rpb246MQ==", "pi_1")))

    assert found == PaidMethod("card", "visa", "4242")


def test_a_method_that_was_not_saved_is_named_by_its_type_only() -> None:
    shop = make_installation("https://a.example.com/graphql/")
    payment(shop, "T1", "pi_2", "pm_ideal", "ideal", stripe_customer=saved(shop, "pm_other"))

    assert method_that_paid(shop.pk, order(("", "pi_2"))) == PaidMethod("ideal")


def test_transactions_the_app_was_not_the_gateway_for_name_nothing() -> None:
    shop = make_installation("https://a.example.com/graphql/")
    other = make_installation("https://b.example.com/graphql/")
    payment(other, "T1", "pi_3", "pm_card", "card")

    assert method_that_paid(shop.pk, order(("T1", "pi_3"))) is None
    assert method_that_paid(shop.pk, {"transactions": []}) is None
    assert method_that_paid(shop.pk, {}) is None


def test_when_finding_the_method_fails_it_is_logged_and_the_sign_up_goes_on(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    shop = make_installation("https://a.example.com/graphql/")

    def broken(*_: Any) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(signup_method, "checkout_method", broken)

    assert method_that_paid(shop.pk, order(("T1", "pi_1"))) is None
    assert "could not find the checkout's payment method" in caplog.text
