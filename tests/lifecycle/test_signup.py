"""Signing up, the first payment and an unpaid sign-up lapsing (BILLING_RULES §2, §5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.lifecycle import (
    activate_subscription,
    lapse_incomplete,
    start_subscription,
)
from saleor_subscriptions.subscriptions.calendar import billing_calendar
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import (
    APP,
    CUSTOMER,
    STAFF,
    SYSTEM,
    at,
    events,
    last_event,
    plan,
    reload,
    sandbox,
    set_clock,
)

pytestmark = pytest.mark.django_db
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def _start(installation, version, **kwargs):
    kwargs.setdefault("customer_user_id", "VXNlcjox")
    kwargs.setdefault("customer_email", "Piet@Example.com")
    kwargs.setdefault("quantity", 1)
    kwargs.setdefault("channel_slug", "default-channel")
    kwargs.setdefault("actor", CUSTOMER)
    return start_subscription(installation, version, **kwargs)


def _code(call) -> str:
    with pytest.raises(LifecycleError) as error:
        call()
    return error.value.code


def test_a_sign_up_without_trial_is_incomplete_with_its_first_period_from_the_purchase_date():
    shop = sandbox(at(2026, 2, 17))
    sub = _start(shop, plan(shop, "40.00"), actor=APP, actor_id="app-1")
    assert sub.status == "incomplete"
    assert sub.calendar_start == date(2026, 2, 17)
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 2, 17), date(2026, 3, 17))
    assert sub.next_billing_at is None
    assert sub.customer_key == "user:VXNlcjox"
    assert sub.currency == "EUR"
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status) == ("start", "", "incomplete")
    assert (event.actor_type, event.actor_id) == ("app", "app-1")


def test_a_sign_up_with_a_14_day_trial_starts_its_calendar_when_the_trial_ends():
    shop = sandbox(at(2026, 11, 16))
    sub = _start(shop, plan(shop, trial_days=14))
    assert (sub.trial_start, sub.trial_end) == (date(2026, 11, 16), date(2026, 11, 30))
    assert sub.calendar_start == date(2026, 11, 30)
    assert sub.current_period_index == -1


def test_the_first_payment_activates_and_sets_the_next_charge_at_the_local_due_hour():
    shop = sandbox(at(2026, 2, 17))
    sub = _start(shop, plan(shop, "40.00"))
    sub = activate_subscription(sub, actor=APP, order_id="T3JkZXI6MQ==")
    assert sub.status == "active"
    assert sub.next_billing_at == datetime(2026, 3, 17, 6, tzinfo=AMSTERDAM)
    assert sub.saleor_order_id == "T3JkZXI6MQ=="
    assert sub.cycles_billed == 1
    assert events(sub)[-1] == ("activate", "incomplete", "active", "app")


def test_the_first_payment_of_a_trial_starts_the_trial_and_the_next_charge_is_at_its_end():
    shop = sandbox(at(2026, 11, 16))
    sub = activate_subscription(_start(shop, plan(shop, trial_days=14)), actor=APP)
    assert sub.status == "trialing"
    assert sub.next_billing_at == datetime(2026, 11, 30, 6, tzinfo=AMSTERDAM)
    assert events(sub)[-1] == ("start_trial", "incomplete", "trialing", "app")
    # At the end of the trial the first period is paid: active, next charge a month later.
    set_clock(shop, at(2026, 11, 30))
    sub = activate_subscription(sub, actor=SYSTEM)
    assert sub.status == "active"
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 11, 30), date(2026, 12, 30))
    assert sub.current_period_index == 0
    assert events(sub)[-1] == ("activate", "trialing", "active", "system")


def test_a_one_month_trial_bought_on_jan_31_bills_28_feb_then_31_mar_then_30_apr():
    """§2 (review finding 3): the trial ends on 28 Feb (clamped), but the calendar keeps counting from the
    purchase date, so the first period runs to 31 March and the second to 30 April."""
    shop = sandbox(at(2026, 1, 31))
    sub = activate_subscription(_start(shop, plan(shop, trial_intervals=1)), actor=APP)
    assert (sub.trial_start, sub.trial_end, sub.calendar_start) == (
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 2, 28),
    )
    set_clock(shop, at(2026, 2, 28))
    sub = activate_subscription(sub, actor=SYSTEM)
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 2, 28), date(2026, 3, 31))
    assert sub.next_billing_at == datetime(2026, 3, 31, 6, tzinfo=AMSTERDAM)
    calendar = billing_calendar(reload(sub))
    assert [(p.start, p.end) for p in calendar.periods(3)] == [
        (date(2026, 2, 28), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 4, 30)),
        (date(2026, 4, 30), date(2026, 5, 31)),
    ]


def test_a_customer_cannot_activate_and_an_active_subscription_cannot_be_activated_again():
    shop = sandbox(at(2026, 2, 17))
    sub = _start(shop, plan(shop))
    assert _code(lambda: activate_subscription(sub, actor=CUSTOMER)) == "actor_not_allowed"
    activate_subscription(sub, actor=STAFF)
    assert _code(lambda: activate_subscription(sub, actor=APP)) == "not_allowed_in_state"


def test_an_unpaid_sign_up_lapses_after_23_hours_and_not_before():
    shop = sandbox(at(2026, 2, 17))
    sub = _start(shop, plan(shop))
    set_clock(shop, at(2026, 2, 17) + timedelta(hours=22, minutes=59))
    assert _code(lambda: lapse_incomplete(sub)) == "not_due"
    set_clock(shop, at(2026, 2, 17) + timedelta(hours=23))
    sub = lapse_incomplete(sub)
    assert (sub.status, sub.cancel_reason) == ("cancelled", "lapsed")
    assert sub.ended_at == at(2026, 2, 17) + timedelta(hours=23)
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.actor_type) == (
        "lapse",
        "incomplete",
        "cancelled",
        "system",
    )
    assert event.reason == "first payment not made within 23 hours"


def test_a_paid_subscription_never_lapses_and_a_customer_cannot_lapse_one():
    shop = sandbox(at(2026, 2, 17))
    sub = _start(shop, plan(shop))
    assert _code(lambda: lapse_incomplete(sub, actor=CUSTOMER)) == "actor_not_allowed"
    activate_subscription(sub)
    set_clock(shop, at(2026, 2, 20))
    assert _code(lambda: lapse_incomplete(sub)) == "not_allowed_in_state"
    assert reload(sub).status == "active"


def test_a_sign_up_with_quantity_0_is_refused():
    shop = sandbox(at(2026, 2, 17))
    assert _code(lambda: _start(shop, plan(shop), quantity=0)) == "invalid_quantity"


def test_a_sign_up_to_a_plan_of_another_shop_is_refused():
    shop, other = sandbox(at(2026, 2, 17)), sandbox(at(2026, 2, 17), "https://other.example.com/graphql/")
    assert _code(lambda: _start(shop, plan(other))) == "plan_of_another_installation"


def test_a_sign_up_in_another_channel_is_refused():
    shop = sandbox(at(2026, 2, 17))
    assert _code(lambda: _start(shop, plan(shop), channel_slug="other")) == "channel_mismatch"


def test_a_sign_up_to_an_archived_plan_is_refused():
    shop = sandbox(at(2026, 2, 17))
    version = plan(shop)
    Plan.objects.filter(pk=version.plan_id).update(status="archived")
    version.refresh_from_db()
    version.plan.refresh_from_db()
    assert _code(lambda: _start(shop, version)) == "plan_archived"


def test_the_scheduler_cannot_sign_anyone_up():
    shop = sandbox(at(2026, 2, 17))
    assert _code(lambda: _start(shop, plan(shop), actor=SYSTEM)) == "actor_not_allowed"
