"""Staff change the shipping address of a subscription's future renewal orders through /graphql/
(MANAGE_ORDERS; BILLING_RULES §7): checked first, refusals naming the address field, nothing half-written,
the event naming the staff user."""

from __future__ import annotations

from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
)

UPDATE = """
mutation Address($id: ID!, $address: SubscriptionAddressInput!, $reason: String) {
  staffSubscriptionShippingAddressUpdate(id: $id, address: $address, reason: $reason) {
    subscription { status } errors { field code message }
  }
}
"""
HOME = {
    "firstName": "Ann",
    "lastName": "Lee",
    "streetAddress1": "1 Main St",
    "city": "Springfield",
    "postalCode": "62704",
    "country": "US",
}


def test_staff_change_the_shipping_address(api, shop):
    sub = subscription(shop)

    answer = api.data(
        UPDATE, {"id": sub_id(sub), "address": HOME, "reason": "moved"}, token=staff_token(shop)
    )

    assert answer == {"subscription": {"status": "ACTIVE"}, "errors": []}
    assert Subscription.objects.get(pk=sub.pk).shipping_address == HOME
    assert staff_events(sub) == [("shipping_address_changed", "staff", staff_user_id(shop), "moved")]


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(UPDATE, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_the_address_field(api, shop):
    sub = subscription(shop)
    ended = subscription(shop, status="expired")

    def address(**changes):
        return {"id": sub_id(sub), "address": {**HOME, **changes}}

    assert _refused(api, shop, address(country="XX"), sub) == ("country", "INVALID_ADDRESS")
    assert _refused(api, shop, address(city=" "), sub) == ("city", "INVALID_ADDRESS")
    assert _refused(api, shop, address(postalCode="9" * 21), sub) == ("postalCode", "INVALID_ADDRESS")
    assert _refused(api, shop, address(postalCode="ABCDE"), sub) == ("postalCode", "INVALID_ADDRESS")
    assert _refused(api, shop, address(lastName=""), sub) == ("lastName", "INVALID_ADDRESS")
    assert _refused(api, shop, {"id": sub_id(ended), "address": HOME}, ended) == (
        None,
        "NOT_ALLOWED_IN_STATE",
    )
    assert _refused(api, shop, {"id": "U3Vic2NyaXB0aW9uOjk5OTk5", "address": HOME}, sub) == (
        "id",
        "NOT_FOUND",
    )


def test_only_staff_with_manage_orders_may(api, shop):
    sub = subscription(shop)
    before = snapshot(sub)
    variables = {"id": sub_id(sub), "address": HOME}

    assert api.refused(UPDATE, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(UPDATE, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(UPDATE, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
