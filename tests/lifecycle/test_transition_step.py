"""The frame every lifecycle action runs in (`transition_step`): lock, now, ask the table, change, save, one
event; a refusal or an action that forgot to ask the table changes nothing."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.billing.states import Transition
from saleor_subscriptions.lifecycle.transition import transition_step
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import CUSTOMER, STAFF, active_since, at, events, last_event, plan, sandbox

pytestmark = pytest.mark.django_db


def test_a_step_saves_the_row_and_writes_one_event_with_the_figures():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))

    with transition_step(sub, Transition.PAUSE, actor=STAFF, actor_id="staff-1", reason="asked") as step:
        step.enter()
        step.subscription.pause_periods_remaining = 2
        step.data = {"periods": 2}

    sub.refresh_from_db()
    assert (sub.status, sub.pause_periods_remaining) == ("paused", 2)
    event = last_event(sub)
    assert event.kind == "pause"
    assert (event.from_status, event.to_status, event.actor_id, event.reason) == (
        "active",
        "paused",
        "staff-1",
        "asked",
    )
    assert event.data == {"periods": 2}
    assert event.at == at(2026, 11, 16)


def test_a_refusal_of_the_table_changes_nothing():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, customer_can_pause=False), date(2026, 11, 1))
    before = len(events(sub))

    with (
        pytest.raises(LifecycleError) as refused,
        transition_step(sub, Transition.PAUSE, actor=CUSTOMER) as step,
    ):
        step.subscription.pause_periods_remaining = 2
        step.enter()

    assert refused.value.code == LifecycleErrorCode.CUSTOMER_CANNOT_PAUSE
    assert Subscription.objects.get(pk=sub.pk).pause_periods_remaining is None
    assert len(events(sub)) == before


def test_an_action_that_does_not_ask_the_table_is_stopped_before_it_saves():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    before = len(events(sub))

    with (
        pytest.raises(RuntimeError, match="not checked against the transition table"),
        transition_step(sub, Transition.PAUSE, actor=STAFF) as step,
    ):
        step.subscription.status = "paused"

    assert Subscription.objects.get(pk=sub.pk).status == "active"
    assert len(events(sub)) == before
