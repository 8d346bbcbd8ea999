"""A year of a monthly subscription, invoice by invoice, against figures worked out by hand.

Seed 001's catalog (prices net, 21% VAT on top, per practitioner): standard 39.00, blended 59.00, starter
15.00 plus 5.00 per new case. Bought on 16 January 2026 in Amsterdam for 2 practitioners with a 10% code for
3 periods; a third practitioner on 1 March; an upgrade to blended on 20 April; a downgrade to starter now on
1 June (the unused part comes back as credit); 4 new cases in the second half of June.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.usage import record_usage
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db

D = Decimal


def _figures(invoice: Invoice) -> tuple:
    return (
        invoice.billing_reason,
        str(invoice.period_start),
        [(line.kind, line.amount) for line in invoice.lines.all()],
        (invoice.subtotal, invoice.tax, invoice.total),
        (invoice.credit_applied, invoice.amount_due),
        invoice.status,
    )


def test_a_year_with_seats_an_upgrade_a_downgrade_credit_a_code_and_usage():
    shop = sandbox(at(2026, 1, 16))
    standard = plan(shop, "39.00", name="Standard")
    blended = plan(shop, "59.00", name="Blended")
    starter = plan(shop, "15.00", name="Starter", usage_prices={"new_case": "5.00"})
    subscription = signed_up(standard, quantity=2)
    code = DiscountCode.objects.create(
        installation=shop,
        code="DRIE",
        kind="percentage",
        percent=D(10),
        duration="repeating",
        duration_periods=3,
    )
    DiscountRedemption.objects.create(
        installation=shop, code=code, subscription=subscription, customer_key=subscription.customer_key
    )
    ports = memory_ports()

    def advance(*when: int) -> None:
        advance_clock(Installation.objects.get(pk=shop.pk), at(*when), ports)

    advance(2026, 3, 1, 9)
    lifecycle.change_quantity(subscription, 3, actor=Actor.CUSTOMER)
    advance(2026, 4, 20, 9)
    lifecycle.switch_plan(subscription, blended, actor=Actor.CUSTOMER, timing="now")
    advance(2026, 6, 1, 9)
    lifecycle.switch_plan(subscription, starter, actor=Actor.CUSTOMER, timing="now")
    advance(2026, 6, 20, 9)
    for n in range(4):
        record_usage(reload(subscription), "new_case", D(1), f"case-{n}")
    advance(2027, 1, 16, 12)

    starter_month = (
        "renewal",
        [("plan", D("45.00"))],
        (D("45.00"), D("9.45"), D("54.45")),
        (D(0), D("54.45")),
    )
    expected = (
        [
            # 16 Feb: 2 x 39.00 = 78.00, 10% off = -7.80; VAT per line 16.38 - 1.64.
            (
                "renewal",
                "2026-02-16",
                [("plan", D("78.00")), ("discount", D("-7.80"))],
                (D("70.20"), D("14.74"), D("84.94")),
                (D(0), D("84.94")),
                "paid",
            ),
            # 1 Mar, third seat: 39.00 x 15 of the period's 28 days (1-15 March) = 20.89; VAT 4.39.
            (
                "change",
                "2026-03-01",
                [("proration", D("20.89"))],
                (D("20.89"), D("4.39"), D("25.28")),
                (D(0), D("25.28")),
                "paid",
            ),
            # 16 Mar and 16 Apr: 3 x 39.00 = 117.00, 10% off = -11.70; VAT 24.57 - 2.46.
            (
                "renewal",
                "2026-03-16",
                [("plan", D("117.00")), ("discount", D("-11.70"))],
                (D("105.30"), D("22.11"), D("127.41")),
                (D(0), D("127.41")),
                "paid",
            ),
            (
                "renewal",
                "2026-04-16",
                [("plan", D("117.00")), ("discount", D("-11.70"))],
                (D("105.30"), D("22.11"), D("127.41")),
                (D(0), D("127.41")),
                "paid",
            ),
            # 20 Apr, upgrade: blended for 26 of 30 days, 3 x 59.00 x 26/30 = 153.40, less the unused part
            # of what April's period cost, 105.30 x 26/30 = 91.26: 62.14; VAT 13.05.
            (
                "change",
                "2026-04-20",
                [("proration", D("62.14"))],
                (D("62.14"), D("13.05"), D("75.19")),
                (D(0), D("75.19")),
                "paid",
            ),
            # 16 May: 3 x 59.00, the code has run out.
            (
                "renewal",
                "2026-05-16",
                [("plan", D("177.00"))],
                (D("177.00"), D("37.17"), D("214.17")),
                (D(0), D("214.17")),
                "paid",
            ),
            # 16 Jun: starter 3 x 15.00, paid whole from the downgrade credit (63.87).
            (
                "renewal",
                "2026-06-16",
                [("plan", D("45.00"))],
                (D("45.00"), D("9.45"), D("54.45")),
                (D("54.45"), D(0)),
                "paid",
            ),
            # 16 Jul: 45.00 + 4 new cases x 5.00; the credit left (63.87 - 54.45 = 9.42) is used first.
            (
                "renewal",
                "2026-07-16",
                [("plan", D("45.00")), ("usage", D("20.00"))],
                (D("65.00"), D("13.65"), D("78.65")),
                (D("9.42"), D("69.23")),
                "paid",
            ),
        ]
        + [(starter_month[0], f"2026-{month:02d}-16", *starter_month[1:], "paid") for month in range(8, 13)]
        + [(starter_month[0], "2027-01-16", *starter_month[1:], "paid")]
    )

    invoices = list(Invoice.objects.filter(subscription=subscription).order_by("period_start", "pk"))
    assert [_figures(invoice) for invoice in invoices] == expected
    numbers = [invoice.number for invoice in sorted(invoices, key=lambda i: i.number or "")]
    assert numbers == [f"INV-{n:06d}" for n in range(1, 15)]  # gap-free, in the order they were made

    # 1 Jun, downgrade now: the unused part of May's 177.00 for 15 of 31 days (85.645...) less starter's
    # price for those days (3 x 15.00 x 15/31 = 21.774...) is one figure, rounded once: 63.87.
    [note] = CreditNote.objects.filter(subscription=subscription)
    assert note.amount == D("63.87")
    assert credit_balance(shop, subscription.customer_key, "EUR") == D(0)
    assert reload(subscription).status == "active"
    assert sum(1 for _ in ports.payments.charges()) == 13  # every invoice but the one the credit paid
