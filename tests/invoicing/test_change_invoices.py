"""The open change invoice of an upgrade or more seats (§4, §7)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.pricing import LineKind, PricedLine
from saleor_subscriptions.invoicing.change_invoices import open_change_invoice
from tests.factories import make_installation, make_plan_version, make_subscription

pytestmark = pytest.mark.django_db
DUE = datetime(2026, 11, 16, 5, tzinfo=UTC)


def _line(amount: str, kind: LineKind) -> PricedLine:
    return PricedLine(
        kind=kind,
        description="Pro: rest of November",
        amount=Decimal(amount),
        quantity=Decimal(1),
        unit_amount=Decimal(amount),
        period_start=date(2026, 11, 16),
        period_end=date(2026, 12, 1),
        reason="(60.00 - 30.00) x 15/30 days",
    )


def test_a_change_invoice_is_open_numbered_and_holds_its_lines():
    sub = make_subscription(make_plan_version(make_installation()))
    line = _line("15.00", next(iter(LineKind)))
    invoice = open_change_invoice(
        sub, [line], period_start=date(2026, 11, 16), period_end=date(2026, 12, 1), due_at=DUE
    )
    assert (invoice.number, invoice.status, invoice.billing_reason) == ("INV-000001", "open", "change")
    assert (invoice.subtotal, invoice.total, invoice.amount_due) == (Decimal("15.00"),) * 3
    assert invoice.period_index == sub.current_period_index
    stored = invoice.lines.get()
    assert (stored.position, stored.amount, stored.reason) == (1, Decimal("15.00"), line.reason)
    second = open_change_invoice(
        sub, [line], period_start=date(2026, 11, 16), period_end=date(2026, 12, 1), due_at=DUE
    )
    assert second.number == "INV-000002"


def test_a_change_invoice_of_nothing_is_refused():
    sub = make_subscription(make_plan_version(make_installation()))
    with pytest.raises(ValueError, match="at least one line"):
        open_change_invoice(
            sub, [], period_start=date(2026, 11, 16), period_end=date(2026, 12, 1), due_at=DUE
        )
