"""`schedulePreview`: the dashboard's plan form shows the first charges of the terms being typed (staff with
MANAGE_PRODUCTS), computed by the engine of the `schedule` command, with refused terms named by field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id

pytestmark = pytest.mark.django_db

PREVIEW = """
query Preview($terms: PlanTermsInput, $planId: ID, $currency: String, $channelPrice: Decimal,
              $start: DateTime, $quantity: Int, $periods: Int) {
  schedulePreview(terms: $terms, planId: $planId, currency: $currency, channelPrice: $channelPrice,
                  start: $start, quantity: $quantity, periods: $periods) {
    currency timeZone
    charges { dueDate periodStart periodEnd amount lines { kind description amount } }
    errors { field code message }
  }
}
"""
START = "2026-11-16T10:00:00+00:00"


def test_seed_004_purchase_on_16_november_anchored_on_the_1st_pays_15_of_30_then_30(api, shop):
    terms = {"interval": "MONTH", "price": "30.00", "anchorMode": "DAY_OF_MONTH", "anchorDay": 1}

    preview = api.data(
        PREVIEW, {"terms": terms, "currency": "EUR", "start": START, "periods": 2}, token=shop.staff_token()
    )

    assert preview["errors"] == []
    assert (preview["currency"], preview["timeZone"]) == ("EUR", "UTC")
    first, second = preview["charges"]
    assert (first["dueDate"], first["periodStart"], first["periodEnd"], first["amount"]) == (
        "2026-11-16",
        "2026-11-16",
        "2026-12-01",
        "15.00",
    )
    assert [line["kind"] for line in first["lines"]] == ["proration"]
    assert (second["dueDate"], second["periodEnd"], second["amount"]) == ("2026-12-01", "2027-01-01", "30.00")


def test_without_a_start_the_installations_clock_is_now_and_a_blank_price_is_the_channel_price(api, shop):
    preview = api.data(
        PREVIEW,
        {"terms": {"interval": "WEEK", "setupFee": "5.00"}, "currency": "usd", "channelPrice": "10.00"},
        token=shop.staff_token(),
    )

    assert [(c["dueDate"], c["amount"]) for c in preview["charges"]] == [
        ("2026-11-16", "15.00"),
        ("2026-11-23", "10.00"),
        ("2026-11-30", "10.00"),
    ]


def test_a_plans_terms_with_changes_typed_over_them(api, shop):
    version = shop.plan(price=Decimal("30.00"), trial_days=14)

    preview = api.data(
        PREVIEW,
        {"planId": plan_global_id(version.plan_id), "terms": {"price": "35.00"}, "quantity": 2},
        token=shop.staff_token(),
    )

    trial, first = preview["charges"][:2]
    assert (trial["periodEnd"], trial["amount"]) == ("2026-11-30", "0.00")
    assert (first["dueDate"], first["amount"]) == ("2026-11-30", "70.00")
    assert preview["currency"] == "USD"


@pytest.mark.parametrize(
    ("variables", "field", "code"),
    [
        ({"terms": {"interval": "MONTH", "price": "30.001"}, "currency": "USD"}, "price", "INVALID"),
        (
            {"terms": {"interval": "MONTH", "anchorMode": "DAY_OF_MONTH"}, "currency": "EUR"},
            "anchorDay",
            "REQUIRED",
        ),
        (
            {
                "terms": {"interval": "MONTH", "anchorMode": "DAY_OF_MONTH", "anchorDay": 31},
                "currency": "EUR",
            },
            "anchorDay",
            "INVALID",
        ),
        ({"terms": {"interval": "MONTH"}, "currency": "EUR"}, "price", "REQUIRED"),
        ({"terms": {"interval": "MONTH", "price": "1"}}, "currency", "REQUIRED"),
        ({"terms": {"interval": "MONTH", "price": "1"}, "currency": "XXY"}, "currency", "INVALID"),
        (
            {"terms": {"interval": "MONTH", "price": "1"}, "currency": "EUR", "periods": 25},
            "periods",
            "INVALID",
        ),
        (
            {"terms": {"interval": "MONTH", "price": "1"}, "currency": "EUR", "quantity": 0},
            "quantity",
            "INVALID",
        ),
        ({"planId": "UGxhbjo5OTk5"}, "planId", "NOT_FOUND"),
        ({}, "terms", "REQUIRED"),
    ],
)
def test_refused_terms_name_their_field(api, shop, variables, field, code):
    preview = api.data(PREVIEW, variables, token=shop.staff_token())

    assert preview["charges"] == []
    assert (field, code) in [(e["field"], e["code"]) for e in preview["errors"]]


@pytest.mark.parametrize(
    ("who", "code"),
    [
        ("payments", "PERMISSION_DENIED"),
        ("customer", "AUTHENTICATION_REQUIRED"),
        ("anonymous", "AUTHENTICATION_REQUIRED"),
    ],
)
def test_only_staff_with_manage_products_may_preview(api, shop, who, code):
    kwargs = {
        "payments": {"token": shop.staff_token(("HANDLE_PAYMENTS",))},
        "customer": {"token": shop.customer_token()},
        "anonymous": {},
    }[who]

    status, refused = api.refused(
        PREVIEW, {"terms": {"interval": "MONTH", "price": "1"}, "currency": "EUR"}, **kwargs
    )

    assert (status, refused) == (200, code)


WORDED = """
query Preview($terms: PlanTermsInput, $currency: String, $start: DateTime, $language: ShopLanguage) {
  schedulePreview(terms: $terms, currency: $currency, start: $start, periods: 2) {
    charges { lines { kind description(language: $language) } }
  }
}
"""
SEED_004 = {"interval": "MONTH", "price": "30.00", "anchorMode": "DAY_OF_MONTH", "anchorDay": 1}


def _descriptions(preview: dict) -> list[str]:
    return [line["description"] for charge in preview["charges"] for line in charge["lines"]]


def test_the_lines_are_worded_in_the_language_asked_for(api, shop):
    variables = {"terms": SEED_004, "currency": "EUR", "start": START}

    english = api.data(WORDED, {**variables, "language": "EN"}, token=shop.staff_token())
    dutch = api.data(WORDED, {**variables, "language": "NL"}, token=shop.staff_token())

    assert _descriptions(english)[0] == "Monthly plan, 16 Nov 2026 – 1 Dec 2026 (15 of 30 days)"
    assert "(15 van 30 dagen)" in _descriptions(dutch)[0] and "Monthly" not in _descriptions(dutch)[0]
    assert "dagen" not in _descriptions(english)[1] and "Monthly" not in _descriptions(dutch)[1]


def test_without_a_language_the_lines_are_in_the_shops(api, shop):
    variables = {"terms": SEED_004, "currency": "EUR", "start": START}
    english = _descriptions(api.data(WORDED, variables, token=shop.staff_token()))
    shop.installation.language = "nl"
    shop.installation.save(update_fields=["language"])

    dutch = _descriptions(api.data(WORDED, variables, token=shop.staff_token()))

    assert dutch == _descriptions(api.data(WORDED, {**variables, "language": "NL"}, token=shop.staff_token()))
    assert dutch != english
