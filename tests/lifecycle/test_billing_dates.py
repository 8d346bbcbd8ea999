"""Staff move the next billing date (BILLING_RULES §2, §7, §8): the schedule counts from the new date, the
bridging days are charged pro rata (a later date) or credited from what was paid (an earlier date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.lifecycle import (
    cancel_subscription,
    change_billing_date,
    change_quantity,
    preview_billing_date_change,
)
from saleor_subscriptions.renewals.batch import invoice_batch
from saleor_subscriptions.subscriptions.calendar import current_period, due_at
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import (
    CUSTOMER,
    STAFF,
    active_since,
    at,
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
    return error.value.code.value


@pytest.fixture
def shop():
    return sandbox(at(2026, 11, 16))  # in the period 1 November .. 1 December


@pytest.fixture
def monthly(shop):
    return plan(shop, "30.00", name="Basic")


@pytest.fixture
def paid(monthly):
    sub = active_since(monthly, date(2026, 11, 1))
    period_invoice(sub)  # 30.00 paid for 1 November .. 1 December
    return sub


def test_a_later_date_charges_the_bridge_pro_rata_against_the_period_ending_on_it(shop, paid):
    sub = change_billing_date(paid, date(2026, 12, 15), actor=STAFF, actor_id="VXNlcjo5", reason="asked")
    # 1 .. 15 December: 14 days of the full period 15 November .. 15 December (30 days): 30.00 x 14/30.
    invoice = Invoice.objects.get(subscription=sub, billing_reason="change")
    assert (invoice.status, invoice.total, invoice.amount_due) == ("open", Decimal("14.00"), Decimal("14.00"))
    assert (invoice.period_start, invoice.period_end) == (date(2026, 12, 1), date(2026, 12, 15))
    line = invoice.lines.get()
    assert line.reason == "30.00 × 1 × 14/30 days"
    sub = reload(sub)
    assert (sub.current_period_start, sub.current_period_end) == (date(2026, 11, 1), date(2026, 12, 15))
    assert sub.next_billing_at == due_at(sub, date(2026, 12, 15))
    assert (sub.calendar_start, sub.calendar_index_offset) == (date(2026, 12, 15), 1)
    event = last_event(sub)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "change_billing_date",
        "staff",
        "VXNlcjo5",
        "asked",
    )
    assert event.data == {
        "from_date": "2026-12-01",
        "to_date": "2026-12-15",
        "direction": "later",
        "bridge_days": 14,
        "amount_due_now": "14.00",
        "invoice": invoice.number,
    }


def test_the_bridge_counts_the_quantity(shop, monthly):
    sub = active_since(monthly, date(2026, 11, 1), quantity=3)
    period_invoice(sub)
    preview = preview_billing_date_change(sub, date(2026, 12, 11))
    # 1 .. 11 December: 10 of the 30 days of 11 November .. 11 December: 30.00 x 3 x 10/30 = 30.00.
    figures = (preview.direction, preview.amount_due_now, preview.credit_now)
    assert figures == ("later", Decimal("30.00"), Decimal(0))


def test_an_earlier_date_credits_the_paid_days_it_gives_back(shop, paid):
    sub = change_billing_date(paid, date(2026, 11, 26), actor=STAFF, actor_id="VXNlcjo5")
    # 26 November .. 1 December: 5 of the 30 paid days of 30.00.
    note = CreditNote.objects.get(subscription=sub)
    assert note.amount == Decimal("5.00")
    assert credit_balance(shop, sub.customer_key, "EUR") == Decimal("5.00")
    assert not Invoice.objects.filter(subscription=sub, billing_reason="change").exists()
    sub = reload(sub)
    assert sub.current_period_end == date(2026, 11, 26)
    assert sub.next_billing_at == due_at(sub, date(2026, 11, 26))
    assert last_event(sub).data["credit_now"] == "5.00"


def test_an_earlier_date_credits_what_was_charged_not_the_list_price(shop, monthly):
    sub = active_since(monthly, date(2026, 11, 1))
    period_invoice(sub, percent_off="20")  # 24.00 paid
    preview = preview_billing_date_change(sub, date(2026, 11, 26))
    figures = (preview.direction, preview.credit_now, preview.amount_due_now)
    assert figures == ("earlier", Decimal("4.00"), Decimal(0))
    assert [line.reason for line in preview.lines] == [
        "4.00 unused of what was paid for 1 Nov 2026 – 1 Dec 2026 (5 days)"
    ]


def test_days_credited_by_an_earlier_date_are_not_credited_again_by_a_cancellation(shop, paid):
    change_billing_date(paid, date(2026, 11, 26), actor=STAFF)
    set_clock(shop, at(2026, 11, 20))
    sub = cancel_subscription(paid, actor=STAFF, effect="immediately", credit=True)
    # 20 .. 26 November: 6 of the 30 paid days; 26 November .. 1 December came back already.
    assert [n.amount for n in CreditNote.objects.filter(subscription=sub).order_by("pk")] == [
        Decimal("5.00"),
        Decimal("6.00"),
    ]


def test_a_seat_added_in_a_shortened_period_is_charged_to_the_new_date(shop, paid):
    change_billing_date(paid, date(2026, 11, 26), actor=STAFF)
    sub = change_quantity(paid, 2, actor=STAFF)
    # 16 .. 26 November: 10 days of the period's 30: (60.00 - 30.00) x 10/30.
    assert current_period(sub).end == date(2026, 11, 26)
    assert Invoice.objects.get(subscription=sub, billing_reason="change").total == Decimal("10.00")


def test_the_renewals_bill_the_new_schedule_exactly_once(shop, paid):
    change_billing_date(paid, date(2026, 12, 15), actor=STAFF)
    Invoice.objects.filter(subscription=paid, billing_reason="change").update(status="paid")
    assert invoice_batch(at(2026, 12, 2), 50, shop.pk).invoices == []  # the old date bills nothing
    made = invoice_batch(at(2026, 12, 15), 50, shop.pk).invoices
    assert [(i.period_index, i.period_start, i.period_end, i.total) for i in made] == [
        (1, date(2026, 12, 15), date(2027, 1, 15), Decimal("30.00"))
    ]
    assert invoice_batch(at(2026, 12, 16), 50, shop.pk).invoices == []
    made = invoice_batch(at(2027, 1, 15), 50, shop.pk).invoices
    assert [(i.period_index, i.period_start, i.period_end) for i in made] == [
        (2, date(2027, 1, 15), date(2027, 2, 15))
    ]


def test_a_preview_changes_nothing(shop, paid):
    before = reload(paid)
    preview = preview_billing_date_change(paid, date(2026, 12, 15))
    assert (preview.amount_due_now, preview.next_period.start, preview.next_period.end) == (
        Decimal("14.00"),
        date(2026, 12, 15),
        date(2027, 1, 15),
    )
    after = reload(paid)
    assert after.current_period_end == before.current_period_end
    assert after.next_billing_at == before.next_billing_at
    assert not Invoice.objects.filter(billing_reason="change").exists()


@pytest.mark.parametrize(
    ("new_date", "code"),
    [
        (date(2026, 11, 16), "billing_date_not_in_future"),
        (date(2026, 11, 10), "billing_date_not_in_future"),
        (date(2026, 12, 1), "same_billing_date"),
        (date(2027, 1, 2), "billing_date_too_far"),
    ],
)
def test_dates_that_cannot_be_the_next_billing_date_are_refused(shop, paid, new_date, code):
    assert _code(lambda: change_billing_date(paid, new_date, actor=STAFF)) == code
    assert reload(paid).current_period_end == date(2026, 12, 1)


def test_one_interval_later_is_the_latest_date_and_costs_a_full_period(shop, paid):
    preview = preview_billing_date_change(paid, date(2027, 1, 1))
    assert preview.amount_due_now == Decimal("30.00")


def test_refusals_of_the_subscription(shop, monthly, paid):
    fixed = active_since(plan(shop, "30.00", billing_cycles=12), date(2026, 11, 1))
    assert _code(lambda: change_billing_date(fixed, date(2026, 12, 5), actor=STAFF)) == "fixed_term"
    minimum = active_since(plan(shop, "30.00", minimum_cycles=6), date(2026, 11, 1))
    assert _code(lambda: change_billing_date(minimum, date(2026, 12, 5), actor=STAFF)) == "minimum_term"
    anchored = active_since(plan(shop, "30.00", anchor_mode="day_of_month", anchor_day=1), date(2026, 11, 1))
    off_anchor = _code(lambda: change_billing_date(anchored, date(2026, 12, 5), actor=STAFF))
    assert off_anchor == "billing_date_off_anchor"
    assert change_billing_date(anchored, date(2027, 1, 1), actor=STAFF).current_period_end == date(2027, 1, 1)
    paused = active_since(monthly, date(2026, 11, 1), status="paused")
    in_pause = _code(lambda: change_billing_date(paused, date(2026, 12, 5), actor=STAFF))
    assert in_pause == "not_allowed_in_state"
    ended = active_since(monthly, date(2026, 11, 1), status="cancelled")
    assert _code(lambda: change_billing_date(ended, date(2026, 12, 5), actor=STAFF)) == in_pause
    assert _code(lambda: change_billing_date(paid, date(2026, 12, 5), actor=CUSTOMER)) == "actor_not_allowed"


def test_a_pending_cancellation_and_an_open_invoice_are_dealt_with_first(shop, monthly):
    cancelling = active_since(
        monthly, date(2026, 11, 1), cancel_at_period_end=True, cancel_at=date(2026, 12, 1)
    )
    pending = _code(lambda: change_billing_date(cancelling, date(2026, 12, 5), actor=STAFF))
    assert pending == "cancellation_pending"
    unpaid = active_since(monthly, date(2026, 11, 1))
    period_invoice(unpaid, status="open")
    assert _code(lambda: change_billing_date(unpaid, date(2026, 12, 5), actor=STAFF)) == "open_invoice"


def test_a_renewal_invoiced_ahead_is_not_billed_twice(shop):
    # Invoiced 5 days ahead: on 28 November the subscription is already in its period from 1 December.
    ahead = plan(shop, "30.00", invoice_lead_days=5)
    sub = active_since(ahead, date(2026, 11, 1), index=1)
    period_invoice(sub)
    set_clock(shop, at(2026, 11, 28))
    ahead_code = _code(lambda: change_billing_date(sub, date(2027, 1, 10), actor=STAFF))
    assert ahead_code == "renewal_already_invoiced"
    set_clock(shop, at(2026, 12, 2))
    assert change_billing_date(sub, date(2027, 1, 10), actor=STAFF).current_period_end == date(2027, 1, 10)
    assert reload(sub).next_billing_at == due_at(sub, date(2027, 1, 5))
