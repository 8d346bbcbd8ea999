"""Staff move a subscription's next billing date through /graphql/ (MANAGE_ORDERS; BILLING_RULES §2, §7, §8):
the preview shows the bridge and changes nothing; the change charges or credits it and writes its event
naming the staff user; refusals name their argument and change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import snapshot, staff_events, staff_token, staff_user_id, sub_id, subscription

pytestmark = pytest.mark.django_db

MOVE = """
mutation Move($id: ID!, $date: Date!, $preview: Boolean, $reason: String) {
  staffSubscriptionNextBillingDateChange(
    id: $id, nextBillingDate: $date, preview: $preview, reason: $reason
  ) {
    subscription { status }
    change {
      fromDate toDate direction currency amountDueNow creditNow nextPeriodStart nextPeriodEnd
      lines { kind description amount }
    }
    changeInvoice creditNote
    errors { field code message }
  }
}
"""


def _paid(shop):
    # The factory's period: 16 November .. 16 December 2026, 30.00 paid on its renewal invoice.
    sub = subscription(shop)
    invoice = Invoice.objects.create(
        installation=sub.installation,
        subscription=sub,
        billing_reason="renewal",
        number="INV-1",
        status="paid",
        currency="EUR",
        period_index=0,
        period_start=sub.current_period_start,
        period_end=sub.current_period_end,
        subtotal="30.00",
        total="30.00",
        amount_paid="30.00",
        due_at=sub.started_at,
    )
    InvoiceLine.objects.create(
        installation=sub.installation,
        invoice=invoice,
        position=1,
        kind="plan",
        description="Monthly plan",
        quantity=1,
        unit_amount="30.00",
        amount="30.00",
        period_start=invoice.period_start,
        period_end=invoice.period_end,
    )
    return sub


def test_staff_preview_a_later_date_and_nothing_changes(api, shop):
    sub = _paid(shop)
    before = snapshot(sub)
    asked = {"id": sub_id(sub), "date": "2026-12-31", "preview": True}
    answer = api.data(MOVE, asked, token=staff_token(shop))
    assert answer["errors"] == []
    # 16 .. 31 December: 15 of the 31 days of the full period ending on the new date, 30 November .. 31
    # December: 30.00 x 15/31 = 14.516… = 14.52.
    assert answer["change"] == {
        "fromDate": "2026-12-16",
        "toDate": "2026-12-31",
        "direction": "LATER",
        "currency": "EUR",
        "amountDueNow": "14.52",
        "creditNow": "0.00",
        "nextPeriodStart": "2026-12-31",
        "nextPeriodEnd": "2027-01-31",
        "lines": [
            {
                "kind": "PRORATION",
                "description": "Monthly plan, 16 Dec 2026 – 31 Dec 2026 (15 of 31 days)",
                "amount": "14.52",
            }
        ],
    }
    assert snapshot(sub) == before


def test_staff_move_the_date_earlier_and_the_paid_days_come_back_as_credit(api, shop):
    sub = _paid(shop)
    asked = {"id": sub_id(sub), "date": "2026-12-06", "reason": "payday"}
    answer = api.data(MOVE, asked, token=staff_token(shop))
    assert answer["errors"] == []
    note = CreditNote.objects.get(subscription=sub)
    # 6 .. 16 December: 10 of the 30 paid days of 30.00.
    assert (answer["creditNote"], answer["changeInvoice"]) == (note.number, None)
    assert note.amount == Decimal("10.00")
    assert Subscription.objects.get(pk=sub.pk).current_period_end == date(2026, 12, 6)
    assert staff_events(sub) == [("change_billing_date", "staff", staff_user_id(shop), "payday")]


def test_staff_move_the_date_later_opens_the_bridge_invoice(api, shop):
    sub = _paid(shop)
    answer = api.data(MOVE, {"id": sub_id(sub), "date": "2026-12-31"}, token=staff_token(shop))
    invoice = Invoice.objects.get(subscription=sub, billing_reason="change")
    assert (answer["errors"], answer["changeInvoice"], answer["change"]) == ([], invoice.number, None)
    assert invoice.total == Decimal("14.52")


@pytest.mark.parametrize(
    ("day", "code"),
    [
        ("2026-11-16", "BILLING_DATE_NOT_IN_FUTURE"),
        ("2026-12-16", "SAME_BILLING_DATE"),
        ("2027-01-17", "BILLING_DATE_TOO_FAR"),
    ],
)
def test_refused_dates_name_the_argument_and_change_nothing(api, shop, day, code):
    sub = _paid(shop)
    before = snapshot(sub)
    for preview in (True, False):
        asked = {"id": sub_id(sub), "date": day, "preview": preview}
        answer = api.data(MOVE, asked, token=staff_token(shop))
        assert answer["subscription"] is None
        [error] = answer["errors"]
        assert (error["field"], error["code"]) == ("nextBillingDate", code)
    assert snapshot(sub) == before


def test_a_fixed_term_is_refused_without_a_field(api, shop):
    from tests.api.staff_support import version

    sub = subscription(shop, version(shop, billing_cycles=6))
    answer = api.data(MOVE, {"id": sub_id(sub), "date": "2026-12-20"}, token=staff_token(shop))
    [error] = answer["errors"]
    assert (error["field"], error["code"]) == (None, "FIXED_TERM")
