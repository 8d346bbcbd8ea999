"""A renewal from due subscription to paid invoice, through the in-memory Saleor and gateway."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import renew_due
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, set_clock, signed_up

pytestmark = pytest.mark.django_db


def test_a_monthly_subscription_is_invoiced_ordered_charged_and_moved_on_at_its_due_hour():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    assert reload(subscription).next_billing_at == at(2026, 12, 16, 5)  # 06:00 in Amsterdam
    ports = memory_ports()

    set_clock(shop, at(2026, 12, 16, 4, 59))
    assert renew_due(ports, now=at(2026, 12, 16, 4, 59), installation_id=shop.pk).invoiced == 0

    report = renew_due(ports, now=at(2026, 12, 16, 5), installation_id=shop.pk)
    assert report.invoiced == 1
    [invoice] = invoices(subscription)
    assert invoice.number == "INV-000001"
    assert (invoice.period_start, invoice.period_end) == (date(2026, 12, 16), date(2027, 1, 16))
    assert invoice.status == Invoice.Status.PAID
    assert (invoice.subtotal, invoice.tax, invoice.total) == (
        Decimal("30.00"),
        Decimal("6.30"),
        Decimal("36.30"),
    )
    assert invoice.amount_paid == Decimal("36.30")
    assert invoice.saleor_order_id
    [line] = invoice.lines.all()
    assert (line.kind, line.amount) == ("plan", Decimal("30.00"))
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    assert attempt.status == "succeeded"
    assert ports.payments.charges()[attempt.idempotency_key]["amount"] == "36.300000"
    assert ports.notifier.kinds() == ["receipt"]

    renewed = reload(subscription)
    assert (renewed.current_period_start, renewed.current_period_end) == (
        date(2026, 12, 16),
        date(2027, 1, 16),
    )
    assert renewed.next_billing_at == at(2027, 1, 16, 5)
    assert renewed.status == "active"

    # Running again at the same moment renews nothing twice.
    assert renew_due(ports, now=at(2026, 12, 16, 5), installation_id=shop.pk).invoiced == 0
    assert len(ports.payments.charges()) == 1


def test_live_installations_do_not_renew_a_sandbox_and_a_sandbox_only_on_its_own_run():
    shop = sandbox(at(2026, 11, 16))
    signed_up(plan(shop, "30.00"))
    ports = memory_ports()
    assert renew_due(ports, now=at(2027, 1, 1)).invoiced == 0
    assert (
        renew_due(ports, now=at(2027, 1, 1), installation_id=shop.pk).invoiced == 1
    )  # 16 Dec; 16 Jan is not due yet
