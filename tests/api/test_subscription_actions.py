"""The customer's own actions through /graphql/ with the fake Saleor's customer tokens: cancel and undo, pause
and resume, skip the next period. The plan's terms decide (BILLING_RULES §1, §5, §7); another customer's
subscription is NOT_FOUND; every change writes its event with the customer as actor."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_plan_version, make_subscription

CANCEL = """
mutation Cancel($id: ID!, $effect: PlanCancelEffect, $reason: String) {
  subscriptionCancel(id: $id, effect: $effect, reason: $reason) {
    subscription { id status cancelAt endedAt }
    errors { field code message }
  }
}
"""
UNDO = """
mutation Undo($id: ID!) {
  subscriptionCancelUndo(id: $id) { subscription { status cancelAt } errors { field code message } }
}
"""
PAUSE = """
mutation Pause($id: ID!, $periods: Int) {
  subscriptionPause(id: $id, periods: $periods) { subscription { status } errors { field code message } }
}
"""
RESUME = """
mutation Resume($id: ID!) {
  subscriptionResume(id: $id) { subscription { status } errors { field code message } }
}
"""
SKIP = """
mutation Skip($id: ID!) {
  subscriptionSkipNextPeriod(id: $id) { subscription { status } errors { field code message } }
}
"""


def _mine(shop: Any, user_id: str | None = None, **terms: Any) -> Subscription:
    status = terms.pop("status", "active")
    version = make_plan_version(shop.installation, price=Decimal("30.00"), **terms)
    return make_subscription(version, customer_user_id=user_id or shop.saleor.customer.id, status=status)


def _id(subscription: Subscription) -> dict[str, str]:
    return {"id": subscription_global_id(subscription.pk)}


def _events(subscription: Subscription) -> list[tuple[str, str, str, str]]:
    return list(subscription.events.values_list("kind", "actor_type", "actor_id", "reason"))


def test_a_customer_cancels_at_the_end_of_the_period_and_takes_it_back(api, shop):
    subscription = _mine(shop)
    token = shop.customer_token()

    cancelled = api.data(CANCEL, {**_id(subscription), "reason": "too much coffee"}, token=token)

    assert cancelled["errors"] == []
    assert cancelled["subscription"]["status"] == "ACTIVE"  # it runs to the end of the paid period
    assert cancelled["subscription"]["cancelAt"] == "2026-12-16"
    me = shop.saleor.customer.id
    assert _events(subscription) == [("cancel_at_period_end", "customer", me, "too much coffee")]

    undone = api.data(UNDO, _id(subscription), token=token)

    assert undone == {"subscription": {"status": "ACTIVE", "cancelAt": None}, "errors": []}
    assert [e[:2] for e in _events(subscription)][-1] == ("undo_cancel", "customer")


def test_a_plan_that_ends_at_once_cancels_today(api, shop):
    subscription = _mine(shop, cancel_effect="immediately")

    cancelled = api.data(CANCEL, _id(subscription), token=shop.customer_token())

    assert cancelled["errors"] == []
    assert cancelled["subscription"]["status"] == "CANCELLED"
    assert Subscription.objects.get(pk=subscription.pk).ended_at is not None


def test_a_minimum_term_puts_the_end_at_its_end(api, shop):
    locked_in = _mine(shop, minimum_cycles=12)

    cancelled = api.data(CANCEL, _id(locked_in), token=shop.customer_token())

    assert cancelled["errors"] == []
    assert cancelled["subscription"]["cancelAt"] == "2027-11-16"  # twelve monthly periods from 16 November


def test_the_plans_terms_refuse_with_their_code(api, shop):
    period_end = _mine(shop)
    no_cancel = _mine(shop, customer_can_cancel=False)
    token = shop.customer_token()

    at_once = api.data(CANCEL, {**_id(period_end), "effect": "IMMEDIATELY"}, token=token)
    refused = api.data(CANCEL, _id(no_cancel), token=token)

    assert at_once["subscription"] is None
    assert [e["code"] for e in at_once["errors"]] == ["IMMEDIATE_CANCEL_NOT_ALLOWED"]
    assert Subscription.objects.get(pk=period_end.pk).status == "active"
    assert refused["errors"][0]["code"] == "CUSTOMER_CANNOT_CANCEL"
    assert refused["errors"][0]["message"]
    assert Subscription.objects.get(pk=no_cancel.pk).cancel_at is None  # nothing half-written
    assert _events(no_cancel) == []


def test_nothing_to_undo_is_refused(api, shop):
    subscription = _mine(shop)
    answer = api.data(UNDO, _id(subscription), token=shop.customer_token())
    assert answer["subscription"] is None
    assert answer["errors"][0]["code"] == "NOTHING_TO_UNDO"


def test_a_customer_pauses_for_two_periods_and_resumes(api, shop):
    subscription = _mine(shop, customer_can_pause=True)
    token = shop.customer_token()

    paused = api.data(PAUSE, {**_id(subscription), "periods": 2}, token=token)

    assert paused == {"subscription": {"status": "PAUSED"}, "errors": []}
    assert Subscription.objects.get(pk=subscription.pk).pause_periods_remaining == 2

    resumed = api.data(RESUME, _id(subscription), token=token)

    assert resumed == {"subscription": {"status": "ACTIVE"}, "errors": []}
    assert [e[:2] for e in _events(subscription)] == [("pause", "customer"), ("resume", "customer")]


def test_pausing_needs_the_plan_to_allow_it_and_a_positive_number_of_periods(api, shop):
    not_allowed = _mine(shop)
    allowed = _mine(shop, customer_can_pause=True)
    token = shop.customer_token()

    refused = api.data(PAUSE, _id(not_allowed), token=token)
    zero = api.data(PAUSE, {**_id(allowed), "periods": 0}, token=token)

    assert refused["errors"][0]["code"] == "CUSTOMER_CANNOT_PAUSE"
    assert zero["errors"] == [
        {"field": "periods", "code": "INVALID_PAUSE_PERIODS", "message": "pause for 1 to 120 periods, not 0"}
    ]
    assert Subscription.objects.get(pk=allowed.pk).status == "active"


def test_skipping_the_next_period_once(api, shop):
    subscription = _mine(shop, customer_can_pause=True)
    token = shop.customer_token()

    skipped = api.data(SKIP, _id(subscription), token=token)
    again = api.data(SKIP, _id(subscription), token=token)

    assert skipped == {"subscription": {"status": "ACTIVE"}, "errors": []}
    assert Subscription.objects.get(pk=subscription.pk).skip_periods == [1]
    assert again["errors"][0]["code"] == "ALREADY_SKIPPED"


@pytest.mark.parametrize("query", [CANCEL, UNDO, PAUSE, RESUME, SKIP])
def test_only_the_customers_own_subscription_is_found(api, shop, query):
    theirs = _mine(shop, user_id="VXNlcjo5OTk=", customer_can_pause=True)

    answer = api.data(query, _id(theirs), token=shop.customer_token())

    assert answer["subscription"] is None
    [error] = answer["errors"]
    assert (error["field"], error["code"]) == ("id", "NOT_FOUND")
    assert Subscription.objects.get(pk=theirs.pk).status == "active" and _events(theirs) == []


def test_a_malformed_id_is_not_found(api, shop):
    answer = api.data(CANCEL, {"id": "UGxhbjox"}, token=shop.customer_token())  # "Plan:1"
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("id", "NOT_FOUND")]


def test_a_reason_over_200_characters_is_refused(api, shop):
    subscription = _mine(shop)
    answer = api.data(CANCEL, {**_id(subscription), "reason": "x" * 201}, token=shop.customer_token())
    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("reason", "INVALID_REASON")]
    assert Subscription.objects.get(pk=subscription.pk).cancel_at is None


@pytest.mark.parametrize("query", [CANCEL, PAUSE])
def test_an_action_needs_a_customer_token(api, shop, query):
    subscription = _mine(shop, customer_can_pause=True)
    needed = (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(query, _id(subscription), api_url=shop.fake.api_url) == needed
    assert api.refused(query, _id(subscription), token=shop.staff_token()) == needed
    assert Subscription.objects.get(pk=subscription.pk).status == "active"


def test_a_cancellation_queues_the_cancellation_scheduled_email(
    api, shop, django_capture_on_commit_callbacks
):
    from saleor_subscriptions.notifications.models import OutgoingEmail

    subscription = _mine(shop)
    with django_capture_on_commit_callbacks(execute=True):
        api.data(CANCEL, _id(subscription), token=shop.customer_token())

    sent = OutgoingEmail.objects.filter(to_email=subscription.customer_email)
    assert list(sent.values_list("kind", flat=True)) == ["cancellation_scheduled"]
    assert date(2026, 12, 16) == Subscription.objects.get(pk=subscription.pk).cancel_at
