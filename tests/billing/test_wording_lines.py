"""An invoice line's text from its typed facts: the English catalogue writes exactly the engine's text for
every form (so the facts say everything the text says), and Dutch writes the same facts in Dutch (§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

import pytest

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.change_lines import proration_lines_for_change, switch_lines_against_paid
from saleor_subscriptions.billing.date_moves import unused_days_line
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.lines import PricedLine
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import (
    Discount,
    DiscountTarget,
    UsageCharge,
    price_period,
    price_trial,
)
from saleor_subscriptions.billing.wording_lines import CATALOGUES, describe, language_of_code

D = Decimal
DECEMBER = Period(1, date(2026, 12, 16), date(2027, 1, 16), date(2026, 12, 16), date(2027, 1, 16))
LATE_NOVEMBER = Period(0, date(2026, 11, 16), date(2026, 12, 1), date(2026, 11, 1), date(2026, 12, 1))
MONTHLY = PlanTerms(Interval(IntervalUnit.MONTH), D("39.00"), "EUR", setup_fee=D("25.00"))
QUARTERLY = PlanTerms(Interval(IntervalUnit.MONTH, 3), D("117.00"), "EUR")
STARTER = PlanTerms(Interval(IntervalUnit.MONTH), D("15.00"), "EUR")
CASES = UsageCharge("new case", D("4"), D("5.00"), date(2026, 11, 16), date(2026, 12, 16))


def every_form() -> list[PricedLine]:
    return [
        *price_period(
            MONTHLY,
            DECEMBER,
            quantity=2,
            include_setup_fee=True,
            discount=Discount("WELKOM10", percent=D("10"), applies_to=DiscountTarget.BOTH),
            credit_available=D("12.345"),
        ),
        *price_period(QUARTERLY, LATE_NOVEMBER, quantity=1, discount=Discount("VIJF", amount_off=D("5"))),
        *price_period(STARTER, DECEMBER, quantity=1, usage=[CASES]),
        *price_trial(
            MONTHLY,
            date(2026, 11, 16),
            date(2026, 11, 30),
            quantity=3,
            discount=Discount("SETUP", percent=D("50"), applies_to=DiscountTarget.SETUP_FEE),
        ),
        *proration_lines_for_change(D("39.00"), D("59.00"), DECEMBER, date(2027, 1, 1), "EUR"),
        *switch_lines_against_paid(Fraction(1950, 100), D("59.00"), DECEMBER, date(2027, 1, 1), "EUR"),
        *unused_days_line(
            Fraction(650, 100), date(2027, 1, 11), date(2026, 12, 16), date(2027, 1, 16), "EUR"
        ),
    ]


def test_every_form_of_the_engine_is_written_from_its_facts_exactly_as_the_engine_wrote_it() -> None:
    lines = every_form()
    forms = {dict(line.facts)["form"] for line in lines}
    assert forms >= set(CATALOGUES["en"]) - {"shipping", "shipping_method", "rounding"}
    for line in lines:
        assert describe(line.facts, "en") == (line.description, line.reason), line


def test_the_same_facts_read_in_dutch_with_dutch_dates_and_decimal_commas() -> None:
    said = [describe(line.facts, "nl") for line in every_form()]

    assert [(text.description, text.reason) for text in said if text is not None] == [
        ("Maandabonnement × 2, 16 december 2026 – 16 januari 2027", "39,00 × 2"),
        ("Opstartkosten × 2", "25,00 × 2"),
        ("Korting WELKOM10: 10% op Maandabonnement × 2", "10% van 78,00"),
        ("Korting WELKOM10: 10% op opstartkosten", "10% van 50,00"),
        ("Tegoed verrekend", "12,34 van een tegoed van 12,345"),
        (
            "Abonnement per 3 maanden, 16 november 2026 – 1 december 2026 (15 van 30 dagen)",
            "117,00 × 1 × 15/30 dagen",
        ),
        (
            "Korting VIJF: 5,00 op Abonnement per 3 maanden",
            "5,00 van 5,00 korting, hoogstens de 58,50 van de regel",
        ),
        ("Maandabonnement, 16 december 2026 – 16 januari 2027", "15,00 × 1"),
        ("New case × 4, 16 november 2026 – 16 december 2026", "4 × 5,00"),
        (
            "Gratis proefperiode × 3, 16 november 2026 – 30 november 2026",
            "14 dagen gratis: het abonnement wordt berekend vanaf 30 november 2026",
        ),
        ("Opstartkosten × 3", "25,00 × 3"),
        ("Korting SETUP: 50% op opstartkosten", "50% van 75,00"),
        (
            "Planwijziging, 1 januari 2027 – 16 januari 2027 (15 van 31 dagen)",
            "(59,00 \u2212 39,00) × 15/31 dagen",
        ),
        (
            "Planwijziging, 1 januari 2027 – 16 januari 2027 (15 van 31 dagen)",
            "59,00 × 15/31 dagen \u2212 19,50 ongebruikt van wat betaald is voor "
            "16 december 2026 – 16 januari 2027",
        ),
        (
            "Factuurdatum verplaatst: ongebruikte dagen, 11 januari 2027 – 16 januari 2027",
            "6,50 ongebruikt van wat betaald is voor 16 december 2026 – 16 januari 2027 (5 dagen)",
        ),
    ]


def test_a_line_without_facts_has_no_text_to_write_and_unknown_languages_read_english() -> None:
    assert describe((), "nl") is None
    assert language_of_code("nl-BE") == "nl"
    assert language_of_code("de") == "en"


@pytest.mark.parametrize("language", sorted(CATALOGUES))
def test_every_catalogue_writes_every_form(language: str) -> None:
    assert set(CATALOGUES[language]) == set(CATALOGUES["en"])
