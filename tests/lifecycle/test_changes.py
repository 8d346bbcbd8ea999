"""Switching plan and changing the quantity (§7, §8): upgrades now, pro rata; downgrades at the period end."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.lifecycle import (
    cancel_subscription,
    change_quantity,
    preview_switch,
    switch_plan,
)
from saleor_subscriptions.subscriptions.calendar import current_period
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import (
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
)

pytestmark = pytest.mark.django_db


def _code(call) -> str:
    with pytest.raises(LifecycleError) as error:
        call()
    return error.value.code


@pytest.fixture
def shop():
    # 16 November: 15 of November's 30 days are left (16 .. 30 November).
    return sandbox(at(2026, 11, 16))


@pytest.fixture
def basic(shop):
    return plan(shop, "30.00", name="Basic")


@pytest.fixture
def pro(shop):
    return plan(shop, "60.00", name="Pro")


def test_an_upgrade_mid_period_opens_a_change_invoice_of_the_pro_rata_difference(shop, basic, pro):
    sub = active_since(basic, date(2026, 11, 1))
    period_invoice(sub)  # the period was paid at the list price
    sub = switch_plan(sub, pro, actor=CUSTOMER, actor_id="VXNlcjox")
    assert sub.plan_version_id == pro.pk
    assert sub.pending_plan_version_id is None
    invoice = Invoice.objects.get(subscription=sub, billing_reason="change")
    assert (invoice.billing_reason, invoice.status, invoice.number) == ("change", "open", "INV-000001")
    # (60.00 - 30.00) x 15 / 30 = 15.00
    assert (invoice.total, invoice.amount_due) == (Decimal("15.00"), Decimal("15.00"))
    assert sum(line.amount for line in invoice.lines.all()) == Decimal("15.00")
    assert (invoice.period_start, invoice.period_end) == (date(2026, 11, 16), date(2026, 12, 1))
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status, event.actor_type) == (
        "switch_plan",
        "active",
        "active",
        "customer",
    )
    assert event.data["direction"] == "upgrade"
    assert event.data["amount_due_now"] == "15.00"
    assert event.data["invoice"] == "INV-000001"


def test_the_preview_shows_the_same_lines_and_changes_nothing(shop, basic, pro):
    sub = active_since(basic, date(2026, 11, 1))
    paid = period_invoice(sub)  # the period was paid at the list price
    preview = preview_switch(sub, pro)
    assert (preview.direction, preview.timing, preview.effective_on) == ("upgrade", "now", date(2026, 11, 16))
    assert preview.amount_due_now == Decimal("15.00")
    assert preview.credit_now == Decimal(0)
    assert [(line.kind, line.amount, line.period_start, line.period_end) for line in preview.lines] == [
        ("proration", Decimal("15.00"), date(2026, 11, 16), date(2026, 12, 1)),
    ]
    # The first full period on the new plan: 1 December .. 1 January at 60.00.
    assert [(line.kind, line.amount, line.period_start) for line in preview.next_period_lines] == [
        ("plan", Decimal("60.00"), date(2026, 12, 1)),
    ]
    assert preview.next_period_total == Decimal("60.00")
    assert list(Invoice.objects.all()) == [paid]
    assert events(sub) == []


def test_a_downgrade_takes_effect_at_the_period_end_by_default(shop, basic, pro):
    sub = active_since(pro, date(2026, 11, 1))
    sub = switch_plan(sub, basic, actor=CUSTOMER)
    assert (sub.plan_version_id, sub.pending_plan_version_id) == (pro.pk, basic.pk)
    assert not Invoice.objects.exists() and not CreditNote.objects.exists()
    assert last_event(sub).data["effective_on"] == "2026-12-01"


def test_a_downgrade_now_credits_the_unused_difference(shop, basic, pro):
    sub = active_since(pro, date(2026, 11, 1))
    period_invoice(sub)  # the period was paid at the list price
    sub = switch_plan(sub, basic, actor=STAFF, timing="now")
    assert sub.plan_version_id == basic.pk
    note = CreditNote.objects.get(subscription=sub)
    assert (note.number, note.amount) == ("CN-000001", Decimal("15.00"))
    assert credit_balance(shop, sub.customer_key, "EUR") == Decimal("15.00")


def test_an_upgrade_of_a_discounted_period_charges_the_new_price_less_the_unused_part_paid(shop, basic, pro):
    """§7: Basic at 50% off cost 15.00 for November; on 16 November (15 of 30 days left) Pro costs 30.00 for
    the rest, of which the unused 7.50 paid for Basic is already paid: 22.50 now."""
    sub = active_since(basic, date(2026, 11, 1))
    period_invoice(sub, percent_off="50")
    preview = preview_switch(sub, pro)
    assert (preview.direction, preview.amount_due_now) == ("upgrade", Decimal("22.50"))
    sub = switch_plan(sub, pro, actor=CUSTOMER)
    change = Invoice.objects.get(subscription=sub, billing_reason="change")
    assert change.total == Decimal("22.50")
    assert "7.50 unused of what was paid" in change.lines.get().reason


def test_cancelling_after_an_upgrade_credits_what_both_invoices_left_unused(shop, basic, pro):
    """§8: the period invoice (15.00 for Basic at 50% off) and the change invoice (22.50 from 16 November)
    leave 7.50 + 22.50 unused on the day of the switch: 30.00, Pro's price for the rest of the period."""
    sub = active_since(basic, date(2026, 11, 1))
    period_invoice(sub, percent_off="50")
    sub = switch_plan(sub, pro, actor=CUSTOMER)
    cancel_subscription(sub, actor=STAFF, effect="immediately", credit=True)
    assert CreditNote.objects.get(subscription=sub).amount == Decimal("30.00")


def test_a_downgrade_now_credits_at_most_the_unused_part_of_what_was_paid(shop, basic, pro):
    """§7/§8: Pro at 25% off cost 45.00; on 16 November 22.50 of it is unused and Basic costs 15.00 for the
    rest: 7.50 is credited, not the list difference 15.00."""
    sub = active_since(pro, date(2026, 11, 1))
    period_invoice(sub, percent_off="25")
    switch_plan(sub, basic, actor=STAFF, timing="now")
    assert CreditNote.objects.get(subscription=sub).amount == Decimal("7.50")


def test_a_downgrade_now_of_a_period_paid_below_the_new_price_credits_and_charges_nothing(shop, basic, pro):
    """Pro at 50% off cost 30.00: the unused 15.00 equals Basic's price for the rest, so nothing moves."""
    sub = active_since(pro, date(2026, 11, 1))
    period_invoice(sub, percent_off="50")
    preview = preview_switch(sub, basic, timing="now")
    assert (preview.direction, preview.lines, preview.amount_due_now, preview.credit_now) == (
        "downgrade",
        (),
        Decimal(0),
        Decimal(0),
    )
    sub = switch_plan(sub, basic, actor=STAFF, timing="now")
    assert sub.plan_version_id == basic.pk
    assert not CreditNote.objects.exists()
    assert not Invoice.objects.filter(billing_reason="change").exists()


def test_an_upgrade_may_wait_for_the_period_end(shop, basic, pro):
    sub = switch_plan(active_since(basic, date(2026, 11, 1)), pro, actor=CUSTOMER, timing="period_end")
    assert sub.pending_plan_version_id == pro.pk
    assert not Invoice.objects.exists()


def test_a_switch_to_another_interval_starts_at_the_period_end(shop, basic):
    yearly = plan(shop, "300.00", interval="year")
    sub = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: switch_plan(sub, yearly, actor=CUSTOMER, timing="now")) == "invalid_timing"
    assert switch_plan(sub, yearly, actor=CUSTOMER).pending_plan_version_id == yearly.pk


@pytest.mark.parametrize(
    "anchor",
    [
        {"anchor_mode": "day_of_month", "anchor_day": 1},
        {"anchor_mode": "day_of_month", "anchor_day": 10},
        {"short_month_rule": "first_of_next_month"},
    ],
    ids=["day-1", "day-10", "first_of_next_month"],
)
def test_a_switch_to_another_anchor_starts_at_the_period_end(shop, anchor):
    """§2/§7: a version with another anchor reads `calendar_start` differently, so switching to it now would
    leave the paid period (10 Nov - 10 Dec) out of step with the calendar: like another interval, it waits
    for the period end, where a new calendar starts."""
    basic = plan(shop, "30.00", name="Basic", anchor_mode="day_of_month", anchor_day=10)
    if anchor.get("anchor_day") == 10:
        basic = plan(shop, "30.00", name="Basic")
    pro = plan(shop, "60.00", name="Pro", **anchor)
    sub = active_since(basic, date(2026, 11, 10))
    assert _code(lambda: switch_plan(sub, pro, actor=CUSTOMER, timing="now")) == "invalid_timing"
    preview = preview_switch(sub, pro)
    assert (preview.timing, preview.effective_on, preview.lines) == ("period_end", date(2026, 12, 10), ())
    sub = reload(switch_plan(sub, pro, actor=CUSTOMER))
    assert (sub.plan_version_id, sub.pending_plan_version_id) == (basic.pk, pro.pk)
    period = current_period(sub)
    assert (period.start, period.end) == (sub.current_period_start, sub.current_period_end)
    assert not Invoice.objects.exists()


def test_switching_now_to_a_plan_with_another_anchor_keeps_the_paid_period_consistent(shop):
    """§2/§7 (review finding 2): an upgrade asked for with the default timing to a day-1 plan waits for the
    period end, so the calendar still says 10 Nov - 10 Dec, as the row does."""
    basic = plan(shop, "30.00", name="Basic")
    pro = plan(shop, "60.00", name="Pro", anchor_mode="day_of_month", anchor_day=1)
    sub = active_since(basic, date(2026, 11, 10))
    sub = reload(switch_plan(sub, pro, actor=CUSTOMER))
    period = current_period(sub)
    assert (period.start, period.end) == (sub.current_period_start, sub.current_period_end)
    assert (period.start, period.end) == (date(2026, 11, 10), date(2026, 12, 10))
    # The first period on Pro starts the new calendar at 10 December and runs pro rata to 1 January.
    first = preview_switch(sub, pro, timing="period_end").next_period_lines[0]
    assert (first.kind, first.period_start, first.period_end) == (
        "proration",
        date(2026, 12, 10),
        date(2027, 1, 1),
    )


def test_a_weekly_plan_ignores_the_anchor_it_cannot_use(shop):
    """Weekly plans always renew on the purchase weekday: another short-month rule is the same calendar."""
    weekly = plan(shop, "10.00", name="Weekly", interval="week")
    weekly_pro = plan(
        shop, "20.00", name="Weekly Pro", interval="week", short_month_rule="first_of_next_month"
    )
    sub = active_since(weekly, date(2026, 11, 12))
    assert preview_switch(sub, weekly_pro).timing == "now"


def test_in_a_trial_a_switch_applies_at_once_and_costs_nothing(shop, basic, pro):
    sub = active_since(
        basic,
        date(2026, 11, 30),
        status="trialing",
        trial_start=date(2026, 11, 16),
        trial_end=date(2026, 11, 30),
    )
    sub.current_period_index = -1
    sub.current_period_start, sub.current_period_end = date(2026, 11, 16), date(2026, 11, 30)
    sub.save()
    sub = switch_plan(sub, pro, actor=CUSTOMER)
    assert sub.plan_version_id == pro.pk
    assert not Invoice.objects.exists()


def test_switching_to_the_same_version_is_refused(shop, basic):
    sub = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: switch_plan(sub, basic, actor=CUSTOMER)) == "same_plan_version"


def test_switching_to_a_plan_of_another_shop_is_refused(shop, basic):
    other = sandbox(at(2026, 11, 16), "https://other.example.com/graphql/")
    sub = active_since(basic, date(2026, 11, 1))
    assert (
        _code(lambda: switch_plan(sub, plan(other, "60.00"), actor=CUSTOMER))
        == "plan_of_another_installation"
    )


def test_switching_to_a_plan_in_another_currency_is_refused(shop, basic):
    sub = active_since(basic, date(2026, 11, 1))
    dollars = plan(shop, "60.00", currency="USD")
    assert _code(lambda: switch_plan(sub, dollars, actor=CUSTOMER)) == "currency_mismatch"


def test_switching_to_an_archived_plan_is_refused(shop, basic, pro):
    Plan.objects.filter(pk=pro.plan_id).update(status="archived")
    pro.plan.refresh_from_db()
    sub = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: switch_plan(sub, pro, actor=CUSTOMER)) == "plan_archived"


def test_a_past_due_subscription_cannot_switch_and_the_scheduler_never_switches(shop, basic, pro):
    past_due = active_since(basic, date(2026, 11, 1), status="past_due")
    assert _code(lambda: switch_plan(past_due, pro, actor=CUSTOMER)) == "not_allowed_in_state"
    active = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: switch_plan(active, pro, actor=SYSTEM)) == "actor_not_allowed"


def test_more_seats_are_charged_pro_rata_now(shop, basic):
    sub = active_since(basic, date(2026, 11, 1), quantity=1)
    sub = change_quantity(sub, 3, actor=CUSTOMER)
    assert (sub.quantity, sub.pending_quantity) == (3, None)
    invoice = Invoice.objects.get(subscription=sub, billing_reason="change")
    # (3 - 1) x 30.00 x 15 / 30 = 30.00
    assert (invoice.status, invoice.total) == ("open", Decimal("30.00"))
    event = last_event(sub)
    assert (event.kind, event.from_status, event.to_status) == ("change_quantity", "active", "active")
    assert (event.data["from_quantity"], event.data["to_quantity"]) == (1, 3)


def test_fewer_seats_take_effect_at_the_period_end(shop, basic):
    sub = active_since(basic, date(2026, 11, 1), quantity=3)
    sub = change_quantity(sub, 2, actor=CUSTOMER)
    assert (sub.quantity, sub.pending_quantity) == (3, 2)
    assert not Invoice.objects.exists() and not CreditNote.objects.exists()
    # Asking for the current quantity again withdraws the pending decrease.
    sub = change_quantity(sub, 3, actor=CUSTOMER)
    assert (sub.quantity, sub.pending_quantity) == (3, None)


@pytest.mark.parametrize("quantity", [0, -1])
def test_a_quantity_below_1_is_refused(shop, basic, quantity):
    sub = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: change_quantity(sub, quantity, actor=CUSTOMER)) == "invalid_quantity"


def test_the_same_quantity_without_a_pending_change_is_refused(shop, basic):
    sub = active_since(basic, date(2026, 11, 1), quantity=2)
    assert _code(lambda: change_quantity(sub, 2, actor=CUSTOMER)) == "same_quantity"


def _code_of(shop, code: str, **fields) -> DiscountCode:
    fields.setdefault("kind", "percentage")
    fields.setdefault("percent", Decimal(50))
    return DiscountCode.objects.create(installation=shop, code=code, **fields)


def test_a_forever_code_given_with_an_upgrade_discounts_the_proration_and_the_next_periods(shop, basic, pro):
    _code_of(shop, "HALF", duration="forever")
    sub = active_since(basic, date(2026, 11, 1))
    period_invoice(sub)
    preview = preview_switch(sub, pro, discount_code="half")
    assert [(line.kind, line.amount) for line in preview.lines] == [
        ("proration", Decimal("15.00")),
        ("discount", Decimal("-7.50")),
    ]
    assert preview.amount_due_now == Decimal("7.50")
    assert preview.next_period_total == Decimal("30.00")
    sub = switch_plan(sub, pro, actor=CUSTOMER, discount_code="half")
    assert Invoice.objects.get(subscription=sub, billing_reason="change").total == Decimal("7.50")
    assert DiscountRedemption.objects.get(subscription=sub).code.code == "HALF"
    assert last_event(sub).data["discount_code"] == "HALF"


def test_a_once_code_is_spent_on_the_invoice_made_now(shop, basic, pro):
    _code_of(shop, "ONCE50", duration="once")
    sub = active_since(basic, date(2026, 11, 1))
    period_invoice(sub)
    preview = preview_switch(sub, pro, discount_code="ONCE50")
    assert preview.amount_due_now == Decimal("7.50")
    assert preview.next_period_total == Decimal("60.00")


@pytest.mark.parametrize(
    ("code", "fields"),
    [
        ("NOPE", None),
        ("OFF", {"active": False}),
        ("OLD", {"valid_until": at(2026, 11, 1)}),
        ("USD5", {"kind": "fixed", "percent": None, "amount_off": Decimal(5), "currency": "USD"}),
        ("USEDUP", {"max_redemptions": 0}),
    ],
)
def test_an_unusable_discount_code_is_refused_and_nothing_changes(shop, basic, pro, code, fields):
    if fields is not None:
        _code_of(shop, code, **fields)
    sub = active_since(basic, date(2026, 11, 1))
    assert _code(lambda: switch_plan(sub, pro, actor=CUSTOMER, discount_code=code)) == "discount_code_invalid"
    assert not Invoice.objects.exists()
    assert events(sub) == []
