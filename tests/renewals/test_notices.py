"""Notices before a charge: the trial's end, and an invoice made ahead of its due date (§1); the
upcoming-renewal reminder is in test_renewal_reminders.py."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db


def _advance(shop, to, ports) -> None:
    advance_clock(Installation.objects.get(pk=shop.pk), to, ports)


def test_the_trial_ending_notice_goes_out_3_days_before_once_then_the_first_period_is_charged():
    shop = sandbox(at(2026, 11, 1))
    subscription = signed_up(plan(shop, "30.00", trial_days=14))
    assert reload(subscription).status == "trialing"
    ports = memory_ports()
    _advance(shop, at(2026, 11, 12, 4, 59), ports)  # 12 Nov 05:59 Amsterdam: not yet
    assert ports.notifier.kinds() == []
    _advance(shop, at(2026, 11, 12, 5), ports)  # 3 days before 15 Nov, at the due hour
    assert ports.notifier.kinds() == ["trial_ending"]
    _advance(shop, at(2026, 11, 16), ports)
    assert ports.notifier.kinds() == ["trial_ending", "receipt"]
    [invoice] = invoices(subscription)
    assert (invoice.period_start, invoice.period_end, invoice.status) == (
        date(2026, 11, 15),
        date(2026, 12, 15),
        Invoice.Status.PAID,
    )
    assert reload(subscription).status == "active"


def test_an_invoice_made_5_days_ahead_is_announced_then_charged_on_its_due_date():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00", invoice_lead_days=5))
    ports = memory_ports()
    _advance(shop, at(2026, 12, 11, 12), ports)  # made on 11 Dec at 06:00 Amsterdam
    [invoice] = invoices(subscription)
    assert invoice.status == Invoice.Status.OPEN
    assert invoice.due_at == at(2026, 12, 16, 5)
    assert ports.notifier.kinds() == ["renewal_upcoming"]
    assert ports.payments.charges() == {}  # not before its due date
    _advance(shop, at(2026, 12, 16, 4, 59), ports)
    assert ports.payments.charges() == {}
    _advance(shop, at(2026, 12, 16, 5), ports)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert ports.notifier.kinds() == ["renewal_upcoming", "receipt"]
    assert reload(subscription).next_billing_at == at(2027, 1, 11, 5)
