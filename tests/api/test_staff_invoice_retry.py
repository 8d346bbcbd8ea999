"""Staff have an open invoice charged again now through /graphql/ (MANAGE_ORDERS; BILLING_RULES §6, §7):
a new attempt queued for the renewal runner's sweeper (tests/renewals/test_staff_retry.py charges it), the
event naming the staff user; refusals change nothing."""

from __future__ import annotations

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from tests.api.staff_support import snapshot, staff_events, staff_token, staff_user_id, subscription
from tests.lifecycle.helpers import period_invoice

RETRY = """
mutation Retry($id: ID!, $reason: String) {
  staffInvoiceRetry(id: $id, reason: $reason) {
    invoice { number status amountDue } errors { field code message }
  }
}
"""


def _declined(shop):
    sub = subscription(shop, status="past_due")
    invoice = period_invoice(sub, status="open")
    PaymentAttempt.objects.create(
        installation=invoice.installation,
        invoice=invoice,
        number=1,
        idempotency_key=attempt_key(invoice.pk, 1),
        amount=invoice.amount_due,
        currency=invoice.currency,
        status="declined",
    )
    return sub, invoice


def _attempts(invoice):
    return list(invoice.attempts.order_by("number").values_list("number", "status"))


def test_staff_queue_a_retry_of_an_open_invoice(api, shop):
    sub, invoice = _declined(shop)

    answer = api.data(
        RETRY, {"id": global_id("Invoice", invoice.pk), "reason": "new card"}, token=staff_token(shop)
    )

    assert answer["errors"] == []
    assert answer["invoice"] == {"number": invoice.number, "status": "OPEN", "amountDue": "30.00"}
    assert _attempts(invoice) == [(1, "declined"), (2, "pending")]
    assert Invoice.objects.get(pk=invoice.pk).pipeline_step == "charge"
    assert staff_events(sub) == [("invoice_retry_requested", "staff", staff_user_id(shop), "new card")]


def _refused(api, shop, variables, sub):
    before = snapshot(sub), PaymentAttempt.objects.count()
    answer = api.data(RETRY, variables, token=staff_token(shop))
    assert answer["invoice"] is None
    assert (snapshot(sub), PaymentAttempt.objects.count()) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals(api, shop):
    sub, invoice = _declined(shop)
    paid_sub = subscription(shop)
    paid = period_invoice(paid_sub)

    assert _refused(api, shop, {"id": global_id("Invoice", paid.pk)}, paid_sub) == ("id", "NOTHING_OWED")
    assert _refused(api, shop, {"id": "SW52b2ljZTo5OTk5OQ=="}, sub) == ("id", "NOT_FOUND")
    api.data(RETRY, {"id": global_id("Invoice", invoice.pk)}, token=staff_token(shop))
    assert _refused(api, shop, {"id": global_id("Invoice", invoice.pk)}, sub) == ("id", "PAYMENT_IN_FLIGHT")


def test_only_staff_with_manage_orders_may_retry(api, shop):
    sub, invoice = _declined(shop)
    before = snapshot(sub), _attempts(invoice)
    variables = {"id": global_id("Invoice", invoice.pk)}

    assert api.refused(RETRY, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(RETRY, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(RETRY, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert (snapshot(sub), _attempts(invoice)) == before
