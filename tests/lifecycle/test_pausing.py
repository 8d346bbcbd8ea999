"""Pause for N periods or until resumed, resume, skip the next period (§1, §7)."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.lifecycle import (
    pause_subscription,
    resume_subscription,
    skip_next_period,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import (
    CUSTOMER,
    STAFF,
    SYSTEM,
    active_since,
    at,
    events,
    last_event,
    plan,
    sandbox,
)

pytestmark = pytest.mark.django_db


def _code(call) -> str:
    with pytest.raises(LifecycleError) as error:
        call()
    return error.value.code


def test_a_customer_pauses_for_2_periods_where_the_plan_allows_it():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=True), date(2026, 11, 1))
    due = sub.next_billing_at
    sub = pause_subscription(sub, actor=CUSTOMER, periods=2, reason="holiday")
    assert (sub.status, sub.pause_periods_remaining, sub.paused_at) == ("paused", 2, at(2026, 11, 16))
    assert sub.next_billing_at == due  # the calendar keeps its dates
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.reason) == (
        "pause",
        "active",
        "paused",
        "holiday",
    )
    assert event.data["periods"] == 2


def test_a_customer_cannot_pause_where_the_plan_does_not_allow_it_but_staff_can_until_resumed():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=False), date(2026, 11, 1))
    assert _code(lambda: pause_subscription(sub, actor=CUSTOMER, periods=1)) == "customer_cannot_pause"
    sub = pause_subscription(sub, actor=STAFF)
    assert (sub.status, sub.pause_periods_remaining) == ("paused", None)


def test_a_pause_of_0_periods_is_refused():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=True), date(2026, 11, 1))
    assert _code(lambda: pause_subscription(sub, actor=CUSTOMER, periods=0)) == "invalid_pause_periods"


def test_a_paused_subscription_cannot_be_paused_again_and_a_past_due_one_not_at_all():
    shop = sandbox(at(2026, 11, 16))
    version = plan(shop, customer_can_pause=True)
    paused = pause_subscription(active_since(version, date(2026, 11, 1)), actor=CUSTOMER)
    assert _code(lambda: pause_subscription(paused, actor=CUSTOMER)) == "not_allowed_in_state"
    past_due = active_since(version, date(2026, 11, 1), status="past_due")
    assert _code(lambda: pause_subscription(past_due, actor=STAFF)) == "not_allowed_in_state"


def test_resume_makes_it_active_on_its_own_calendar():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=True), date(2026, 11, 1))
    due = sub.next_billing_at
    pause_subscription(sub, actor=CUSTOMER, periods=2)
    sub = resume_subscription(sub, actor=SYSTEM)
    assert (sub.status, sub.pause_periods_remaining, sub.paused_at, sub.next_billing_at) == (
        "active",
        None,
        None,
        due,
    )
    assert events(sub)[-1] == ("resume", "paused", "active", "system")


def test_resuming_an_active_subscription_is_refused():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=True), date(2026, 11, 1))
    assert _code(lambda: resume_subscription(sub, actor=CUSTOMER)) == "not_allowed_in_state"


def test_skip_the_next_period_once():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=True), date(2026, 11, 1), index=0)
    sub = skip_next_period(sub, actor=CUSTOMER)
    assert (sub.status, sub.skip_periods) == ("active", [1])
    assert events(sub)[-1] == ("skip", "active", "active", "customer")
    assert _code(lambda: skip_next_period(sub, actor=CUSTOMER)) == "already_skipped"


def test_a_customer_cannot_skip_where_the_plan_does_not_allow_pausing():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    assert _code(lambda: skip_next_period(sub, actor=CUSTOMER)) == "customer_cannot_pause"
    assert skip_next_period(sub, actor=STAFF).skip_periods == [1]
