"""Staff void an open invoice nothing was paid on through /graphql/ (MANAGE_ORDERS; BILLING_RULES §4): it
keeps its number and is never charged; the event names the staff user. A paid invoice is refused (refund it),
as are another shop's invoices and callers without the permission; a refusal changes nothing."""

from __future__ import annotations

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import snapshot, staff_events, staff_token, staff_user_id, subscription
from tests.factories import make_installation, make_plan_version, make_subscription
from tests.lifecycle.helpers import period_invoice

VOID = """
mutation Void($id: ID!, $reason: String) {
  staffInvoiceVoid(id: $id, reason: $reason) {
    invoice { number status amountDue } errors { field code message }
  }
}
"""


def _invoice_id(invoice: Invoice) -> str:
    return global_id("Invoice", invoice.pk)


def test_staff_void_an_open_invoice_and_a_dunned_subscription_is_settled(api, shop):
    sub = subscription(shop, status="past_due")
    invoice = period_invoice(sub, status="open")

    answer = api.data(VOID, {"id": _invoice_id(invoice), "reason": "billed twice"}, token=staff_token(shop))

    assert answer["errors"] == []
    assert answer["invoice"] == {"number": invoice.number, "status": "VOID", "amountDue": "30.00"}
    assert Invoice.objects.get(pk=invoice.pk).closed_at is not None
    me = staff_user_id(shop)
    assert staff_events(sub) == [
        ("invoice_voided", "staff", me, "billed twice"),
        ("settle", "staff", me, "the unpaid invoice was voided"),
    ]
    assert Subscription.objects.get(pk=sub.pk).status == "active"


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(VOID, variables, token=staff_token(shop))
    assert answer["invoice"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals(api, shop):
    sub = subscription(shop)
    paid = period_invoice(sub)
    elsewhere = make_installation("https://other.example.com/graphql/")
    theirs = make_subscription(make_plan_version(elsewhere), status="past_due")
    their_invoice = period_invoice(theirs, status="open")
    open_one = period_invoice(subscription(shop), status="open")

    assert _refused(api, shop, {"id": _invoice_id(paid)}, sub) == ("id", "INVOICE_PAID")
    assert _refused(api, shop, {"id": _invoice_id(their_invoice)}, theirs) == ("id", "NOT_FOUND")
    assert _refused(api, shop, {"id": "SW52b2ljZTo5OTk5OQ=="}, sub) == ("id", "NOT_FOUND")
    assert _refused(api, shop, {"id": "garbage"}, sub) == ("id", "NOT_FOUND")
    too_long = {"id": _invoice_id(open_one), "reason": "x" * 201}
    assert _refused(api, shop, too_long, open_one.subscription) == ("reason", "INVALID_REASON")
    api.data(VOID, {"id": _invoice_id(open_one)}, token=staff_token(shop))
    assert _refused(api, shop, {"id": _invoice_id(open_one)}, open_one.subscription) == (
        "id",
        "INVOICE_NOT_OPEN",
    )


def test_only_staff_with_manage_orders_may_void(api, shop):
    sub = subscription(shop, status="past_due")
    invoice = period_invoice(sub, status="open")
    before = snapshot(sub)
    variables = {"id": _invoice_id(invoice)}

    assert api.refused(VOID, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(VOID, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(VOID, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
