"""Plans through the API: `planCreate` checks the variant in Saleor and every field of the terms, `planUpdate`
makes new versions and moves subscribers with notice, `planArchive` keeps running subscriptions, and the
public `plans` query shows the current terms with exact amounts (BILLING_RULES §1)."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.saleor.catalog_mirror import METADATA_KEY
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.conftest import PLAN_CREATE
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

PLANS = """
query Plans($variant: ID, $product: ID, $channel: String!) {
  plans(variant: $variant, product: $product, channel: $channel) {
    id name isDefault currency
    terms { version interval intervalCount price setupFee trialDays billingCycles anchorMode anchorDay
            cancelEffect usagePrices { metric price } }
  }
}
"""
PLAN_UPDATE = """
mutation Update($id: ID!, $input: PlanUpdateInput!) {
  planUpdate(id: $id, input: $input) {
    plan { id name isDefault terms { version price setupFee } }
    newVersion scheduledSubscriptions
    errors { field code message }
  }
}
"""
PLAN_ARCHIVE = """
mutation Archive($id: ID!) {
  planArchive(id: $id) { plan { id status archivedAt } errors { field code message } }
}
"""


def create_input(shop, **terms: Any) -> dict[str, Any]:
    given = {
        "variant": terms.pop("variant", shop.saleor.variant.id),
        "channel": terms.pop("channel", "default-channel"),
        "name": terms.pop("name", "Coffee monthly"),
    }
    if "isDefault" in terms:
        given["isDefault"] = terms.pop("isDefault")
    return {**given, "terms": {"interval": "MONTH", "price": "30.00", **terms}}


def create(api, shop, **terms: Any) -> dict[str, Any]:
    result: dict[str, Any] = api.data(
        PLAN_CREATE, {"input": create_input(shop, **terms)}, token=shop.staff_token()
    )
    return result


def mirrored(shop, variant_id: str | None = None) -> list[dict[str, Any]]:
    value = shop.fake.variant(variant_id or shop.saleor.variant.id).metadata[METADATA_KEY]
    entries: list[dict[str, Any]] = json.loads(value)
    return entries


# --- planCreate ---------------------------------------------------------------------------------------------


def test_a_plan_takes_its_product_and_currency_from_saleor_and_is_mirrored_into_the_variant(
    shop, api, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        result = create(api, shop, setupFee="5.00", trialDays=14, billingCycles=12)

    assert result["errors"] == []
    plan = result["plan"]
    assert (plan["variantId"], plan["productId"]) == (shop.saleor.variant.id, shop.saleor.product.id)
    assert (plan["channel"], plan["currency"], plan["status"]) == ("default-channel", "USD", "ACTIVE")
    assert plan["terms"] == {
        "version": 1,
        "interval": "MONTH",
        "intervalCount": 1,
        "price": "30.00",
        "setupFee": "5.00",
        "trialDays": 14,
        "anchorMode": "PURCHASE",
        "anchorDay": None,
    }
    assert mirrored(shop) == [
        {
            "id": plan["id"],
            "name": "Coffee monthly",
            "channel": "default-channel",
            "interval": "month",
            "intervalCount": 1,
            "price": "30.00",
            "currency": "USD",
            "setupFee": "5.00",
            "trialDays": 14,
            "trialIntervals": 0,
            "billingCycles": 12,
            "isDefault": False,
        }
    ]


def test_a_plan_without_a_price_takes_the_variants_channel_price(shop, api):
    plan = create(api, shop, price=None)["plan"]

    assert plan["terms"]["price"] is None


def test_an_amount_sent_as_a_json_number_keeps_its_digits(shop, api):
    plan = create(api, shop, price=Decimal("19.99"))["plan"]  # the test client sends 19.99 as a number

    assert plan["terms"]["price"] == "19.99"


def test_a_new_default_takes_the_flag_from_the_old_one(shop, api):
    first = create(api, shop, name="Monthly", isDefault=True)["plan"]
    second = create(api, shop, name="Yearly", interval="YEAR", price="300.00", isDefault=True)["plan"]

    assert second["isDefault"] is True
    assert Plan.objects.get(name="Monthly").is_default is False
    assert first["isDefault"] is True  # as it was when created


def test_a_variant_saleor_does_not_know_is_refused_not_found(shop, api):
    result = create(api, shop, variant="UHJvZHVjdFZhcmlhbnQ6OTk5")

    assert result["plan"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("variant", "NOT_FOUND")]


def test_a_variant_not_sold_in_the_channel_is_refused(shop, api):
    shop.fake.add_channel("eu", "EUR")

    [error] = create(api, shop, channel="eu")["errors"]

    assert (error["field"], error["code"]) == ("channel", "VARIANT_NOT_IN_CHANNEL")


def test_saleor_that_cannot_be_reached_is_refused_saleor_unavailable(shop, api, settings):
    settings.SALEOR_RETRIES = 0
    shop.fake.fail_next("ProductVariant", status=502)

    [error] = create(api, shop)["errors"]

    assert (error["field"], error["code"]) == (None, "SALEOR_UNAVAILABLE")
    assert not Plan.objects.exists()


@pytest.mark.parametrize(
    ("terms", "field", "code"),
    [
        ({"intervalCount": 0}, "intervalCount", "INVALID"),
        ({"price": "30.001"}, "price", "INVALID"),
        ({"price": "-1.00"}, "price", "INVALID"),
        ({"setupFee": "-5.00"}, "setupFee", "INVALID"),
        ({"setupFee": None}, "setupFee", "INVALID"),
        ({"trialDays": 7, "trialIntervals": 1}, "trialIntervals", "INVALID"),
        ({"trialDays": -1}, "trialDays", "INVALID"),
        ({"billingCycles": 0}, "billingCycles", "INVALID"),
        ({"anchorMode": "DAY_OF_MONTH"}, "anchorDay", "REQUIRED"),
        ({"anchorMode": "DAY_OF_MONTH", "anchorDay": 29}, "anchorDay", "INVALID"),
        ({"anchorDay": 5}, "anchorDay", "INVALID"),
        ({"interval": "WEEK", "anchorMode": "DAY_OF_MONTH", "anchorDay": 1}, "anchorMode", "INVALID"),
        ({"interval": "WEEK", "invoiceLeadDays": 7}, "invoiceLeadDays", "INVALID"),
        ({"minimumCycles": -1}, "minimumCycles", "INVALID"),
        ({"cancelNoticeDays": -1}, "cancelNoticeDays", "INVALID"),
        ({"priceChangeNoticeDays": -1}, "priceChangeNoticeDays", "INVALID"),
        ({"usagePrices": [{"metric": " ", "price": "5.00"}]}, "usagePrices", "INVALID"),
        ({"usagePrices": [{"metric": "case", "price": "-5"}]}, "usagePrices", "INVALID"),
        (
            {"usagePrices": [{"metric": "case", "price": "5"}, {"metric": "case", "price": "6"}]},
            "usagePrices",
            "INVALID",
        ),
        ({"interval": None}, "interval", "INVALID"),
        ({"name": "  "}, "name", "REQUIRED"),
        ({"name": "x" * 201}, "name", "INVALID"),
    ],
)
def test_each_bad_field_is_refused_by_name(shop, api, terms, field, code):
    result = create(api, shop, **terms)

    assert result["plan"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]
    assert not Plan.objects.exists()


def test_a_plan_without_an_interval_is_refused_required(shop, api):
    given = create_input(shop)
    del given["terms"]["interval"]

    result = api.data(PLAN_CREATE, {"input": given}, token=shop.staff_token())

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("interval", "REQUIRED")]


def test_every_bad_field_is_named_at_once(shop, api):
    result = create(api, shop, name="", price="1.001", setupFee="-1")

    assert sorted(e["field"] for e in result["errors"]) == ["name", "price", "setupFee"]


def test_an_amount_written_as_a_number_in_the_query_is_read_by_its_digits(shop, api):
    query = (
        'mutation { planCreate(input: {variant: "%s", channel: "default-channel", name: "A", '
        "terms: {interval: MONTH, price: 12.50}}) { plan { terms { price } } errors { code } } }"
    )

    result = api.data(query % shop.saleor.variant.id, token=shop.staff_token())

    assert result["plan"]["terms"]["price"] == "12.50"


@pytest.mark.parametrize("price", ["1e3", "12,50", "abc"])
def test_an_amount_that_is_not_plain_decimal_text_is_refused_before_running(shop, api, price):
    status, body = api.post(PLAN_CREATE, {"input": create_input(shop, price=price)}, token=shop.staff_token())

    assert status == 400
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert not Plan.objects.exists()


# --- the public query ---------------------------------------------------------------------------------------


def test_plans_of_a_variant_show_the_active_ones_the_default_first_with_exact_amounts(shop, api):
    monthly = shop.plan(name="Monthly", price=Decimal("9.990000"), setup_fee=Decimal("2.5"))
    shop.plan(name="Yearly", interval="year", price=Decimal("99.00"), is_default=True)
    archived = shop.plan(name="Old")
    Plan.objects.filter(pk=archived.plan_id).update(status=Plan.Status.ARCHIVED)
    shop.plan(name="Other variant", variant_id=shop.saleor.other_variant.id)
    shop.plan(name="Other channel", channel="eu", currency="EUR")
    shop.plan(name="Metered", usage_prices={"api call": "0.0015", "case": "5"})

    plans = api.data(
        PLANS, {"variant": shop.saleor.variant.id, "channel": "default-channel"}, api_url=shop.fake.api_url
    )

    assert [p["name"] for p in plans] == ["Yearly", "Monthly", "Metered"]
    assert plans[1]["id"] == plan_global_id(monthly.plan_id)
    assert (plans[1]["terms"]["price"], plans[1]["terms"]["setupFee"]) == ("9.99", "2.50")
    assert plans[2]["terms"]["usagePrices"] == [
        {"metric": "api call", "price": "0.0015"},
        {"metric": "case", "price": "5.00"},
    ]


def test_plans_of_a_product_cover_all_its_variants(shop, api):
    shop.plan(name="250 g")
    shop.plan(name="500 g", variant_id=shop.saleor.other_variant.id)

    plans = api.data(
        PLANS, {"product": shop.saleor.product.id, "channel": "default-channel"}, api_url=shop.fake.api_url
    )

    assert sorted(p["name"] for p in plans) == ["250 g", "500 g"]


def test_plans_need_a_variant_or_a_product(shop, api):
    assert api.refused(PLANS, {"channel": "default-channel"}, api_url=shop.fake.api_url) == (
        200,
        "BAD_USER_INPUT",
    )


def test_the_plans_of_another_shop_are_not_shown(shop, api):
    from saleor_subscriptions.tenants.models import Installation
    from tests.factories import make_plan_version

    other = Installation.objects.create(saleor_api_url="https://other.example.com/graphql/")
    make_plan_version(other, currency="USD", variant_id=shop.saleor.variant.id)

    assert (
        api.data(
            PLANS,
            {"variant": shop.saleor.variant.id, "channel": "default-channel"},
            api_url=shop.fake.api_url,
        )
        == []
    )


# --- planUpdate ---------------------------------------------------------------------------------------------


def test_a_new_name_changes_the_plan_and_not_its_terms(shop, api):
    version = shop.plan()

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"name": "Coffee club"}},
        token=shop.staff_token(),
    )

    assert result["errors"] == [] and result["newVersion"] is None
    assert result["plan"]["name"] == "Coffee club"
    assert result["plan"]["terms"]["version"] == 1


def test_a_new_price_is_a_new_version_and_running_subscriptions_keep_theirs(shop, api):
    version = shop.plan(setup_fee=Decimal("5.00"))
    subscription = make_subscription(version, status="active")

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": "35.00"}}},
        token=shop.staff_token(),
    )

    assert result["errors"] == [] and result["newVersion"] == 2
    assert result["plan"]["terms"] == {"version": 2, "price": "35.00", "setupFee": "5.00"}
    subscription.refresh_from_db()
    assert (subscription.plan_version_id, subscription.pending_plan_version_id) == (version.pk, None)


def test_the_same_terms_again_make_no_new_version(shop, api):
    version = shop.plan()

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": "30", "interval": "MONTH"}}},
        token=shop.staff_token(),
    )

    assert result["newVersion"] is None


def test_moving_subscribers_to_a_new_price_tells_them_with_the_plans_notice(shop, api):
    version = shop.plan(price_change_notice_days=30)
    subscription = make_subscription(
        version,
        status="active",
        calendar_start=date(2026, 11, 1),
        current_period_start=date(2026, 11, 1),
        current_period_end=date(2026, 12, 1),
    )

    result = api.data(
        PLAN_UPDATE,
        {
            "id": plan_global_id(version.plan_id),
            "input": {"terms": {"price": "35.00"}, "migrateSubscriptions": True},
        },
        token=shop.staff_token(),
    )

    assert result["errors"] == [] and result["scheduledSubscriptions"] == 1
    subscription.refresh_from_db()
    assert subscription.pending_plan_version is not None
    assert subscription.pending_plan_version.version == 2
    # 16 November + 30 days is 16 December; the first boundary on or after it is 1 January.
    assert subscription.pending_plan_version_from == date(2027, 1, 1)


def test_a_price_change_sooner_than_the_notice_is_refused_and_nothing_changes(shop, api):
    version = shop.plan(price_change_notice_days=30)
    make_subscription(version, status="active")

    result = api.data(
        PLAN_UPDATE,
        {
            "id": plan_global_id(version.plan_id),
            "input": {"terms": {"price": "35.00"}, "migrateSubscriptions": True, "effectiveOn": "2026-11-20"},
        },
        token=shop.staff_token(),
    )

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("effectiveOn", "PRICE_CHANGE_TOO_SOON")]
    assert version.plan.versions.count() == 1


def test_subscribers_cannot_be_moved_to_another_interval(shop, api):
    version = shop.plan()
    make_subscription(version, status="active")

    result = api.data(
        PLAN_UPDATE,
        {
            "id": plan_global_id(version.plan_id),
            "input": {"terms": {"interval": "YEAR"}, "migrateSubscriptions": True},
        },
        token=shop.staff_token(),
    )

    assert [(e["field"], e["code"]) for e in result["errors"]] == [
        ("migrateSubscriptions", "PRICE_CHANGE_OTHER_CALENDAR")
    ]


def test_moving_subscribers_when_none_is_behind_is_refused(shop, api):
    version = shop.plan()

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"migrateSubscriptions": True}},
        token=shop.staff_token(),
    )

    assert [e["code"] for e in result["errors"]] == ["NOTHING_TO_MIGRATE"]


def test_a_bad_new_term_is_refused_by_name(shop, api):
    version = shop.plan()

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": "1.234"}, "name": None}},
        token=shop.staff_token(),
    )

    assert sorted((e["field"], e["code"]) for e in result["errors"]) == [
        ("name", "REQUIRED"),
        ("price", "INVALID"),
    ]


@pytest.mark.parametrize("plan_id", ["UGxhbjo5OTk5", "not-an-id", "UHJvZHVjdDox"])
def test_an_unknown_plan_is_refused_not_found(shop, api, plan_id):
    result = api.data(PLAN_UPDATE, {"id": plan_id, "input": {"name": "x"}}, token=shop.staff_token())

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("id", "NOT_FOUND")]


def test_an_archived_plan_cannot_be_changed(shop, api):
    version = shop.plan()
    Plan.objects.filter(pk=version.plan_id).update(status=Plan.Status.ARCHIVED)

    result = api.data(
        PLAN_UPDATE, {"id": plan_global_id(version.plan_id), "input": {"name": "x"}}, token=shop.staff_token()
    )

    assert [e["code"] for e in result["errors"]] == ["PLAN_ARCHIVED"]


# --- planArchive --------------------------------------------------------------------------------------------


def test_archiving_keeps_running_subscriptions_and_leaves_the_variants_metadata(
    shop, api, eager_tasks, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        plan_id = create(api, shop)["plan"]["id"]
    subscription = make_subscription(Plan.objects.get().current_version(), status="active")
    assert len(mirrored(shop)) == 1

    with django_capture_on_commit_callbacks(execute=True):
        result = api.data(PLAN_ARCHIVE, {"id": plan_id}, token=shop.staff_token())

    assert result["errors"] == [] and result["plan"]["status"] == "ARCHIVED"
    assert mirrored(shop) == []
    subscription.refresh_from_db()
    assert subscription.status == "active"
    again = api.data(PLAN_ARCHIVE, {"id": plan_id}, token=shop.staff_token())
    assert again["plan"]["archivedAt"] == result["plan"]["archivedAt"]
    assert Subscription.objects.get().plan_version.plan.status == Plan.Status.ARCHIVED


def test_the_plans_query_costs_the_same_few_sql_queries_however_many_plans(
    shop, api, django_assert_num_queries
):
    for n in range(6):
        shop.plan(name=f"Plan {n}", price=Decimal(10 + n))
    variables = {"variant": shop.saleor.variant.id, "channel": "default-channel"}

    # The installation named by Saleor-Api-Url, the plans, their versions.
    with django_assert_num_queries(3):
        plans = api.data(PLANS, variables, api_url=shop.fake.api_url)

    assert len(plans) == 6
