"""Staff grant free periods and put a discount code on a subscription through /graphql/ (MANAGE_ORDERS;
BILLING_RULES §7, §9). Each writes its event naming the staff user; refusals name their argument and change
nothing; customers and staff without the permission are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
)

FREE = """
mutation Free($id: ID!, $periods: Int!, $reason: String) {
  staffSubscriptionFreePeriodsGrant(id: $id, periods: $periods, reason: $reason) {
    subscription { status } errors { field code message }
  }
}
"""
CODE = """
mutation Code($id: ID!, $discountCode: String!, $reason: String) {
  staffSubscriptionDiscountCodeAdd(id: $id, discountCode: $discountCode, reason: $reason) {
    subscription { status } errors { field code message }
  }
}
"""


def _refused(api, shop, document, variables, sub):
    before = snapshot(sub), DiscountRedemption.objects.count()
    answer = api.data(document, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert (snapshot(sub), DiscountRedemption.objects.count()) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_staff_grant_two_free_periods(api, shop):
    sub = subscription(shop)

    answer = api.data(FREE, {"id": sub_id(sub), "periods": 2, "reason": "goodwill"}, token=staff_token(shop))

    assert answer == {"subscription": {"status": "ACTIVE"}, "errors": []}
    assert Subscription.objects.get(pk=sub.pk).skip_periods == [1, 2]
    assert staff_events(sub) == [("free_periods_granted", "staff", staff_user_id(shop), "goodwill")]


def test_free_period_refusals(api, shop):
    sub = subscription(shop)
    paused = subscription(shop, status="paused")

    assert _refused(api, shop, FREE, {"id": sub_id(sub), "periods": 0}, sub) == (
        "periods",
        "INVALID_FREE_PERIODS",
    )
    assert _refused(api, shop, FREE, {"id": sub_id(paused), "periods": 1}, paused) == (
        None,
        "NOT_ALLOWED_IN_STATE",
    )
    assert _refused(api, shop, FREE, {"id": "U3Vic2NyaXB0aW9uOjk5OTk5", "periods": 1}, sub) == (
        "id",
        "NOT_FOUND",
    )


def test_staff_put_a_discount_code_on_a_subscription(api, shop):
    sub = subscription(shop)
    DiscountCode.objects.create(installation=shop.installation, code="TIEN", kind="percentage", percent=10)

    answer = api.data(CODE, {"id": sub_id(sub), "discountCode": "tien"}, token=staff_token(shop))

    assert answer == {"subscription": {"status": "ACTIVE"}, "errors": []}
    [redemption] = DiscountRedemption.objects.filter(subscription=sub)
    assert (redemption.code.code, redemption.ended_at) == ("TIEN", None)
    assert staff_events(sub) == [("discount_code_added", "staff", staff_user_id(shop), "")]


def test_discount_code_refusals(api, shop):
    sub = subscription(shop)
    ended = subscription(shop, status="cancelled")
    DiscountCode.objects.create(
        installation=shop.installation, code="DOLLAR", kind="fixed", amount_off=Decimal(5), currency="USD"
    )
    DiscountCode.objects.create(installation=shop.installation, code="TIEN", kind="percentage", percent=10)

    assert _refused(api, shop, CODE, {"id": sub_id(sub), "discountCode": "NOPE"}, sub) == (
        "discountCode",
        "DISCOUNT_CODE_INVALID",
    )
    assert _refused(api, shop, CODE, {"id": sub_id(sub), "discountCode": "DOLLAR"}, sub) == (
        "discountCode",
        "DISCOUNT_CODE_INVALID",  # the subscription is in EUR
    )
    assert _refused(api, shop, CODE, {"id": sub_id(ended), "discountCode": "TIEN"}, ended) == (
        None,
        "NOT_ALLOWED_IN_STATE",
    )


@pytest.mark.parametrize("document", [FREE, CODE])
def test_only_staff_with_manage_orders_may(api, shop, document):
    sub = subscription(shop)
    DiscountCode.objects.create(installation=shop.installation, code="TIEN", kind="percentage", percent=10)
    before = snapshot(sub)
    variables = {"id": sub_id(sub), "periods": 1, "discountCode": "TIEN"}

    assert api.refused(document, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(document, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(document, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
