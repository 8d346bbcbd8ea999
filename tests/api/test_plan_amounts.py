"""A plan's price and setup fee are amounts the payment provider can charge (BILLING_RULES §3): 0.010 steps
in KWD, whole TWD; `planCreate` and `planUpdate` refuse others with `NOT_CHARGEABLE`, naming the field."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from tests.api.conftest import PLAN_CREATE
from tests.api.test_plans import PLAN_UPDATE, create, create_input

pytestmark = pytest.mark.django_db


@pytest.fixture
def kuwait(shop):
    shop.fake.add_channel("kuwait", "KWD", False)
    shop.fake.set_variant_price(shop.saleor.variant.id, "kuwait", "3.250")
    return shop


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"price": "4.835"}, "price"),
        ({"price": "4.840", "setupFee": "1.005"}, "setupFee"),
    ],
)
def test_a_kwd_amount_that_stripe_cannot_charge_is_refused_not_chargeable(kuwait, api, terms, field):
    result = api.data(
        PLAN_CREATE, {"input": create_input(kuwait, channel="kuwait", **terms)}, token=kuwait.staff_token()
    )

    [error] = result["errors"]
    assert (error["field"], error["code"]) == (field, "NOT_CHARGEABLE")
    assert "KWD is charged in steps of 0.010" in error["message"]
    assert not Plan.objects.filter(channel_slug="kuwait").exists()


def test_a_kwd_price_in_steps_of_ten_fils_is_taken(kuwait, api):
    result = api.data(
        PLAN_CREATE,
        {"input": create_input(kuwait, channel="kuwait", price="4.840", setupFee="1.010")},
        token=kuwait.staff_token(),
    )

    assert result["errors"] == []
    assert Plan.objects.get(channel_slug="kuwait").currency == "KWD"


def test_a_price_in_whole_cents_is_still_taken_in_usd(shop, api):
    assert create(api, shop, price="4.83")["errors"] == []


def test_a_new_twd_price_with_cents_is_refused_by_plan_update(shop, api):
    version = shop.plan(currency="TWD", price=Decimal("145"))

    result = api.data(
        PLAN_UPDATE,
        {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": "144.68"}}},
        token=shop.staff_token(),
    )

    [error] = result["errors"]
    assert (error["field"], error["code"]) == ("price", "NOT_CHARGEABLE")
    assert "TWD is charged in steps of 1.00" in error["message"]
    version.plan.refresh_from_db()
    assert version.plan.versions.count() == 1
