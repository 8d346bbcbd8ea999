"""Cancelling, undoing, the end of a pending cancellation, reactivation and expiry (§1, §5, §7, §8)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote
from saleor_subscriptions.lifecycle import (
    cancel_subscription,
    expire_subscription,
    finish_cancellation,
    reactivate_subscription,
    undo_cancel,
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
    period_invoice,
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


def test_a_customer_cancels_at_the_end_of_the_period_and_stays_active_until_then():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    sub = cancel_subscription(sub, actor=CUSTOMER, actor_id="VXNlcjox", reason="too expensive")
    assert (sub.status, sub.cancel_at_period_end, sub.cancel_at) == ("active", True, date(2026, 12, 1))
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.actor_type, event.actor_id) == (
        "cancel_at_period_end",
        "active",
        "active",
        "customer",
        "VXNlcjox",
    )
    assert event.reason == "too expensive"
    assert event.data["cancel_at"] == "2026-12-01"


def test_minimum_12_cycles_and_30_days_notice_cancelling_in_march_ends_after_the_twelfth_month():
    shop = sandbox(at(2026, 3, 1))
    version = plan(shop, minimum_cycles=12, cancel_notice_days=30)
    sub = active_since(version, date(2026, 1, 15), index=1)  # 15 February .. 15 March
    sub = cancel_subscription(sub, actor=CUSTOMER)
    assert sub.cancel_at == date(2027, 1, 15)
    assert last_event(sub).data["effective_by"] == "minimum term"


def test_minimum_12_cycles_and_30_days_notice_cancelling_on_20_december_ends_on_15_february():
    shop = sandbox(at(2026, 12, 20))
    version = plan(shop, minimum_cycles=12, cancel_notice_days=30)
    sub = active_since(version, date(2026, 1, 15), index=11)  # 15 December .. 15 January
    # 20 December + 30 days = 19 January, in the period 15 January .. 15 February, after the term.
    assert cancel_subscription(sub, actor=CUSTOMER).cancel_at == date(2027, 2, 15)


def test_cancelling_immediately_credits_the_unused_days_of_the_paid_period():
    shop = sandbox(at(2026, 11, 20))
    version = plan(shop, "39.00", cancel_effect="immediately", cancel_credit=True)
    sub = active_since(version, date(2026, 11, 1))
    period_invoice(sub)  # November's invoice charged 39.00
    sub = cancel_subscription(sub, actor=CUSTOMER)
    assert sub.status == "cancelled"
    assert sub.next_billing_at is None
    # 20 November .. 1 December: 11 of November's 30 days unused, 39.00 x 11 / 30 = 14.30.
    note = CreditNote.objects.get(subscription=sub)
    assert (note.number, note.amount, note.currency) == ("CN-000001", Decimal("14.30"), "EUR")
    entry = CreditLedgerEntry.objects.get(credit_note=note)
    assert (entry.amount, entry.kind, entry.customer_key) == (
        Decimal("14.30"),
        "credit_note",
        sub.customer_key,
    )
    assert credit_balance(shop, sub.customer_key, "EUR") == Decimal("14.30")
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status) == ("cancel_now", "active", "cancelled")
    assert event.data == {"credit": "14.30", "credit_note": "CN-000001"}


def test_cancelling_now_credits_at_most_what_the_period_cost_after_its_discount():
    """§7/§8: an immediate cancellation returns "the unused part" of what was paid. With a 50% code the
    renewal invoice charged 15.00 for November; cancelled on its first day, the credit is those 15.00, not
    the list price 30.00."""
    shop = sandbox(at(2026, 11, 1))
    version = plan(shop, "30.00", cancel_effect="immediately", cancel_credit=True)
    sub = active_since(version, date(2026, 11, 1))
    period_invoice(sub, percent_off="50")
    cancel_subscription(sub, actor=STAFF, effect="immediately", credit=True)
    note = CreditNote.objects.get(subscription=sub)
    assert note.amount == Decimal("15.00")


def test_the_credit_of_a_discounted_period_is_its_unused_days_of_what_was_paid():
    """39.00 a month at 50% off (19.50 paid), period 1 Dec - 1 Jan, cancelled on 16 Dec: 16 of 31 days of
    19.50 = 10.064... -> 10.06 (the list price would give 20.13)."""
    shop = sandbox(at(2026, 12, 16))
    sub = active_since(plan(shop, "39.00"), date(2026, 12, 1))
    period_invoice(sub, percent_off="50")
    cancel_subscription(sub, actor=STAFF, effect="immediately", credit=True)
    assert CreditNote.objects.get(subscription=sub).amount == Decimal("10.06")


def test_a_void_invoice_does_not_count_and_a_period_without_a_charged_invoice_credits_nothing():
    """§8: the credit is a share of what the period's invoice charged, never of the list price (which would
    give 39.00 x 16/31 = 20.13). Its only invoice voided, the period charged nothing: no credit note."""
    shop = sandbox(at(2026, 12, 16))
    sub = active_since(plan(shop, "39.00"), date(2026, 12, 1))
    period_invoice(sub, percent_off="50", status="void")
    sub = cancel_subscription(sub, actor=STAFF, effect="immediately", credit=True)
    assert sub.status == "cancelled"
    assert not CreditNote.objects.filter(subscription=sub).exists()
    assert last_event(sub).data == {"credit": "0.00", "credit_note": None}


def test_staff_ends_a_subscription_at_once_without_credit():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 1))
    sub = cancel_subscription(sub, actor=STAFF, actor_id="staff-7", effect="immediately", credit=False)
    assert sub.status == "cancelled"
    assert not CreditNote.objects.exists()
    assert events(sub)[-1] == ("cancel_now", "active", "cancelled", "staff")


def test_a_customer_cannot_cancel_immediately_on_a_plan_that_ends_with_the_period():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 1))
    assert _code(lambda: cancel_subscription(sub, actor=CUSTOMER, effect="immediately")) == (
        "immediate_cancel_not_allowed"
    )


def test_a_customer_cannot_cancel_where_the_plan_does_not_allow_it_but_staff_can():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop, customer_can_cancel=False), date(2026, 11, 1))
    assert _code(lambda: cancel_subscription(sub, actor=CUSTOMER)) == "customer_cannot_cancel"
    assert cancel_subscription(sub, actor=STAFF).cancel_at == date(2026, 12, 1)


def test_inside_the_minimum_term_an_immediate_plan_schedules_the_end_and_refuses_an_explicit_now():
    shop = sandbox(at(2026, 3, 1))
    version = plan(shop, cancel_effect="immediately", minimum_cycles=12)
    sub = active_since(version, date(2026, 1, 15), index=1)
    assert _code(lambda: cancel_subscription(sub, actor=CUSTOMER, effect="immediately")) == "minimum_term"
    sub = cancel_subscription(sub, actor=CUSTOMER)
    assert (sub.status, sub.cancel_at) == ("active", date(2027, 1, 15))


def test_an_immediate_plan_with_notice_refuses_an_explicit_now_to_the_customer():
    shop = sandbox(at(2026, 3, 1))
    sub = active_since(
        plan(shop, cancel_effect="immediately", cancel_notice_days=14), date(2026, 1, 15), index=1
    )
    assert _code(lambda: cancel_subscription(sub, actor=CUSTOMER, effect="immediately")) == "notice_period"


def test_an_unknown_effect_is_refused():
    shop = sandbox(at(2026, 3, 1))
    sub = active_since(plan(shop), date(2026, 1, 15), index=1)
    tomorrow: Any = "tomorrow"
    assert _code(lambda: cancel_subscription(sub, actor=STAFF, effect=tomorrow)) == "invalid_cancel_effect"


def test_a_pending_cancellation_cannot_be_asked_twice():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    cancel_subscription(sub, actor=CUSTOMER)
    assert _code(lambda: cancel_subscription(sub, actor=CUSTOMER)) == "already_cancelling"


def test_a_trial_cancelled_ends_with_the_trial():
    shop = sandbox(at(2026, 11, 20))
    version = plan(shop, trial_days=14, minimum_cycles=12)
    sub = active_since(
        version,
        date(2026, 11, 30),
        status="trialing",
        trial_start=date(2026, 11, 16),
        trial_end=date(2026, 11, 30),
    )
    sub.current_period_index, sub.current_period_start, sub.current_period_end = (
        -1,
        date(2026, 11, 16),
        date(2026, 11, 30),
    )
    sub.save()
    assert cancel_subscription(sub, actor=CUSTOMER).cancel_at == date(2026, 11, 30)


def test_an_incomplete_sign_up_cancelled_by_the_customer_ends_at_once():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 20), status="incomplete")
    assert cancel_subscription(sub, actor=CUSTOMER).status == "cancelled"
    assert not CreditNote.objects.exists()


def test_the_customer_undoes_a_pending_cancellation():
    shop = sandbox(at(2026, 11, 16))
    sub = cancel_subscription(active_since(plan(shop), date(2026, 11, 1)), actor=CUSTOMER)
    sub = undo_cancel(sub, actor=CUSTOMER, reason="changed my mind")
    assert (sub.cancel_at_period_end, sub.cancel_at, sub.status) == (False, None, "active")
    assert events(sub)[-1] == ("undo_cancel", "active", "active", "customer")
    assert last_event(sub).data == {"cancel_at": "2026-12-01"}


def test_undo_without_a_pending_cancellation_is_refused():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    assert _code(lambda: undo_cancel(sub, actor=CUSTOMER)) == "nothing_to_undo"


def test_undo_on_the_day_the_cancellation_takes_effect_is_too_late():
    shop = sandbox(at(2026, 11, 16))
    sub = cancel_subscription(active_since(plan(shop), date(2026, 11, 1)), actor=CUSTOMER)
    set_clock(shop, at(2026, 12, 1))
    assert _code(lambda: undo_cancel(sub, actor=CUSTOMER)) == "nothing_to_undo"


def test_a_pending_cancellation_takes_effect_on_its_date_and_not_before():
    shop = sandbox(at(2026, 11, 16))
    sub = cancel_subscription(active_since(plan(shop), date(2026, 11, 1)), actor=CUSTOMER)
    set_clock(shop, at(2026, 11, 30))
    assert _code(lambda: finish_cancellation(sub)) == "not_due"
    set_clock(shop, at(2026, 12, 1))
    sub = finish_cancellation(sub, actor=SYSTEM)
    assert (sub.status, sub.next_billing_at) == ("cancelled", None)
    assert events(sub)[-1] == ("finish_cancellation", "active", "cancelled", "system")


def test_without_a_pending_cancellation_nothing_is_finished():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    assert _code(lambda: finish_cancellation(sub)) == "no_pending_cancellation"


def test_a_cancelled_subscription_reactivated_in_the_window_starts_a_new_period_today():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 1), index=0)
    cancel_subscription(sub, actor=STAFF, effect="immediately", credit=False)
    set_clock(shop, at(2026, 12, 5))
    sub = reactivate_subscription(sub, actor=CUSTOMER)
    assert sub.status == "active"
    assert (sub.calendar_start, sub.current_period_start, sub.current_period_end) == (
        date(2026, 12, 5),
        date(2026, 12, 5),
        date(2027, 1, 5),
    )
    # The new calendar's first period gets the next period number, never one an invoice already has.
    assert (sub.current_period_index, sub.calendar_index_offset) == (1, 1)
    # Reactivation follows the payment of the new period: the next charge is at its end, 6:00 in Amsterdam.
    assert sub.next_billing_at == datetime(2027, 1, 5, 6, tzinfo=ZoneInfo("Europe/Amsterdam"))
    assert (sub.cancelled_at, sub.cancel_reason) == (None, "")
    assert events(sub)[-1] == ("reactivate", "cancelled", "active", "customer")


def test_reactivation_after_the_30_day_window_is_refused():
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 1))
    cancel_subscription(sub, actor=STAFF, effect="immediately", credit=False)
    set_clock(shop, at(2027, 1, 5))
    assert _code(lambda: reactivate_subscription(sub, actor=CUSTOMER)) == "reactivation_window_closed"
    assert _code(lambda: reactivate_subscription(sub, actor=STAFF)) == "reactivation_window_closed"


def test_an_expired_or_lapsed_subscription_is_never_reactivated():
    shop = sandbox(at(2026, 11, 20))
    expired = active_since(plan(shop), date(2026, 11, 1), status="expired")
    assert _code(lambda: reactivate_subscription(expired, actor=STAFF)) == "not_allowed_in_state"
    lapsed = active_since(
        plan(shop),
        date(2026, 11, 1),
        status="cancelled",
        cancel_reason="lapsed",
        cancelled_at=at(2026, 11, 19),
    )
    assert _code(lambda: reactivate_subscription(lapsed, actor=STAFF)) == "reactivation_window_closed"


def test_a_fixed_term_of_3_cycles_expires_at_the_end_of_the_third_period():
    shop = sandbox(at(2027, 1, 31))
    version = plan(shop, billing_cycles=3)
    sub = active_since(version, date(2026, 11, 1), index=2, cycles_billed=3)  # 1 January .. 1 February
    assert _code(lambda: expire_subscription(sub)) == "not_due"
    set_clock(shop, at(2027, 2, 1))
    assert _code(lambda: expire_subscription(sub, actor=CUSTOMER)) == "actor_not_allowed"
    sub = expire_subscription(sub, actor=APP)
    assert (sub.status, sub.next_billing_at) == ("expired", None)
    assert events(sub)[-1] == ("expire", "active", "expired", "app")


def test_a_subscription_without_a_fixed_term_or_with_cycles_left_does_not_expire():
    shop = sandbox(at(2027, 2, 1))
    open_ended = active_since(plan(shop), date(2026, 11, 1), index=2, cycles_billed=3)
    assert _code(lambda: expire_subscription(open_ended)) == "not_due"
    cycles_left = active_since(plan(shop, billing_cycles=6), date(2026, 11, 1), index=2, cycles_billed=3)
    assert _code(lambda: expire_subscription(cycles_left)) == "not_due"
    assert reload(cycles_left).status == "active"


def test_a_fixed_term_that_runs_out_during_a_pause_expires_but_not_while_payment_is_owed():
    """§5: the term was paid in full, so a pause does not keep it alive; past_due and suspended wait for
    dunning (settle, then expire, or cancel for nonpayment)."""
    shop = sandbox(at(2027, 2, 1))
    version = plan(shop, billing_cycles=3)
    paused = active_since(version, date(2026, 11, 1), index=2, cycles_billed=3, status="paused")
    sub = expire_subscription(paused, actor=SYSTEM)
    assert (sub.status, sub.next_billing_at) == ("expired", None)
    assert events(sub)[-1] == ("expire", "paused", "expired", "system")
    for state in ("past_due", "suspended"):
        owing = active_since(version, date(2026, 11, 1), index=2, cycles_billed=3, status=state)
        assert _code(lambda owing=owing: expire_subscription(owing)) == "not_allowed_in_state"


def test_a_suspended_customer_can_still_cancel_at_the_period_end():
    """§5/§7: a customer must always be able to stop, also while on hold for nonpayment."""
    shop = sandbox(at(2026, 11, 20))
    sub = active_since(plan(shop), date(2026, 11, 1), status="suspended")
    sub = cancel_subscription(sub, actor=CUSTOMER)
    assert (sub.status, sub.cancel_at_period_end, sub.cancel_at) == ("suspended", True, date(2026, 12, 1))
    assert events(sub)[-1] == ("cancel_at_period_end", "suspended", "suspended", "customer")
