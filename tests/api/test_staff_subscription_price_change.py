"""Staff move one subscription to a newer version of its plan through /graphql/ (MANAGE_ORDERS; BILLING_RULES
§1): announced now, applied from a boundary after the notice; refusals name their argument; the event names
the staff user (the notice email and the billing: tests/subscriptions/test_price_changes.py)."""

from __future__ import annotations

from decimal import Decimal

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
    version,
)

MOVE = """
mutation Move($id: ID!, $version: Int!, $effectiveOn: Date, $reason: String) {
  staffSubscriptionPriceChange(id: $id, version: $version, effectiveOn: $effectiveOn, reason: $reason) {
    subscription { status pendingPlan { id } } errors { field code message }
  }
}
"""


def _newer(old: PlanVersion, price: str = "33.00", **terms) -> PlanVersion:
    return PlanVersion.objects.create(
        installation=old.installation,
        plan=old.plan,
        version=terms.pop("version", old.version + 1),
        interval=terms.pop("interval", old.interval),
        price=Decimal(price),
        price_change_notice_days=30,
        **terms,
    )


def test_staff_schedule_one_subscriptions_new_price(api, shop):
    old = version(shop)
    sub = subscription(shop, old)
    new = _newer(old)

    answer = api.data(
        MOVE, {"id": sub_id(sub), "version": 2, "reason": "new prices"}, token=staff_token(shop)
    )

    assert answer["errors"] == [] and answer["subscription"]["pendingPlan"] is not None
    moved = Subscription.objects.get(pk=sub.pk)
    assert (moved.pending_plan_version_id, str(moved.pending_plan_version_from)) == (new.pk, "2026-12-16")
    assert staff_events(sub) == [("price_change_scheduled", "staff", staff_user_id(shop), "new prices")]


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(MOVE, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_their_argument(api, shop):
    old = version(shop)
    sub = subscription(shop, old)
    _newer(old)
    _newer(old, "300.00", version=3, interval="year")
    ended = subscription(shop, old, status="cancelled")

    assert _refused(api, shop, {"id": sub_id(sub), "version": 1}, sub) == ("version", "SAME_PLAN_VERSION")
    assert _refused(api, shop, {"id": sub_id(sub), "version": 9}, sub) == ("version", "PLAN_NOT_FOUND")
    assert _refused(api, shop, {"id": sub_id(sub), "version": 3}, sub) == (
        "version",
        "PRICE_CHANGE_OTHER_CALENDAR",
    )
    assert _refused(api, shop, {"id": sub_id(sub), "version": 2, "effectiveOn": "2026-12-01"}, sub) == (
        "effectiveOn",
        "PRICE_CHANGE_TOO_SOON",
    )
    assert _refused(api, shop, {"id": sub_id(ended), "version": 2}, ended) == (None, "NOT_ALLOWED_IN_STATE")


def test_only_staff_with_manage_orders_may(api, shop):
    old = version(shop)
    sub = subscription(shop, old)
    _newer(old)
    before = snapshot(sub)
    variables = {"id": sub_id(sub), "version": 2}

    assert api.refused(MOVE, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(MOVE, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(MOVE, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
