"""Saleor's money is read exactly (`saleor.money`): JSON numbers arrive as Decimal, from the client's answers
and from the webhook intakes; a float, a string, a bool, a missing or a non-finite amount is refused with a
message naming the field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.saleor.money import SaleorMoneyError, amount_in, amount_of, exact_number
from tests.fakes.saleor import FakeSaleor
from tests.saleor.test_orders_shop import fake_saleor, make_shop, quick_client

__all__ = ["fake_saleor"]


def test_an_amount_is_read_as_sent():
    assert amount_of({"amount": Decimal("39.99"), "currency": "EUR"}, "the price") == Decimal("39.99")
    assert amount_of({"amount": 12, "currency": "EUR"}, "the price") == Decimal(12)


def test_an_amount_in_a_currency_is_rounded_to_its_minor_units():
    assert amount_in({"amount": Decimal("4.8351"), "currency": "KWD"}, "KWD") == Decimal("4.835")
    assert amount_in({"amount": Decimal("1500.4"), "currency": "JPY"}, "JPY") == Decimal(1500)


def test_a_float_is_refused_naming_the_field():
    with pytest.raises(SaleorMoneyError) as refused:
        amount_of({"amount": 39.99, "currency": "EUR"}, "line 7's gross")

    assert str(refused.value) == (
        "line 7's gross is a float (39.99): Saleor's amounts must be parsed as Decimal (parse_float=Decimal)"
    )


@pytest.mark.parametrize(
    ("money", "message"),
    [
        ({"currency": "EUR"}, "the total has no amount"),
        (None, "the total has no amount"),
        ({"amount": None}, "the total has no amount"),
        ({"amount": "39.99"}, "the total is not a number: '39.99'"),
        ({"amount": True}, "the total is not a number: True"),
        ({"amount": Decimal("NaN")}, "the total is not a finite number: Decimal('NaN')"),
        ({"amount": Decimal("Infinity")}, "the total is not a finite number: Decimal('Infinity')"),
    ],
)
def test_what_is_not_an_exact_amount_is_refused(money: Any, message: str):
    with pytest.raises(SaleorMoneyError) as refused:
        amount_of(money, "the total")

    assert str(refused.value) == message


def test_a_rate_is_an_exact_number_too():
    assert exact_number(Decimal("21.5"), "a tax rate") == Decimal("21.5")
    with pytest.raises(SaleorMoneyError, match="a tax rate is a float"):
        exact_number(21.5, "a tax rate")


@pytest.mark.django_db
def test_the_client_reads_saleors_numbers_as_decimals(fake_saleor: FakeSaleor):
    shop = make_shop(fake_saleor)

    answer = quick_client(shop.saleor_app).execute("product_variant", {"id": shop.variant_id})
    variant = answer["productVariant"]

    [listing] = variant["channelListings"]
    amount = listing["price"]["amount"]
    assert isinstance(amount, Decimal) and amount == Decimal("12.50")
