"""Staff cancel a subscription through /graphql/ with the dashboard's token (MANAGE_ORDERS): now or at the
period end, with or without a credit, whatever the plan lets customers do (BILLING_RULES §1, §7, §8); and
take a pending cancellation back. Each change writes its event naming the staff user; a refusal changes
nothing; customers and staff without the permission are refused."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import CreditNote
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

CANCEL = """
mutation Cancel($id: ID!, $effect: PlanCancelEffect, $credit: Boolean, $reason: String) {
  staffSubscriptionCancel(id: $id, effect: $effect, credit: $credit, reason: $reason) {
    subscription { id status cancelAt endedAt }
    errors { field code message }
  }
}
"""
UNDO = """
mutation Undo($id: ID!, $reason: String) {
  staffSubscriptionCancelUndo(id: $id, reason: $reason) {
    subscription { status cancelAt } errors { field code message }
  }
}
"""


def test_staff_end_a_subscription_today_that_its_customer_may_not_cancel_crediting_the_unused_days(api, shop):
    locked_in = subscription(shop, version(shop, customer_can_cancel=False, minimum_cycles=12))
    period_invoice(locked_in)  # 30.00 paid for 16 November to 16 December

    answer = api.data(
        CANCEL,
        {"id": sub_id(locked_in), "effect": "IMMEDIATELY", "reason": "moved abroad"},
        token=staff_token(shop),
    )

    assert answer["errors"] == []
    assert answer["subscription"]["status"] == "CANCELLED"
    assert answer["subscription"]["endedAt"] is not None
    [note] = CreditNote.objects.filter(subscription=locked_in)
    assert note.amount == Decimal("30.00")  # 30 of 30 days unused on the day the period started
    assert staff_events(locked_in) == [("cancel_now", "staff", staff_user_id(shop), "moved abroad")]
    assert Subscription.objects.get(pk=locked_in.pk).events.get().data["credit_note"] == note.number


def test_ending_now_without_a_credit_returns_nothing(api, shop):
    sub = subscription(shop, version(shop, cancel_credit=True))
    period_invoice(sub)

    answer = api.data(
        CANCEL, {"id": sub_id(sub), "effect": "IMMEDIATELY", "credit": False}, token=staff_token(shop)
    )

    assert answer["subscription"]["status"] == "CANCELLED"
    assert not CreditNote.objects.filter(subscription=sub).exists()
    assert Subscription.objects.get(pk=sub.pk).events.get().data["credit"] == "0"


def test_staff_cancel_at_the_period_end_and_take_it_back(api, shop):
    sub = subscription(shop, version(shop, customer_can_cancel=False))
    token = staff_token(shop)

    cancelled = api.data(CANCEL, {"id": sub_id(sub), "effect": "PERIOD_END"}, token=token)
    undone = api.data(UNDO, {"id": sub_id(sub), "reason": "changed their mind"}, token=token)

    assert cancelled["subscription"]["status"] == "ACTIVE"
    assert cancelled["subscription"]["cancelAt"] == "2026-12-16"
    assert undone == {"subscription": {"status": "ACTIVE", "cancelAt": None}, "errors": []}
    me = staff_user_id(shop)
    assert staff_events(sub) == [
        ("cancel_at_period_end", "staff", me, ""),
        ("undo_cancel", "staff", me, "changed their mind"),
    ]


def _refused(api, shop, document, variables, sub):
    before = snapshot(sub)
    answer = api.data(document, variables, token=staff_token(shop))
    assert answer["subscription"] is None
    assert snapshot(sub) == before  # nothing half-written
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_their_code_and_argument_and_change_nothing(api, shop):
    sub = subscription(shop)
    ended = subscription(shop, status="cancelled")
    api.data(CANCEL, {"id": sub_id(sub), "effect": "PERIOD_END"}, token=staff_token(shop))

    assert _refused(api, shop, CANCEL, {"id": sub_id(sub)}, sub) == (None, "ALREADY_CANCELLING")
    assert _refused(api, shop, CANCEL, {"id": sub_id(ended)}, ended) == (None, "NOT_ALLOWED_IN_STATE")
    assert _refused(api, shop, CANCEL, {"id": "U3Vic2NyaXB0aW9uOjk5OTk5"}, sub) == ("id", "NOT_FOUND")
    assert _refused(api, shop, CANCEL, {"id": "not an id"}, sub) == ("id", "NOT_FOUND")
    too_long = {"id": sub_id(ended), "reason": "x" * 201}
    assert _refused(api, shop, CANCEL, too_long, ended) == ("reason", "INVALID_REASON")
    assert _refused(api, shop, UNDO, {"id": sub_id(ended)}, ended) == (None, "NOT_ALLOWED_IN_STATE")
    fresh = subscription(shop)
    assert _refused(api, shop, UNDO, {"id": sub_id(fresh)}, fresh) == (None, "NOTHING_TO_UNDO")


@pytest.mark.parametrize("document", [CANCEL, UNDO])
def test_customers_anonymous_callers_and_staff_without_manage_orders_are_refused(api, shop, document):
    sub = subscription(shop)
    before = snapshot(sub)
    variables = {"id": sub_id(sub)}

    assert api.refused(document, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(document, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    products_only = staff_token(shop, ("MANAGE_PRODUCTS", "HANDLE_PAYMENTS"))
    assert api.refused(document, variables, token=products_only) == (200, "PERMISSION_DENIED")
    assert snapshot(sub) == before
