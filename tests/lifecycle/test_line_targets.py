"""What a discount line reduced is read from its target, never from its wording (BILLING_RULES §8, §9)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import InvoiceLine
from saleor_subscriptions.lifecycle.pricing import unused_paid
from saleor_subscriptions.subscriptions.calendar import current_period
from tests.lifecycle.helpers import active_since, at, period_invoice, plan, sandbox

pytestmark = pytest.mark.django_db


def _add_discount(invoice, position: int, amount: str, target: str, description: str) -> None:
    InvoiceLine.objects.create(
        installation=invoice.installation,
        invoice=invoice,
        position=position,
        kind="discount",
        target=target,
        description=description,
        unit_amount=Decimal(amount),
        amount=Decimal(amount),
    )


def test_a_plan_discount_worded_like_a_setup_fee_discount_still_reduces_the_plan():
    """30.00 for November less a 10.00 discount of the plan whose text happens to end in "off setup fee":
    15 unused days of the 20.00 paid for the plan are 10.00, whatever the line says."""
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, "30.00"), date(2026, 11, 1))
    invoice = period_invoice(sub)
    _add_discount(invoice, 2, "-10.00", "recurring", "Discount TENOFF: 10.00 off setup fee")
    assert unused_paid(sub, current_period(sub), date(2026, 11, 16)) == Decimal("10.00")


def test_a_setup_fee_discount_worded_like_a_plan_discount_leaves_the_plan_alone():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, "30.00"), date(2026, 11, 1))
    invoice = period_invoice(sub)
    _add_discount(invoice, 2, "-5.00", "setup_fee", "Discount WELCOME: 5.00 off Monthly plan")
    assert unused_paid(sub, current_period(sub), date(2026, 11, 16)) == Decimal("15.00")
