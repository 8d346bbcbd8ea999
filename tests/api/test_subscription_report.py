"""`subscriptionReport`: each figure of docs/reports.md's worked example, computed by hand from a history of
four subscriptions (January to April 2027, EUR), asked through the API by staff with MANAGE_ORDERS."""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.conftest import ApiShop
from tests.factories import make_plan_version
from tests.reports.history import History

pytestmark = pytest.mark.django_db

REPORT = """
query Report($channel: String, $currency: String, $from: Date!, $to: Date!, $granularity: ReportGranularity) {
  subscriptionReport(channel: $channel, currency: $currency, from: $from, to: $to, granularity: $granularity) {
    report {
      currency channel from to granularity timeZone
      buckets { start end openingMrr mrr arr activeSubscriptions openingActiveSubscriptions
                newSubscriptions reactivatedSubscriptions
                movements { new expansion contraction churn churnVoluntary churnNonpayment reactivation net }
                churnedSubscriptions { voluntary nonpayment rate }
                trials { trialing started ended converted conversionRate }
                paymentRecovery { failedInvoices recoveredInvoices rate failedAmount recoveredAmount }
                events { kind count } }
      upcomingRevenue { days openInvoices renewals total }
      revenueByPlan { planName invoices amount }
      revenueByProduct { productId invoices amount }
    }
    errors { field code message }
  }
}
"""


def d(month: int, day: int) -> date:
    return date(2027, month, day)


def worked_example(shop: ApiShop) -> None:
    """docs/reports.md "Worked example"."""
    installation = shop.installation
    monthly = make_plan_version(installation, name="Monthly", interval="month", price=Decimal("30.00"))
    yearly = make_plan_version(installation, name="Yearly", interval="year", price=Decimal("390.00"))
    trial = make_plan_version(installation, name="Trial monthly", interval="month", price=Decimal("30.00"))
    weekly = make_plan_version(installation, name="Weekly", interval="week", price=Decimal("10.00"))

    seats = History.start(monthly, d(1, 5), quantity=2, email="one@example.com")
    seats.event(d(1, 5), "activate", "active")
    seats.invoice(d(1, 5), d(2, 5), "60.00", index=0, reason="signup")
    seats.invoice(d(2, 5), d(3, 5), "60.00", index=1)
    seats.event(d(2, 20), "change_quantity")
    Subscription.objects.filter(pk=seats.subscription.pk).update(quantity=3)
    seats.subscription.quantity = 3
    seats.invoice(d(3, 5), d(4, 5), "90.00", index=2)
    april = seats.invoice(d(4, 5), d(5, 5), "90.00", index=3)
    PaymentAttempt.objects.filter(invoice=april).update(
        number=2, idempotency_key=f"invoice-{april.pk}-attempt-2"
    )
    PaymentAttempt.objects.create(
        installation=installation, invoice=april, number=1, idempotency_key=f"invoice-{april.pk}-attempt-1",
        amount=Decimal("90.00"), currency="EUR", status="declined", created_at=datetime(2027, 4, 5, 9, tzinfo=UTC),
    )  # fmt: skip
    seats.event(d(4, 20), "finish_cancellation", "cancelled")

    discounted = History.start(yearly, d(1, 10), email="two@example.com")
    discounted.event(d(1, 10), "activate", "active")
    discounted.invoice(d(1, 10), date(2028, 1, 10), "390.00", index=0, reason="signup", discount="39.00")

    trialist = History.start(trial, d(1, 20), email="three@example.com")
    trialist.event(d(1, 20), "start_trial", "trialing")
    trialist.event(d(2, 3), "activate", "active")
    trialist.invoice(d(2, 3), d(3, 3), "30.00", index=0)
    unpaid = trialist.invoice(d(3, 3), d(4, 3), "30.00", index=1, status="open")
    PaymentAttempt.objects.create(
        installation=installation, invoice=unpaid, number=1, idempotency_key=f"invoice-{unpaid.pk}-attempt-1",
        amount=Decimal("30.00"), currency="EUR", status="declined", created_at=datetime(2027, 3, 3, 9, tzinfo=UTC),
    )  # fmt: skip
    trialist.event(d(3, 3), "mark_past_due", "past_due")
    trialist.event(d(3, 10), "suspend", "suspended")
    trialist.event(d(3, 24), "cancel_for_nonpayment", "cancelled")
    Invoice.objects.filter(pk=unpaid.pk).update(status="uncollectible")

    weeks = History.start(weekly, d(2, 1), email="four@example.com")
    weeks.event(d(2, 1), "activate", "active")
    for index, day in enumerate([d(2, 1), d(2, 8), d(2, 15), d(2, 22), d(3, 1)]):
        weeks.invoice(day, day.fromordinal(day.toordinal() + 7), "10.00", index=index, reason="renewal")
    weeks.event(d(3, 5), "pause", "paused")
    weeks.event(d(4, 5), "resume", "active")
    for index, day in enumerate([d(4, 5), d(4, 12), d(4, 19), d(4, 26)], start=5):
        weeks.invoice(day, day.fromordinal(day.toordinal() + 7), "10.00", index=index)
    Subscription.objects.filter(pk=weeks.subscription.pk).update(
        next_billing_at=datetime(2027, 5, 3, 10, tzinfo=UTC)
    )
    installation.clock = datetime(2027, 4, 30, 10, tzinfo=UTC)
    installation.save()


def report(api, shop: ApiShop, **arguments: object) -> dict:
    variables = {
        "currency": "EUR",
        "from": "2027-01-01",
        "to": "2027-04-30",
        "granularity": "MONTH",
        **arguments,
    }
    return api.data(REPORT, variables, token=shop.staff_token(("MANAGE_ORDERS",)))


def test_the_worked_example_month_by_month(api, shop):
    worked_example(shop)

    result = report(api, shop)

    assert result["errors"] == []
    figures = result["report"]
    assert (figures["currency"], figures["channel"], figures["timeZone"]) == ("EUR", None, "UTC")
    jan, feb, mar, apr = figures["buckets"]
    assert [(b["start"], b["end"]) for b in (jan, apr)] == [
        ("2027-01-01", "2027-01-31"),
        ("2027-04-01", "2027-04-30"),
    ]
    assert [b["mrr"] for b in (jan, feb, mar, apr)] == ["89.25", "162.58", "119.25", "72.58"]
    assert [b["arr"] for b in (jan, feb, mar, apr)] == ["1071.00", "1951.00", "1431.00", "871.00"]
    assert [b["openingMrr"] for b in (jan, feb, mar, apr)] == ["0.00", "89.25", "162.58", "119.25"]
    zero = "0.00"
    assert jan["movements"] == {
        "new": "89.25", "expansion": zero, "contraction": zero, "churn": zero, "churnVoluntary": zero,
        "churnNonpayment": zero, "reactivation": zero, "net": "89.25",
    }  # fmt: skip
    assert feb["movements"]["new"] == "73.33" and feb["movements"]["net"] == "73.33"
    assert mar["movements"] == {
        "new": zero, "expansion": "30.00", "contraction": zero, "churn": "-73.33", "churnVoluntary": "-43.33",
        "churnNonpayment": "-30.00", "reactivation": zero, "net": "-43.33",
    }  # fmt: skip
    assert apr["movements"] == {
        "new": zero, "expansion": zero, "contraction": zero, "churn": "-90.00", "churnVoluntary": "-90.00",
        "churnNonpayment": zero, "reactivation": "43.33", "net": "-46.67",
    }  # fmt: skip
    assert [b["activeSubscriptions"] for b in (jan, feb, mar, apr)] == [2, 4, 2, 2]
    assert [b["newSubscriptions"] for b in (jan, feb, mar, apr)] == [2, 2, 0, 0]
    assert apr["reactivatedSubscriptions"] == 1
    assert mar["churnedSubscriptions"] == {"voluntary": 1, "nonpayment": 1, "rate": "0.5000"}
    assert apr["churnedSubscriptions"] == {"voluntary": 1, "nonpayment": 0, "rate": "0.5000"}
    assert jan["trials"] == {"trialing": 1, "started": 1, "ended": 0, "converted": 0, "conversionRate": None}
    assert feb["trials"] == {
        "trialing": 0,
        "started": 0,
        "ended": 1,
        "converted": 1,
        "conversionRate": "1.0000",
    }
    assert mar["paymentRecovery"] == {
        "failedInvoices": 1, "recoveredInvoices": 0, "rate": "0.0000", "failedAmount": "30.00",
        "recoveredAmount": zero,
    }  # fmt: skip
    assert apr["paymentRecovery"] == {
        "failedInvoices": 1, "recoveredInvoices": 1, "rate": "1.0000", "failedAmount": "90.00",
        "recoveredAmount": "90.00",
    }  # fmt: skip
    assert jan["events"] == [
        {"kind": "activate", "count": 2}, {"kind": "invoiced", "count": 2}, {"kind": "start", "count": 3},
        {"kind": "start_trial", "count": 1},
    ]  # fmt: skip
    assert figures["upcomingRevenue"] == [
        {"days": 30, "openInvoices": zero, "renewals": "40.00", "total": "40.00"},
        {"days": 60, "openInvoices": zero, "renewals": "90.00", "total": "90.00"},
        {"days": 90, "openInvoices": zero, "renewals": "130.00", "total": "130.00"},
    ]
    assert figures["revenueByPlan"] == [
        {"planName": "Yearly", "invoices": 1, "amount": "351.00"},
        {"planName": "Monthly", "invoices": 4, "amount": "300.00"},
        {"planName": "Weekly", "invoices": 9, "amount": "90.00"},
        {"planName": "Trial monthly", "invoices": 1, "amount": "30.00"},
    ]
    assert figures["revenueByProduct"] == [{"productId": "UHJvZHVjdDox", "invoices": 15, "amount": "771.00"}]


def test_movements_add_up_from_opening_to_closing_mrr_by_week(api, shop):
    worked_example(shop)

    buckets = report(api, shop, granularity="WEEK")["report"]["buckets"]

    assert (buckets[0]["start"], buckets[0]["end"]) == ("2027-01-01", "2027-01-03")  # a Friday to a Sunday
    for bucket in buckets:
        assert abs(
            Decimal(bucket["openingMrr"]) + Decimal(bucket["movements"]["net"]) - Decimal(bucket["mrr"])
        ) <= Decimal("0.01")
    assert buckets[-1]["mrr"] == "72.58"


def test_a_new_event_is_in_the_next_report(api, shop):
    worked_example(shop)
    assert report(api, shop)["report"]["buckets"][-1]["mrr"] == "72.58"
    weeks = Subscription.objects.get(customer_email="four@example.com")
    history = History(weeks, status="active")
    history.event(d(4, 28), "cancel_now", "cancelled")

    assert report(api, shop)["report"]["buckets"][-1]["mrr"] == "29.25"


@pytest.mark.parametrize(
    ("arguments", "field", "code"),
    [
        ({"from": "2027-05-01", "to": "2027-04-30"}, "to", "INVALID"),
        ({"granularity": "DAY", "from": "2026-01-01", "to": "2027-04-30"}, "to", "RANGE_TOO_LONG"),
        ({"granularity": "MONTH", "from": "2010-01-01", "to": "2027-04-30"}, "to", "RANGE_TOO_LONG"),
        ({"currency": None, "channel": "no-such-channel"}, "channel", "NOT_FOUND"),
        ({"currency": None}, "currency", "REQUIRED"),
        ({"currency": "XXZ"}, "currency", "INVALID"),
        ({"currency": "USD", "channel": "default-channel"}, "currency", "INVALID"),
    ],
)
def test_bad_arguments_are_refused_naming_the_field(api, shop, arguments, field, code):
    make_plan_version(shop.installation)

    result = report(api, shop, **arguments)

    assert result["report"] is None
    assert [(e["field"], e["code"]) for e in result["errors"]] == [(field, code)]


def test_a_channel_reports_in_its_currency_and_other_currencies_are_never_added(api, shop):
    worked_example(shop)
    dollars = make_plan_version(shop.installation, currency="USD", name="Dollars", price=Decimal("99.00"))
    dollars.plan.channel_slug = "us"
    dollars.plan.save()
    other = History.start(dollars, d(1, 2), email="usd@example.com")
    Subscription.objects.filter(pk=other.subscription.pk).update(channel_slug="us")
    other.event(d(1, 2), "activate", "active")
    other.invoice(d(1, 2), d(2, 2), "99.00", index=0, reason="signup")

    euros = report(api, shop, currency=None, channel="default-channel")["report"]
    usd = report(api, shop, currency=None, channel="us")["report"]

    assert (euros["currency"], euros["buckets"][0]["mrr"]) == ("EUR", "89.25")
    assert (usd["currency"], usd["channel"], usd["buckets"][0]["mrr"]) == ("USD", "us", "99.00")


INTEGRITY = """
query Integrity($limit: Int) {
  billingIntegrity(limit: $limit) {
    findings { rule subscriptionId invoiceId invoiceNumber expected found } truncated errors { field code message }
  }
}
"""


def test_billing_integrity_lists_a_paid_invoice_without_its_order_with_global_ids(api, shop):
    worked_example(shop)
    token = shop.staff_token(("MANAGE_ORDERS",))
    Invoice.objects.filter(number="INV-000001").update(saleor_order_id="")
    invoice = Invoice.objects.get(number="INV-000001")

    result = api.data(INTEGRITY, {}, token=token)

    assert result["errors"] == [] and result["truncated"] is False
    assert result["findings"] == [
        {
            "rule": "PAID_WITHOUT_ORDER",
            "subscriptionId": subscription_global_id(invoice.subscription_id),
            "invoiceId": global_id("Invoice", invoice.pk),
            "invoiceNumber": "INV-000001",
            "expected": "a Saleor order",
            "found": "none",
        }
    ]


@pytest.mark.parametrize("limit", [0, 1001])
def test_billing_integrity_refuses_a_limit_out_of_range(api, shop, limit):
    result = api.data(INTEGRITY, {"limit": limit}, token=shop.staff_token(("MANAGE_ORDERS",)))

    assert result["findings"] == []
    assert [(e["field"], e["code"]) for e in result["errors"]] == [("limit", "INVALID")]
