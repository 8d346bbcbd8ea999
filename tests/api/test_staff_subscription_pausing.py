"""Staff pause, resume and skip through /graphql/ (MANAGE_ORDERS), whether or not the plan lets customers do
it (BILLING_RULES §1, §7); and change the quantity (§7). Each change writes its event naming the staff user;
a refusal names its argument and changes nothing."""

from __future__ import annotations

import pytest

from saleor_subscriptions.invoicing.models import Invoice
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
from tests.lifecycle.helpers import period_invoice

PAUSE = """
mutation Pause($id: ID!, $periods: Int, $reason: String) {
  staffSubscriptionPause(id: $id, periods: $periods, reason: $reason) {
    subscription { status } errors { field code message }
  }
}
"""
RESUME = """
mutation Resume($id: ID!) {
  staffSubscriptionResume(id: $id) { subscription { status } errors { field code message } }
}
"""
SKIP = """
mutation Skip($id: ID!) {
  staffSubscriptionSkipNextPeriod(id: $id) { subscription { status } errors { field code message } }
}
"""
QUANTITY = """
mutation Quantity($id: ID!, $quantity: Int!, $reason: String) {
  staffSubscriptionQuantityChange(id: $id, quantity: $quantity, reason: $reason) {
    subscription { quantity pendingQuantity openInvoices { amountDue } }
    errors { field code message }
  }
}
"""


def _refused(api, shop, document, variables, sub):
    before = snapshot(sub)
    answer = api.data(document, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_staff_pause_for_two_periods_on_a_plan_customers_cannot_pause_and_resume(api, shop):
    sub = subscription(shop, version(shop, customer_can_pause=False))
    token = staff_token(shop)

    paused = api.data(PAUSE, {"id": sub_id(sub), "periods": 2, "reason": "on holiday"}, token=token)
    resumed = api.data(RESUME, {"id": sub_id(sub)}, token=token)

    assert paused == {"subscription": {"status": "PAUSED"}, "errors": []}
    assert resumed == {"subscription": {"status": "ACTIVE"}, "errors": []}
    me = staff_user_id(shop)
    assert staff_events(sub) == [("pause", "staff", me, "on holiday"), ("resume", "staff", me, "")]
    assert Subscription.objects.get(pk=sub.pk).events.get(kind="pause").data["periods"] == 2


def test_staff_skip_the_next_period(api, shop):
    sub = subscription(shop, version(shop, customer_can_pause=False))

    skipped = api.data(SKIP, {"id": sub_id(sub)}, token=staff_token(shop))

    assert skipped == {"subscription": {"status": "ACTIVE"}, "errors": []}
    assert Subscription.objects.get(pk=sub.pk).skip_periods == [1]
    assert staff_events(sub) == [("skip", "staff", staff_user_id(shop), "")]


def test_pause_resume_and_skip_refusals(api, shop):
    sub = subscription(shop)
    paused = subscription(shop, status="paused")
    api.data(SKIP, {"id": sub_id(sub)}, token=staff_token(shop))

    assert _refused(api, shop, PAUSE, {"id": sub_id(sub), "periods": 0}, sub) == (
        "periods",
        "INVALID_PAUSE_PERIODS",
    )
    assert _refused(api, shop, PAUSE, {"id": sub_id(paused)}, paused) == (None, "NOT_ALLOWED_IN_STATE")
    assert _refused(api, shop, RESUME, {"id": sub_id(sub)}, sub) == (None, "NOT_ALLOWED_IN_STATE")
    assert _refused(api, shop, SKIP, {"id": sub_id(sub)}, sub) == (None, "ALREADY_SKIPPED")
    assert _refused(api, shop, SKIP, {"id": sub_id(paused)}, paused) == (None, "NOT_ALLOWED_IN_STATE")
    assert _refused(api, shop, RESUME, {"id": "U3Vic2NyaXB0aW9uOjk5OTk5"}, sub) == ("id", "NOT_FOUND")


def test_staff_add_units_now_on_a_change_invoice_and_remove_them_at_the_period_end(api, shop):
    sub = subscription(shop)
    period_invoice(sub)
    token = staff_token(shop)

    more = api.data(QUANTITY, {"id": sub_id(sub), "quantity": 3, "reason": "two more seats"}, token=token)
    fewer = api.data(QUANTITY, {"id": sub_id(sub), "quantity": 2}, token=token)

    assert more["errors"] == []
    assert more["subscription"]["quantity"] == 3
    assert more["subscription"]["openInvoices"] == [{"amountDue": "60.00"}]  # 2 x 30.00 for 30 of 30 days
    assert Invoice.objects.get(subscription=sub, billing_reason="change").status == "open"
    assert fewer["subscription"]["quantity"] == 3 and fewer["subscription"]["pendingQuantity"] == 2
    me = staff_user_id(shop)
    assert staff_events(sub) == [
        ("change_quantity", "staff", me, "two more seats"),
        ("change_quantity", "staff", me, ""),
    ]


def test_quantity_refusals(api, shop):
    sub = subscription(shop)
    ended = subscription(shop, status="cancelled")

    assert _refused(api, shop, QUANTITY, {"id": sub_id(sub), "quantity": 0}, sub) == (
        "quantity",
        "INVALID_QUANTITY",
    )
    assert _refused(api, shop, QUANTITY, {"id": sub_id(sub), "quantity": 1}, sub) == (
        "quantity",
        "SAME_QUANTITY",
    )
    assert _refused(api, shop, QUANTITY, {"id": sub_id(ended), "quantity": 2}, ended) == (
        None,
        "NOT_ALLOWED_IN_STATE",
    )


@pytest.mark.parametrize("document", [PAUSE, RESUME, SKIP, QUANTITY])
def test_only_staff_with_manage_orders_may(api, shop, document):
    sub = subscription(shop)
    before = snapshot(sub)
    variables = {"id": sub_id(sub), "quantity": 2}

    assert api.refused(document, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(document, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(document, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
