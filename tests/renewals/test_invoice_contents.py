"""What a renewal invoice holds: usage in arrears, discount periods, credit used first (§4, §8, §9)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.credits import credit_balance, issue_credit_note
from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.usage import UsageRefused, record_usage
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db


def _advance(shop, to, ports):
    return advance_clock(Installation.objects.get(pk=shop.pk), to, ports)


def _lines(invoice: Invoice) -> list[tuple[str, Decimal]]:
    return [(line.kind, line.amount) for line in invoice.lines.all()]


def test_starter_usage_of_4_new_cases_is_billed_on_the_next_invoice():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "15.00", usage_prices={"new_case": "5.00"}))
    for n in range(4):
        record_usage(subscription, "new_case", Decimal(1), f"case-{n}", at=at(2026, 12, 1 + n))
    record_usage(subscription, "new_case", Decimal(1), "case-3", at=at(2026, 12, 4))  # a retried report
    record_usage(subscription, "new_case", Decimal(1), "case-late", at=at(2026, 12, 20))
    ports = memory_ports()
    _advance(shop, at(2026, 12, 17), ports)
    [first] = invoices(subscription)
    assert _lines(first) == [("plan", Decimal("15.00")), ("usage", Decimal("20.00"))]
    assert (first.subtotal, first.tax, first.total) == (Decimal("35.00"), Decimal("7.35"), Decimal("42.35"))
    _advance(shop, at(2027, 1, 17), ports)
    second = invoices(subscription)[1]
    assert _lines(second) == [("plan", Decimal("15.00")), ("usage", Decimal("5.00"))]


@pytest.mark.parametrize(
    ("metric", "quantity", "key", "code", "field"),
    [
        ("api_call", Decimal(1), "k1", "unknown_metric", "metric"),
        ("new_case", Decimal(0), "k2", "invalid_quantity", "quantity"),
        ("new_case", Decimal(-2), "k3", "invalid_quantity", "quantity"),
        ("new_case", Decimal("0.0000001"), "k4", "invalid_quantity", "quantity"),
        ("new_case", Decimal(1), " ", "invalid", "idempotency_key"),
    ],
)
def test_usage_that_cannot_be_billed_is_refused_naming_the_field(metric, quantity, key, code, field):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "15.00", usage_prices={"new_case": "5.00"}))
    with pytest.raises(UsageRefused) as refused:
        record_usage(subscription, metric, quantity, key)
    assert (refused.value.code, refused.value.field) == (code, field)


def test_a_reused_usage_key_with_other_figures_is_refused():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "15.00", usage_prices={"new_case": "5.00"}))
    record_usage(subscription, "new_case", Decimal(1), "case-1")
    with pytest.raises(UsageRefused) as refused:
        record_usage(subscription, "new_case", Decimal(3), "case-1")
    assert (refused.value.code, refused.value.field) == ("idempotency_key_reused", "idempotency_key")


def test_credit_covers_part_of_an_invoice_and_the_rest_is_charged():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    issue_credit_note(subscription, Decimal("10.00"), reason="downgrade")
    ports = memory_ports()
    _advance(shop, at(2026, 12, 17), ports)
    [invoice] = invoices(subscription)
    assert (invoice.total, invoice.credit_applied, invoice.amount_due) == (
        Decimal("36.30"),
        Decimal("10.00"),
        Decimal("26.30"),
    )
    assert invoice.status == Invoice.Status.PAID
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    assert attempt.amount == Decimal("26.30")
    assert credit_balance(shop, subscription.customer_key, "EUR") == Decimal("0.00")


def test_credit_larger_than_the_invoice_pays_it_whole_without_a_charge():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    issue_credit_note(subscription, Decimal("50.00"), reason="cancellation of another subscription")
    ports = memory_ports()
    _advance(shop, at(2026, 12, 17), ports)
    [invoice] = invoices(subscription)
    assert (invoice.credit_applied, invoice.amount_due, invoice.status) == (
        Decimal("36.30"),
        Decimal(0),
        "paid",
    )
    assert ports.payments.charges() == {}
    assert credit_balance(shop, subscription.customer_key, "EUR") == Decimal("13.70")
    assert CreditLedgerEntry.objects.filter(invoice=invoice, kind="applied").count() == 1


def test_a_code_repeating_3_periods_discounts_the_next_3_invoices_only():
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    code = DiscountCode.objects.create(
        installation=shop,
        code="DRIE",
        kind="percentage",
        percent=Decimal(10),
        duration="repeating",
        duration_periods=3,
    )
    DiscountRedemption.objects.create(
        installation=shop, code=code, subscription=subscription, customer_key=subscription.customer_key
    )
    _advance(shop, at(2027, 4, 17), memory_ports())
    nets = [invoice.subtotal for invoice in invoices(subscription)]
    assert nets == [Decimal("27.00"), Decimal("27.00"), Decimal("27.00"), Decimal("30.00"), Decimal("30.00")]
    redemption = DiscountRedemption.objects.get(code=code)
    assert redemption.periods_used == 3
    assert redemption.ended_at is not None
    assert reload(subscription).status == "active"


def test_a_dutch_shops_renewal_invoice_writes_its_lines_in_dutch_and_keeps_their_facts():
    shop = sandbox(at(2026, 11, 16), language="nl")
    subscription = signed_up(plan(shop, "15.00", usage_prices={"new_case": "5.00"}), quantity=2)
    record_usage(subscription, "new_case", Decimal(3), "cases", at=at(2026, 12, 1))
    _advance(shop, at(2026, 12, 17), memory_ports())

    [invoice] = invoices(subscription)
    lines = list(invoice.lines.order_by("position"))
    assert [(line.description, line.reason) for line in lines] == [
        ("Maandabonnement × 2, 16 december 2026 – 16 januari 2027", "15,00 × 2"),
        ("New_case × 3, 16 november 2026 – 16 december 2026", "3 × 5,00"),
    ]
    assert lines[0].facts == {
        "form": "plan",
        "currency": "EUR",
        "unit": "month",
        "count": "1",
        "quantity": "2",
        "price": "15",
        "start": "2026-12-16",
        "end": "2027-01-16",
    }
    text = pdf_text(render_invoice_pdf(invoice))
    assert "Maandabonnement × 2, 16 december 2026 – 16 januari 2027" in text
    assert "Monthly" not in text
