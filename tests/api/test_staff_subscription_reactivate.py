"""Staff bring a cancelled subscription back through /graphql/ (MANAGE_ORDERS; BILLING_RULES §6.6, §7): a new
period from today with its invoice open for the sweeper (tests/renewals/test_staff_reactivation.py charges
it); refusals change nothing; the event names the staff user."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
)

REACTIVATE = """
mutation Back($id: ID!, $reason: String) {
  staffSubscriptionReactivate(id: $id, reason: $reason) {
    subscription { status currentPeriodStart currentPeriodEnd openInvoices { amountDue } }
    errors { field code message }
  }
}
"""


def _cancelled(shop, days_ago: int = 5):
    ended = datetime(2026, 11, 16 - days_ago, 10, tzinfo=UTC)
    return subscription(
        shop, status="cancelled", cancelled_at=ended, ended_at=ended, cancel_reason="by_customer"
    )


def test_staff_reactivate_a_cancelled_subscription_with_a_new_period_billed_now(api, shop):
    sub = _cancelled(shop)

    answer = api.data(REACTIVATE, {"id": sub_id(sub), "reason": "came back"}, token=staff_token(shop))

    assert answer["errors"] == []
    shown = answer["subscription"]
    assert (shown["status"], shown["currentPeriodStart"], shown["currentPeriodEnd"]) == (
        "ACTIVE",
        "2026-11-16",
        "2026-12-16",
    )
    assert shown["openInvoices"] == [{"amountDue": "30.00"}]
    assert staff_events(sub) == [("reactivate", "staff", staff_user_id(shop), "came back")]


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(REACTIVATE, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals(api, shop):
    live = subscription(shop)
    long_gone = _cancelled(shop, days_ago=15)
    long_gone.cancelled_at = datetime(2026, 10, 1, 10, tzinfo=UTC)
    long_gone.save()
    lapsed = subscription(
        shop, status="cancelled", cancelled_at=datetime(2026, 11, 15, tzinfo=UTC), cancel_reason="lapsed"
    )

    assert _refused(api, shop, {"id": sub_id(live)}, live) == (None, "NOT_ALLOWED_IN_STATE")
    assert _refused(api, shop, {"id": sub_id(long_gone)}, long_gone) == (None, "REACTIVATION_WINDOW_CLOSED")
    assert _refused(api, shop, {"id": sub_id(lapsed)}, lapsed) == (None, "REACTIVATION_WINDOW_CLOSED")


def test_only_staff_with_manage_orders_may(api, shop):
    sub = _cancelled(shop)
    before = snapshot(sub)
    variables = {"id": sub_id(sub)}

    assert api.refused(REACTIVATE, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(REACTIVATE, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(REACTIVATE, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
