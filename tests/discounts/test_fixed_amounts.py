"""A fixed amount off is an amount the payment provider can charge (BILLING_RULES §3, §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from saleor_subscriptions.discounts.models import DiscountCode
from tests.factories import make_installation

pytestmark = pytest.mark.django_db


def _code(amount: str, currency: str) -> DiscountCode:
    return DiscountCode(
        installation=make_installation("https://shop.example.com/graphql/"),
        code="OFF",
        kind=DiscountCode.Kind.FIXED,
        amount_off=Decimal(amount),
        currency=currency,
    )


@pytest.mark.parametrize(("amount", "currency"), [("1.005", "KWD"), ("10.50", "TWD"), ("0.5", "ISK")])
def test_a_fixed_amount_off_that_cannot_be_charged_is_refused_naming_amount_off(amount, currency):
    with pytest.raises(ValidationError) as refused:
        _code(amount, currency).full_clean()
    [error] = refused.value.error_dict["amount_off"]
    assert error.code == "not_chargeable"
    assert f"{currency} is charged in steps of" in error.messages[0]


@pytest.mark.parametrize(("amount", "currency"), [("1.010", "KWD"), ("10", "TWD"), ("5.05", "EUR")])
def test_a_fixed_amount_off_in_chargeable_steps_is_taken(amount, currency):
    _code(amount, currency).full_clean()
