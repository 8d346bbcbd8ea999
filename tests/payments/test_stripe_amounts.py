"""Stripe's integer amounts follow Stripe's currency table, not CLDR's minor units: HUF and ISK are
two-decimal at Stripe (without fractions), KWD three-decimal ending in 0, JPY zero-decimal. An amount Stripe
cannot take is refused naming the amount and the rule, never rounded."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.billing.money import minor_units
from saleor_subscriptions.payments.stripe_amounts import (
    StripeAmountError,
    from_minor,
    stripe_currency,
    to_minor,
)


@pytest.mark.parametrize(
    ("amount", "currency", "stripe"),
    [
        ("12.34", "EUR", 1234),
        ("10", "USD", 1000),
        ("0.50", "USD", 50),
        ("500", "JPY", 500),
        ("5.120", "KWD", 5120),
        ("5.12", "KWD", 5120),
        ("1500", "HUF", 150000),  # CLDR says 0 decimals; Stripe wants two
        ("5", "ISK", 500),  # likewise: 5 krónur is 500
        ("5000", "UGX", 5000),
    ],
)
def test_amounts_go_to_stripe_in_stripes_minor_units(amount, currency, stripe):
    assert to_minor(Decimal(amount), currency) == stripe


@pytest.mark.parametrize(
    ("stripe", "currency", "amount"),
    [
        (1234, "EUR", "12.34"),
        (1000, "USD", "10.00"),
        (500, "JPY", "500"),
        (5120, "KWD", "5.120"),
        (150000, "HUF", "1500.00"),
        (500, "ISK", "5.00"),
    ],
)
def test_amounts_come_back_from_stripe_in_stripes_minor_units(stripe, currency, amount):
    back = from_minor(stripe, currency)

    assert back == Decimal(amount) and str(back) == amount


@pytest.mark.parametrize(
    ("amount", "currency"),
    [("12.34", "EUR"), ("500", "JPY"), ("5.120", "KWD"), ("1500", "HUF"), ("5", "ISK"), ("0.01", "USD")],
)
def test_there_and_back_is_the_same_amount(amount, currency):
    assert from_minor(to_minor(Decimal(amount), currency), currency) == Decimal(amount)


def test_stripe_differs_from_cldr_where_it_matters():
    assert (minor_units("HUF"), stripe_currency("HUF").decimals) == (0, 2)
    assert (minor_units("ISK"), stripe_currency("ISK").decimals) == (0, 2)
    assert (minor_units("KWD"), stripe_currency("kwd").decimals) == (3, 3)


@pytest.mark.parametrize(
    ("amount", "currency", "rule"),
    [
        ("5.124", "KWD", "last digit is 0"),
        ("0.001", "BHD", "last digit is 0"),
        ("5.50", "ISK", "no fractions"),
        ("1500.50", "HUF", "no fractions"),
        ("0.5", "JPY", "more decimals than JPY allows"),
        ("1.005", "EUR", "more decimals than EUR allows"),
        ("10.001", "USD", "more decimals than USD allows"),
        ("Infinity", "EUR", "not a finite"),
        ("NaN", "EUR", "not a finite"),
    ],
)
def test_an_amount_stripe_cannot_take_is_refused_naming_the_amount_and_the_rule(amount, currency, rule):
    with pytest.raises(StripeAmountError) as refused:
        to_minor(Decimal(amount), currency)

    message = str(refused.value)
    assert message.startswith(f"{amount} {currency} ") and rule in message
    assert isinstance(refused.value, ValueError)  # callers that catch ValueError keep working
