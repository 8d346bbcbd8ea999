"""Paid renewal invoices are written on their Saleor orders (`order_records`): the charge and the credit used
as transactions, the invoice as a document; once each, and again later when Saleor failed."""

from __future__ import annotations

import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection

from saleor_subscriptions.invoicing.credits import issue_credit_note
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import renew_due
from saleor_subscriptions.saleor.install import mark_removed
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_records import RecordReport, record_paid_orders, retry_wait
from tests.saleor.test_orders_pipeline import DUE, fake_saleor, ports, saleor_shop, subscribed

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]


def renewed(fake_saleor, *, credit: str | None = None):
    shop = saleor_shop(fake_saleor)
    subscription = subscribed(shop, "ann@example.com", quantity=2)
    if credit:
        issue_credit_note(subscription, Decimal(credit), reason="goodwill")
    renew_due(ports(shop), now=DUE, installation_id=shop.installation.pk)
    [invoice] = Invoice.objects.filter(subscription=subscription, billing_reason="renewal")
    assert invoice.status == Invoice.Status.PAID
    return shop, invoice


def test_the_charge_the_credit_and_the_document_are_written_once(fake_saleor, settings):
    settings.APP_URL = "https://subs.example.com"
    shop, invoice = renewed(fake_saleor, credit="10.00")
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (1, 0)
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert order is not None
    recorded = {t.psp_reference: t.charged_amount.amount for t in order.transactions}
    assert recorded == {attempt.reference: invoice.amount_due, f"credit-{invoice.number}": Decimal("10.00")}
    # The Stripe charge may be refunded from Saleor through the app; the credit used is not money at Stripe.
    actions = {t.psp_reference: t.available_actions for t in order.transactions}
    assert actions == {attempt.reference: ["REFUND"], f"credit-{invoice.number}": []}
    assert invoice.amount_due + invoice.credit_applied == invoice.total
    assert order.charge_status == "FULL"
    [document] = order.invoices
    assert document.number == invoice.number
    assert document.url.startswith("https://subs.example.com/documents/invoices/")
    record = OrderRecord.objects.get(invoice=invoice)
    assert record.done_at == DUE and set(record.transactions) == set(recorded)

    assert record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE).done == 0
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert (len(order.transactions), len(order.invoices)) == (2, 1)


def test_a_failure_is_kept_and_tried_again_later_without_writing_twice(fake_saleor):
    shop, invoice = renewed(fake_saleor)
    fake_saleor.fail_next("InvoiceCreate", status=502, times=5)  # the client retries nothing but queries

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (0, 1)
    record = OrderRecord.objects.get(invoice=invoice)
    assert record.done_at is None and record.tries == 1
    assert "502" in record.last_error or "Unavailable" in record.last_error
    assert record.next_try_at == DUE + retry_wait(1)
    assert len(record.transactions) == 1  # the charge was written before the document failed
    # Not before its time; then it finishes.
    assert record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE).done == 0
    fake_saleor.clear_faults()
    later = DUE + timedelta(minutes=1)
    assert record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=later).done == 1
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert (len(order.transactions), len(order.invoices)) == (1, 1)


def test_an_installation_removed_from_saleor_is_left_alone(fake_saleor):
    shop, invoice = renewed(fake_saleor)
    mark_removed(shop.installation, "test")
    calls = len(fake_saleor.requests)

    assert record_paid_orders(shop.sink(), now=DUE).done == 0
    assert len(fake_saleor.requests) == calls
    assert not OrderRecord.objects.filter(invoice=invoice).exists()


def test_waits_grow_to_six_hours():
    assert [retry_wait(n) for n in (1, 2, 3)] == [
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert retry_wait(30) == timedelta(hours=6)


def test_two_recorders_racing_write_one_transaction_and_one_document(fake_saleor):
    """The renewal runner's follow-up and beat's recorder (each its own sink, client and database
    connection) record the same paid invoice at the same moment: Saleor answers both look-ups before either
    writes, and still the order holds one transaction per PaymentIntent and one document (issue 12, 17)."""
    shop, invoice = renewed(fake_saleor, credit="10.00")
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    # Each look-up of the order is answered late, so both recorders see an order with nothing on it.
    fake_saleor.fail_next("OrderPayments", mode="timeout", seconds=0.4, times=2)
    start = threading.Barrier(2)
    reports: list[RecordReport] = []
    errors: list[BaseException] = []

    def recorder() -> None:
        try:
            start.wait()
            reports.append(record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=recorder) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sorted(report.failed for report in reports) == [0, 0]
    assert sum(report.done for report in reports) == 1
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert order is not None
    references = sorted(t.psp_reference for t in order.transactions)
    assert references == sorted([attempt.reference, f"credit-{invoice.number}"])
    assert [document.number for document in order.invoices] == [invoice.number]
    assert order.charge_status == "FULL"
    record = OrderRecord.objects.get(invoice=invoice)
    assert record.done_at == DUE
    assert record.transactions == {t.psp_reference: t.id for t in order.transactions}


def test_a_bank_transfer_recorded_by_staff_is_written_but_not_refundable_through_the_app(fake_saleor):
    shop, invoice = renewed(fake_saleor)
    PaymentAttempt.objects.filter(invoice=invoice).update(reference="bank-transfer:NL-42")

    record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    order = fake_saleor.order_by_external_reference(invoice.number)
    assert order is not None
    [transfer] = order.transactions
    assert (transfer.psp_reference, transfer.charged_amount.amount) == (
        "bank-transfer:NL-42",
        invoice.amount_due,
    )
    assert transfer.available_actions == []  # the money did not come through Stripe
