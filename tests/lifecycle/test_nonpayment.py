"""Past due, suspended, settled on the original schedule, cancelled for nonpayment (§5, §6)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle import (
    cancel_for_nonpayment,
    mark_past_due,
    reactivate_subscription,
    settle_subscription,
    suspend_subscription,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import (
    APP,
    CUSTOMER,
    STAFF,
    SYSTEM,
    active_since,
    at,
    events,
    last_event,
    plan,
    reload,
    sandbox,
    set_clock,
)

pytestmark = pytest.mark.django_db


def _code(call) -> str:
    with pytest.raises(LifecycleError) as error:
        call()
    return error.value.code


def _schedule(sub):
    sub = reload(sub)
    return (
        sub.calendar_start,
        sub.current_period_index,
        sub.current_period_start,
        sub.current_period_end,
        sub.next_billing_at,
    )


def test_a_failed_renewal_makes_it_past_due_since_the_due_date():
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), index=1)
    sub = mark_past_due(sub, due_on=date(2026, 12, 1))
    assert (sub.status, sub.past_due_since) == ("past_due", date(2026, 12, 1))
    assert events(sub)[-1] == ("mark_past_due", "active", "past_due", "system")
    assert _code(lambda: mark_past_due(sub, actor=CUSTOMER)) == "actor_not_allowed"
    assert _code(lambda: mark_past_due(sub)) == "not_allowed_in_state"


def test_day_7_suspends_and_a_first_failure_may_suspend_at_once():
    shop = sandbox(at(2026, 12, 8))
    sub = mark_past_due(active_since(plan(shop), date(2026, 11, 1), index=1), due_on=date(2026, 12, 1))
    sub = suspend_subscription(sub, actor=APP)
    assert (sub.status, sub.suspended_at, sub.past_due_since) == (
        "suspended",
        at(2026, 12, 8),
        date(2026, 12, 1),
    )
    assert events(sub)[-1] == ("suspend", "past_due", "suspended", "app")
    at_once = suspend_subscription(active_since(plan(shop), date(2026, 11, 1), index=1))
    assert (at_once.status, at_once.past_due_since) == ("suspended", date(2026, 12, 8))
    assert _code(lambda: suspend_subscription(at_once, actor=STAFF)) == "actor_not_allowed"


def test_paying_what_is_owed_when_suspended_restores_active_on_the_original_schedule():
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), index=1)
    before = _schedule(sub)
    mark_past_due(sub, due_on=date(2026, 12, 1))
    set_clock(shop, at(2026, 12, 8))
    suspend_subscription(sub)
    set_clock(shop, at(2026, 12, 12))
    sub = settle_subscription(sub, actor=STAFF, actor_id="staff-1", reason="marked paid")
    assert (sub.status, sub.past_due_since, sub.suspended_at) == ("active", None, None)
    # No free days and no shifted dates: the next charge is still on 1 January.
    assert _schedule(sub) == before
    assert reload(sub).next_billing_at == datetime(2027, 1, 1, 5, tzinfo=UTC)
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.actor_type, event.actor_id) == (
        "settle",
        "suspended",
        "active",
        "staff",
        "staff-1",
    )
    assert event.data["past_due_since"] == "2026-12-01"


def test_settling_a_subscription_that_owes_nothing_is_refused_and_a_customer_cannot_settle():
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), index=1)
    assert _code(lambda: settle_subscription(sub)) == "not_allowed_in_state"
    mark_past_due(sub)
    assert _code(lambda: settle_subscription(sub, actor=CUSTOMER)) == "actor_not_allowed"


def test_day_21_cancels_for_nonpayment_and_the_open_invoice_becomes_uncollectible():
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), index=1)
    invoice = Invoice.objects.create(
        installation=shop,
        subscription=sub,
        billing_reason="renewal",
        number="INV-000009",
        status="open",
        currency="EUR",
        period_index=1,
        period_start=date(2026, 12, 1),
        period_end=date(2027, 1, 1),
        total=Decimal("30.00"),
        amount_due=Decimal("30.00"),
        due_at=at(2026, 12, 1, 5),
    )
    mark_past_due(sub, due_on=date(2026, 12, 1))
    suspend_subscription(sub)
    set_clock(shop, at(2026, 12, 22))
    sub = cancel_for_nonpayment(sub, actor=SYSTEM)
    assert (sub.status, sub.cancel_reason, sub.next_billing_at) == ("cancelled", "nonpayment", None)
    invoice.refresh_from_db()
    assert invoice.status == "uncollectible"
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.reason) == (
        "cancel_for_nonpayment",
        "suspended",
        "cancelled",
        "nonpayment",
    )
    assert event.data["uncollectible_invoices"] == [invoice.pk]
    # Within the reactivation window the customer may come back.
    set_clock(shop, at(2027, 1, 10))
    assert reactivate_subscription(sub, actor=CUSTOMER).status == "active"


def test_an_active_subscription_is_not_cancelled_for_nonpayment():
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), index=1)
    assert _code(lambda: cancel_for_nonpayment(sub)) == "not_allowed_in_state"
    assert _code(lambda: cancel_for_nonpayment(sub, actor=STAFF)) == "actor_not_allowed"
