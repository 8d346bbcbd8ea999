"""A batch of paid renewal invoices is written on their orders in a few aliased requests
(`order_records_batch`): one alias failing fails its invoice only, which keeps what it got and finishes later
without writing anything twice; the others are done."""

from __future__ import annotations

from datetime import timedelta

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.pipeline import renew_due
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_records import record_paid_orders
from tests.saleor.test_orders_pipeline import DUE, fake_saleor, ports, saleor_shop, subscribed

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]


def renewed(fake_saleor, count: int = 3):
    shop = saleor_shop(fake_saleor)
    subscriptions = [subscribed(shop, f"c{i}@example.com", quantity=1 + i) for i in range(count)]
    renew_due(ports(shop), now=DUE, installation_id=shop.installation.pk)
    invoices = [Invoice.objects.get(subscription=s, billing_reason="renewal") for s in subscriptions]
    assert all(invoice.status == Invoice.Status.PAID for invoice in invoices)
    return shop, invoices


def operations(fake_saleor, since: int) -> list[str]:
    return [r.operation_name or "?" for r in fake_saleor.requests[since:]]


def test_a_batch_takes_one_request_per_kind_of_write(fake_saleor):
    shop, invoices = renewed(fake_saleor)
    before = len(fake_saleor.requests)

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (3, 0)
    assert operations(fake_saleor, before) == [
        "OrderPayments",
        "TransactionCreate",
        "TransactionEventReport",
        "InvoiceCreate",
    ]
    for invoice in invoices:
        order = fake_saleor.order_by_external_reference(invoice.number)
        assert [t.charged_amount.amount for t in order.transactions] == [invoice.amount_due]
        assert [document.number for document in order.invoices] == [invoice.number]


def test_a_document_refused_fails_its_invoice_only_and_is_written_once_later(fake_saleor):
    shop, invoices = renewed(fake_saleor)
    stuck = fake_saleor.order_by_external_reference(invoices[1].number)
    status = stuck.status
    stuck.status = "DRAFT"  # invoiceCreate refuses it (INVALID_STATUS); the charge goes on it still

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (2, 1)
    record = OrderRecord.objects.get(invoice=invoices[1])
    assert record.done_at is None and record.tries == 1 and "INVALID_STATUS" in record.last_error
    assert record.document_id == "" and len(record.transactions) == 1
    for invoice in (invoices[0], invoices[2]):
        assert OrderRecord.objects.get(invoice=invoice).done_at == DUE
        assert len(fake_saleor.order_by_external_reference(invoice.number).invoices) == 1

    stuck.status = status
    later = DUE + timedelta(minutes=1)
    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=later)
    assert (report.done, report.failed) == (1, 0)
    for invoice in invoices:
        order = fake_saleor.order_by_external_reference(invoice.number)
        assert (len(order.transactions), len(order.invoices)) == (1, 1)
        assert order.charge_status == "FULL"


def test_a_charge_report_request_failing_is_reported_later_on_the_same_transactions(fake_saleor):
    """The transactions made, the request reporting their charges fails as a whole (5xx, after its retries):
    every invoice of the batch fails, keeping no transaction on its record, so the next pass finds each by
    its pspReference and reports its charge instead of opening a second one."""
    shop, invoices = renewed(fake_saleor, count=2)
    fake_saleor.fail_next("TransactionEventReport", status=502, times=5)  # the whole report request fails

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (0, 2)
    for invoice in invoices:
        record = OrderRecord.objects.get(invoice=invoice)
        assert record.transactions == {} and record.document_id == ""
        assert len(fake_saleor.order_by_external_reference(invoice.number).transactions) == 1

    later = DUE + timedelta(minutes=1)
    assert record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=later).done == 2
    for invoice in invoices:
        order = fake_saleor.order_by_external_reference(invoice.number)
        assert (len(order.transactions), len(order.invoices)) == (1, 1)
        assert order.charge_status == "FULL"


def test_an_order_gone_fails_its_invoice_only(fake_saleor):
    shop, invoices = renewed(fake_saleor, count=2)
    Invoice.objects.filter(pk=invoices[0].pk).update(number=f"{invoices[0].number}-X")  # no such order

    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert (report.done, report.failed) == (1, 1)
    assert "OrderNotFound" in OrderRecord.objects.get(invoice=invoices[0]).last_error
    assert OrderRecord.objects.get(invoice=invoices[1]).done_at == DUE
