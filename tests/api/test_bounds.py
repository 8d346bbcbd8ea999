"""Every number and string given to the API has a range (billing/bounds.py, api/inputs.py, api/scalars.py;
issue 13 item 4): out of range is refused with a code naming the field, never INTERNAL_ERROR, and nothing is
written or charged."""

from __future__ import annotations

import base64
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.api.test_checkout import ADD, customers_checkout, subscription_lines
from tests.factories import make_subscription

pytestmark = pytest.mark.django_db

DEC_1 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
QUANTITY = """
mutation Quantity($id: ID!, $quantity: Int!) {
  subscriptionQuantityChange(id: $id, quantity: $quantity) { subscription { quantity } errors { field code } }
}
"""
PAUSE = """
mutation Pause($id: ID!, $periods: Int) {
  subscriptionPause(id: $id, periods: $periods) { subscription { status } errors { field code } }
}
"""
UPDATE = """
mutation Update($id: ID!, $input: PlanUpdateInput!) {
  planUpdate(id: $id, input: $input) { newVersion errors { field code message } }
}
"""


def _subscribed(shop: Any, price: str = "30.25", **terms: Any) -> Subscription:
    version = shop.plan(price=Decimal(price), customer_can_pause=True, **terms)
    Installation.objects.filter(pk=shop.installation.pk).update(clock=DEC_1)
    return make_subscription(version, customer_user_id=shop.saleor.customer.id, status="active")


def test_a_quantity_of_2147483647_is_refused_and_nothing_is_invoiced(api, shop):
    subscription = _subscribed(shop)
    variables = {"id": subscription_global_id(subscription.pk), "quantity": 2147483647}

    result = api.data(QUANTITY, variables, token=shop.customer_token())

    assert result == {"subscription": None, "errors": [{"field": "quantity", "code": "INVALID_QUANTITY"}]}
    assert not Invoice.objects.exists()
    assert Subscription.objects.get(pk=subscription.pk).quantity == 1


def test_a_quantity_whose_period_costs_more_than_one_charge_can_be_is_refused(api, shop):
    subscription = _subscribed(shop, price="500.00")  # 2,001 x 500.00 = 1,000,500.00 > 999,999.99
    variables = {"id": subscription_global_id(subscription.pk), "quantity": 2001}

    result = api.data(QUANTITY, variables, token=shop.customer_token())

    assert result["errors"] == [{"field": "quantity", "code": "INVALID_QUANTITY"}]
    assert not Invoice.objects.exists()


def test_a_checkout_line_of_2147483647_units_is_refused(api, shop):
    version = shop.plan()
    checkout_id = customers_checkout(shop)
    line = {
        "variantId": shop.saleor.variant.id,
        "planId": plan_global_id(version.plan_id),
        "quantity": 2**31 - 1,
    }

    result = api.data(ADD, {"checkoutId": checkout_id, "lines": [line]}, token=shop.customer_token())

    assert [(e["field"], e["code"]) for e in result["errors"]] == [("quantity", "INVALID_QUANTITY")]
    assert subscription_lines(shop, checkout_id) == []


def test_a_pause_of_2147483647_periods_is_refused(api, shop):
    subscription = _subscribed(shop)
    variables = {"id": subscription_global_id(subscription.pk), "periods": 2**31 - 1}

    result = api.data(PAUSE, variables, token=shop.customer_token())

    assert result["errors"] == [{"field": "periods", "code": "INVALID_PAUSE_PERIODS"}]


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"intervalCount": 2**31 - 1}, "intervalCount"),
        ({"intervalCount": 121}, "intervalCount"),  # months: a period is at most 10 years
        ({"trialDays": 731}, "trialDays"),
        ({"trialIntervals": 25}, "trialIntervals"),
        ({"billingCycles": 2**31 - 1}, "billingCycles"),
        ({"interval": "YEAR", "billingCycles": 101}, "billingCycles"),  # a term is at most 100 years
        ({"minimumCycles": 1201}, "minimumCycles"),
        ({"cancelNoticeDays": 366}, "cancelNoticeDays"),
        ({"interval": "YEAR", "invoiceLeadDays": 366}, "invoiceLeadDays"),
        ({"priceChangeNoticeDays": 2**31 - 1}, "priceChangeNoticeDays"),
        ({"price": "1000000.00"}, "price"),  # Stripe charges at most 999,999.99
        ({"setupFee": "999999999.99"}, "setupFee"),
        ({"usagePrices": [{"metric": "case", "price": "1000000"}]}, "usagePrices"),
    ],
)
def test_a_plan_term_out_of_range_is_invalid_naming_the_field(api, shop, terms, field):
    version = shop.plan()
    variables = {"id": plan_global_id(version.plan_id), "input": {"terms": terms}}

    result = api.data(UPDATE, variables, token=shop.staff_token())

    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, "INVALID")], result
    assert PlanVersion.objects.filter(plan_id=version.plan_id).count() == 1


def test_the_largest_terms_in_range_are_accepted(api, shop):
    version = shop.plan()
    terms = {
        "price": "999999.99",
        "setupFee": "999999.99",
        "trialDays": 730,
        "billingCycles": 1200,
        "minimumCycles": 1200,
        "cancelNoticeDays": 365,
        "priceChangeNoticeDays": 365,
        "intervalCount": 1,
    }
    variables = {"id": plan_global_id(version.plan_id), "input": {"terms": terms}}

    result = api.data(UPDATE, variables, token=shop.staff_token())

    assert (result["errors"], result["newVersion"]) == ([], 2)


def _refusal(api: Any, query: str, variables: dict[str, Any], **auth: Any) -> tuple[int, dict[str, Any]]:
    status, body = api.post(query, variables, **auth)
    [error] = body["errors"]
    assert "INTERNAL_ERROR" not in str(body)
    return status, error["extensions"]


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("Coffee\x00monthly", "CONTROL_CHARACTER"),
        ("Coffee\x1bmonthly", "CONTROL_CHARACTER"),
        ("x" * 1001, "TOO_LONG"),
    ],
)
def test_a_string_with_a_control_character_or_too_long_is_refused_naming_it(api, shop, name, reason):
    version = shop.plan()
    variables = {"id": plan_global_id(version.plan_id), "input": {"name": name}}

    status, extensions = _refusal(api, UPDATE, variables, token=shop.staff_token())

    assert (status, extensions) == (400, {"code": "BAD_USER_INPUT", "field": "$input.name", "reason": reason})


def test_a_nul_in_a_string_literal_is_refused_naming_its_argument(api, shop):
    query = 'mutation { planArchive(id: "UGxhbjox\\u0000") { errors { code } } }'

    status, extensions = _refusal(api, query, {}, token=shop.staff_token())

    assert (status, extensions) == (
        400,
        {"code": "BAD_USER_INPUT", "field": "id", "reason": "CONTROL_CHARACTER"},
    )


def test_an_id_of_5000_digits_is_refused_not_an_internal_error(api, shop):
    status, extensions = _refusal(
        api, QUANTITY, {"id": "9" * 5000, "quantity": 2}, token=shop.customer_token()
    )

    assert (status, extensions["code"], extensions["reason"]) == (400, "BAD_USER_INPUT", "TOO_LONG")


def test_a_global_id_naming_a_5000_digit_number_is_not_found(api, shop):
    huge = base64.b64encode(b"Subscription:" + b"9" * 700).decode()
    result = api.data(QUANTITY, {"id": huge, "quantity": 2}, token=shop.customer_token())

    assert result["errors"] == [{"field": "id", "code": "NOT_FOUND"}]


@pytest.mark.parametrize(
    "price", [" 12.00", "12.00 ", "１２.００", "1e3", "12,50", "9" * 16, "0." + "1" * 11]
)
def test_an_amount_that_is_not_plain_ascii_digits_is_refused(api, shop, price):
    version = shop.plan()
    variables = {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": price}}}

    status, extensions = _refusal(api, UPDATE, variables, token=shop.staff_token())

    assert (status, extensions["code"]) == (400, "BAD_USER_INPUT")
    assert PlanVersion.objects.filter(plan_id=version.plan_id).count() == 1
