"""Billing integrity, the cases the set-based statements' shapes could get wrong (reports/integrity.py reads
numbers in index order, reads the paid invoices from a covering index, and finds charges without an
invoice from the unpaid invoices): a number used twice, a paid invoice with two charges of which one is on
its order, the credit used on the order, and a charge on an invoice still open."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.reports.integrity import IntegrityRule
from saleor_subscriptions.saleor.models import OrderRecord
from tests.reports.test_integrity import history, listed, one

__all__ = ["history"]

pytestmark = pytest.mark.django_db


def test_a_number_used_twice(history):
    Invoice.objects.filter(number="INV-000003").update(number="X-000002")

    rows = [r for r in listed(history) if r.rule is IntegrityRule.NUMBER_GAP]

    assert [(r.invoice_number, r.expected, r.found) for r in rows] == [
        ("X-000002", "number 2 used once", "used again by X-000002"),
        (None, "numbers up to 3 on invoices", "the last invoice number is 2"),
    ]


def test_two_charges_one_of_them_on_the_order(history):
    invoice = Invoice.objects.get(number="INV-000002")
    PaymentAttempt.objects.create(
        installation_id=invoice.installation_id, invoice=invoice, number=2, idempotency_key="again",
        amount=Decimal("10.00"), currency="EUR", status="succeeded", reference="pi_again",
    )  # fmt: skip

    rows = listed(history)

    assert [(r.rule, r.invoice_number, r.found) for r in rows] == [
        (IntegrityRule.CHARGED_NOT_PAID, "INV-000002", "charged 40.000000 in 2 charge(s)"),
    ]  # the order records the first charge (30.00): its total matches


def test_the_credit_used_counts_on_the_order(history):
    invoice = Invoice.objects.get(number="INV-000002")
    Invoice.objects.filter(pk=invoice.pk).update(credit_applied=Decimal("5.00"))
    OrderRecord.objects.filter(invoice=invoice).update(
        transactions={f"pi_{invoice.pk}": "tx", f"credit-{invoice.number}": "tx"}
    )

    row = one(history, IntegrityRule.ORDER_TOTAL_MISMATCH)

    assert (row.invoice_number, row.found) == ("INV-000002", "recorded 35.000000")

    Invoice.objects.filter(pk=invoice.pk).update(total=Decimal("35.00"))
    assert listed(history) == []


def test_a_charge_on_an_invoice_still_open(history):
    Invoice.objects.filter(number="INV-000002").update(status="open")

    row = one(history, IntegrityRule.CHARGE_WITHOUT_INVOICE)

    assert (row.invoice_number, row.found) == ("INV-000002", "invoice INV-000002 is open")
