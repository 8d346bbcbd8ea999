"""Money in chargeable steps, rounded half up (BILLING_RULES §3)."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saleor_subscriptions.billing.money import (
    charge_step,
    format_amount,
    is_chargeable,
    is_representable,
    minor_units,
    parse_amount,
    round_fraction,
    round_money,
    round_money_down,
)


@pytest.mark.parametrize(("currency", "places"), [("JPY", 0), ("EUR", 2), ("USD", 2), ("KWD", 3)])
def test_minor_units_come_from_the_currency(currency, places):
    assert minor_units(currency) == places


@pytest.mark.parametrize("code", ["XYZ", "EURO", "", "eur"])
def test_an_unknown_currency_is_refused_naming_the_code(code):
    with pytest.raises(ValueError, match=repr(code)):
        minor_units(code)


@pytest.mark.parametrize(
    ("amount", "currency", "rounded"),
    [
        ("0.005", "EUR", "0.01"),
        ("0.004", "EUR", "0.00"),
        ("2.675", "EUR", "2.68"),
        ("-0.005", "EUR", "-0.01"),
        ("1500.5", "JPY", "1501"),
        ("1499.49", "JPY", "1499"),
        ("12.4995", "KWD", "12.500"),
        ("0.0005", "KWD", "0.000"),
        ("4.835", "KWD", "4.840"),  # Stripe charges KWD in steps of 0.010 (§3)
        ("4.8349", "KWD", "4.830"),
        ("-4.835", "KWD", "-4.840"),
        ("0.0149", "BHD", "0.010"),
        ("144.68", "TWD", "145.00"),  # whole TWD only
        ("144.49", "TWD", "144.00"),
        ("10.5", "ISK", "11"),
        ("999.50", "HUF", "1000"),
        ("1500.5", "UGX", "1501"),
    ],
)
def test_round_money_rounds_half_up_to_the_chargeable_step(amount, currency, rounded):
    result = round_money(Decimal(amount), currency)
    assert result == Decimal(rounded)
    assert str(result) == rounded


def test_rounding_never_gives_a_negative_zero():
    assert str(round_money(Decimal("-0.001"), "EUR")) == "0.00"


@pytest.mark.parametrize(
    ("amount", "currency", "text"),
    [("1500", "JPY", "1500"), ("15", "EUR", "15.00"), ("12.5", "KWD", "12.500"), ("0", "EUR", "0.00")],
)
def test_amounts_are_written_with_exactly_the_minor_units(amount, currency, text):
    assert format_amount(Decimal(amount), currency) == text


def test_a_ratio_landing_on_half_a_cent_rounds_up():
    assert round_fraction(Fraction(1, 200), "EUR") == Decimal("0.01")
    assert round_fraction(Fraction(-1, 200), "EUR") == Decimal("-0.01")
    assert round_fraction(Fraction(1, 3), "EUR") == Decimal("0.33")


def test_representable_amounts_are_whole_minor_units():
    assert is_representable(Decimal("39.000000"), "EUR")
    assert not is_representable(Decimal("39.001"), "EUR")
    assert not is_representable(Decimal("1.5"), "JPY")
    assert is_representable(Decimal("1.125"), "KWD")


@pytest.mark.parametrize("text", ["12", "12.50", " 7.5 ", "-3", ".5", "0"])
def test_parse_amount_reads_plain_decimals(text):
    assert parse_amount(text) == Decimal(text.strip())


@pytest.mark.parametrize("text", ["NaN", "nan", "inf", "-Infinity", "1e3", "1,50", "abc", "", "12.5.1", "€5"])
def test_parse_amount_refuses_what_is_not_a_plain_amount(text):
    with pytest.raises(ValueError, match="not an amount"):
        parse_amount(text)


@settings(max_examples=200)
@given(
    st.decimals(min_value=-(10**9), max_value=10**9, places=6),
    st.sampled_from(["JPY", "EUR", "KWD", "BHD", "TWD", "ISK", "HUF", "UGX"]),
)
def test_rounding_moves_an_amount_by_at_most_half_a_chargeable_step(amount, currency):
    rounded = round_money(amount, currency)
    assert abs(rounded - amount) <= charge_step(currency) / 2
    assert is_chargeable(rounded, currency)
    assert is_representable(rounded, currency)
    assert rounded.as_tuple().exponent == -minor_units(currency)  # written with the minor unit's digits


@pytest.mark.parametrize(
    ("currency", "step"),
    [
        ("EUR", "0.01"),
        ("USD", "0.01"),
        ("JPY", "1"),
        ("KWD", "0.010"),
        ("BHD", "0.010"),
        ("JOD", "0.010"),
        ("OMR", "0.010"),
        ("TND", "0.010"),
        ("ISK", "1"),
        ("HUF", "1"),
        ("TWD", "1.00"),
        ("UGX", "1"),
    ],
)
def test_the_chargeable_step_is_stripes(currency, step):
    assert str(charge_step(currency)) == step


@pytest.mark.parametrize(
    ("amount", "currency", "chargeable"),
    [("4.840", "KWD", True), ("4.839", "KWD", False), ("145.00", "TWD", True), ("144.68", "TWD", False),
     ("39.99", "EUR", True), ("39.995", "EUR", False), ("12", "ISK", True), ("12.5", "ISK", False)],
)  # fmt: skip
def test_is_chargeable_means_a_whole_number_of_steps(amount, currency, chargeable):
    assert is_chargeable(Decimal(amount), currency) is chargeable


def test_a_fraction_rounds_half_up_to_the_step():
    assert round_fraction(Fraction(4835, 1000), "KWD") == Decimal("4.840")
    assert round_fraction(Fraction(-289, 2), "TWD") == Decimal("-145.00")
    assert round_money_down(Decimal("4.839"), "KWD") == Decimal("4.830")
    assert round_money_down(Decimal("144.99"), "TWD") == Decimal("144.00")
