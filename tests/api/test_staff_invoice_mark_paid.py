"""Staff record a bank transfer that paid an open invoice through /graphql/ (MANAGE_ORDERS; BILLING_RULES
§5, §7): refusals name their argument and change nothing; the event names the staff user (the payment's
effects: tests/renewals/test_manual_payments.py)."""

from __future__ import annotations

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import snapshot, staff_events, staff_token, staff_user_id, subscription
from tests.lifecycle.helpers import period_invoice

PAID = """
mutation Paid($id: ID!, $reference: String!, $paidOn: Date!, $reason: String) {
  staffInvoiceMarkPaid(id: $id, reference: $reference, paidOn: $paidOn, reason: $reason) {
    invoice { number status paidAt } errors { field code message }
  }
}
"""


def _owed(shop):
    sub = subscription(shop, status="past_due")
    return sub, period_invoice(sub, status="open")


def _variables(invoice, **changes):
    return {"id": global_id("Invoice", invoice.pk), "reference": "NL-42", "paidOn": "2026-11-16", **changes}


def test_staff_mark_an_open_invoice_paid_by_bank_transfer(api, shop):
    sub, invoice = _owed(shop)

    answer = api.data(PAID, _variables(invoice, reason="seen on the statement"), token=staff_token(shop))

    assert answer["errors"] == []
    assert answer["invoice"]["status"] == "PAID" and answer["invoice"]["number"] == invoice.number
    assert Subscription.objects.get(pk=sub.pk).status == "active"
    me = staff_user_id(shop)
    assert staff_events(sub)[-1] == ("invoice_marked_paid", "staff", me, "seen on the statement")


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(PAID, variables, token=staff_token(shop))
    assert answer["invoice"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_their_argument(api, shop):
    sub, invoice = _owed(shop)
    paid = period_invoice(subscription(shop))

    assert _refused(api, shop, _variables(invoice, paidOn="2026-11-17"), sub) == (
        "paidOn",
        "PAID_DATE_IN_FUTURE",
    )
    assert _refused(api, shop, _variables(invoice, reference=" "), sub) == (
        "reference",
        "INVALID_PAYMENT_REFERENCE",
    )
    assert _refused(api, shop, _variables(paid), paid.subscription) == ("id", "INVOICE_NOT_OPEN")
    assert _refused(api, shop, _variables(invoice, id="SW52b2ljZTo5OTk5OQ=="), sub) == ("id", "NOT_FOUND")
    Invoice.objects.filter(pk=invoice.pk).update(pipeline_step="charge")
    assert _refused(api, shop, _variables(invoice), sub) == ("id", "PAYMENT_IN_FLIGHT")


def test_only_staff_with_manage_orders_may(api, shop):
    sub, invoice = _owed(shop)
    before = snapshot(sub)
    variables = _variables(invoice)

    assert api.refused(PAID, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(PAID, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(PAID, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
