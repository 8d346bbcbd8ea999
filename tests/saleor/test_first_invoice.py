"""The sign-up's invoice (BILLING_RULES §4): made when the checkout's order is paid, numbered in the one
sequence, linked to that order, paid on its pay date, emailed as paid; its lines say why they are there; one
per subscription however often and in whatever order the order's webhooks come."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.saleor.webhooks.tasks import apply_delivery
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.lifecycle.helpers import at, plan, sandbox
from tests.saleor.test_activation import ORDER_ID, deliver, order_line, order_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop() -> Installation:
    return sandbox(at(2026, 11, 16), time_zone="UTC")


def line_for(
    version: PlanVersion,
    unit_price: str,
    *,
    line_id: str = "T3JkZXJMaW5lOjE=",
    quantity: int = 1,
    code: str = "",
) -> dict[str, Any]:
    """The order line the checkout hook leaves: the plan's variant at the unit price it charged."""
    metadata = line_metadata.encode(
        line_metadata.SubscriptionLine(version.plan_id, version.pk, code, Decimal(unit_price))
    )
    return order_line(
        line_id, variant=version.plan.variant_id, price=unit_price, quantity=quantity, metadata=metadata
    )


def paid(shop: Installation, *lines: dict[str, Any]) -> dict[str, Any]:
    payload = order_payload(*lines)
    delivery = deliver(shop, "order-fully-paid", payload)
    assert delivery.status == "processed", delivery.outcome
    return dict(delivery.outcome)


def lines_of(invoice: Invoice) -> list[tuple[str, str, Decimal, str]]:
    return [(ln.kind, ln.description, ln.amount, ln.reason) for ln in invoice.lines.order_by("position")]


def test_a_paid_sign_up_has_its_invoice_numbered_paid_on_its_order_and_emailed_with_the_pay_date(shop):
    monthly = plan(shop, "39.00", variant_id="dmFyLTE=", currency="USD")
    outcome = paid(shop, line_for(monthly, "39.00"))

    invoice = Invoice.objects.get()
    subscription = Subscription.objects.get()
    assert outcome["invoices"] == ["INV-000001"]
    assert (invoice.number, invoice.billing_reason, invoice.status) == ("INV-000001", "signup", "paid")
    assert (invoice.subscription, invoice.saleor_order_id, invoice.currency) == (
        subscription,
        ORDER_ID,
        "USD",
    )
    assert (invoice.period_index, invoice.period_start, invoice.period_end) == (
        0,
        date(2026, 11, 16),
        date(2026, 12, 16),
    )
    assert (invoice.subtotal, invoice.tax, invoice.total, invoice.amount_paid) == (
        Decimal("39.00"),
        Decimal("0.00"),
        Decimal("39.00"),
        Decimal("39.00"),
    )
    assert invoice.paid_at == at(2026, 11, 16) and invoice.pipeline_step == "done"
    assert lines_of(invoice) == [
        ("plan", "Monthly plan, 16 Nov 2026 – 16 Dec 2026", Decimal("39.00"), "39.00 × 1")
    ]
    receipt = OutgoingEmail.objects.get(kind="receipt")
    assert (receipt.invoice, receipt.attach_invoice_pdf, receipt.to_email) == (
        invoice,
        True,
        subscription.customer_email,
    )
    assert "INV-000001" in receipt.text_body and "Paid on: 16 November 2026" in receipt.text_body


def test_a_prorated_first_period_says_its_formula(shop):
    """Seed 004: 30.00 a month, anchor the 1st, bought on 16 November: 15 of November's 30 days, 15.00."""
    anchored = plan(
        shop, "30.00", variant_id="dmFyLTI=", currency="USD", anchor_mode="day_of_month", anchor_day=1
    )
    paid(shop, line_for(anchored, "15.00"))

    invoice = Invoice.objects.get()
    assert (invoice.period_start, invoice.period_end, invoice.total) == (
        date(2026, 11, 16),
        date(2026, 12, 1),
        Decimal("15.00"),
    )
    assert lines_of(invoice) == [
        (
            "proration",
            "Monthly plan, 16 Nov 2026 – 1 Dec 2026 (15 of 30 days)",
            Decimal("15.00"),
            "30.00 × 1 × 15/30 days",
        )
    ]


def test_a_free_trial_without_setup_fee_has_a_paid_invoice_of_0(shop):
    trial = plan(shop, "39.00", variant_id="dmFyLTM=", currency="USD", trial_days=14)
    paid(shop, line_for(trial, "0.00"))

    invoice = Invoice.objects.get()
    assert Subscription.objects.get().status == "trialing"
    assert (invoice.status, invoice.total, invoice.period_index) == ("paid", Decimal("0.00"), -1)
    assert (invoice.period_start, invoice.period_end) == (date(2026, 11, 16), date(2026, 11, 30))
    assert [(kind, amount) for kind, _, amount, _ in lines_of(invoice)] == [("trial", Decimal("0.00"))]
    assert "14 days free" in lines_of(invoice)[0][3]
    assert OutgoingEmail.objects.filter(kind="receipt", invoice=invoice).exists()


def test_a_trial_with_a_setup_fee_invoices_the_fee_and_a_code_on_it(shop):
    trial = plan(
        shop, "39.00", variant_id="dmFyLTQ=", currency="USD", trial_days=14, setup_fee=Decimal("20.00")
    )
    DiscountCode.objects.create(
        installation=shop, code="HALFSETUP", kind="percentage", percent=50, applies_to="setup_fee"
    )
    paid(shop, line_for(trial, "10.00", code="HALFSETUP"))

    invoice = Invoice.objects.get()
    assert [(kind, desc, amount) for kind, desc, amount, _ in lines_of(invoice)] == [
        ("trial", "Free trial, 16 Nov 2026 – 30 Nov 2026", Decimal("0.00")),
        ("setup_fee", "Setup fee", Decimal("20.00")),
        ("discount", "Discount HALFSETUP: 50% off setup fee", Decimal("-10.00")),
    ]
    assert invoice.total == Decimal("10.00")


@pytest.mark.parametrize(
    ("duration", "periods", "used", "ended"),
    [("once", None, 1, True), ("repeating", 3, 1, False), ("forever", None, 1, False)],
)
def test_the_sign_up_code_discounts_the_first_invoice_and_counts_it(shop, duration, periods, used, ended):
    monthly = plan(shop, "39.00", variant_id="dmFyLTU=", currency="USD")
    DiscountCode.objects.create(
        installation=shop,
        code="HALF",
        kind="percentage",
        percent=50,
        duration=duration,
        duration_periods=periods,
    )
    paid(shop, line_for(monthly, "19.50", code="half"))

    invoice = Invoice.objects.get()
    assert [(kind, desc, amount) for kind, desc, amount, _ in lines_of(invoice)] == [
        ("plan", "Monthly plan, 16 Nov 2026 – 16 Dec 2026", Decimal("39.00")),
        ("discount", "Discount HALF: 50% off Monthly plan", Decimal("-19.50")),
    ]
    assert lines_of(invoice)[1][3] == "50% of 39.00"
    redemption = DiscountRedemption.objects.get()
    assert (redemption.periods_used, redemption.ended_at is not None) == (used, ended)


def test_a_unit_price_rounded_down_at_checkout_is_a_line_so_the_invoice_is_what_was_charged(shop):
    """10.00 x 3 less 0.01 off is 29.99; the checkout line holds 9.99 a unit, so 29.97 was charged."""
    monthly = plan(shop, "10.00", variant_id="dmFyLTY=", currency="USD")
    DiscountCode.objects.create(
        installation=shop, code="CENT", kind="fixed", amount_off=Decimal("0.01"), currency="USD"
    )
    paid(shop, line_for(monthly, "9.99", quantity=3, code="CENT"))

    invoice = Invoice.objects.get()
    assert invoice.total == Decimal("29.97")
    assert lines_of(invoice)[-1] == (
        "discount",
        "Rounded down to a whole unit price",
        Decimal("-0.02"),
        "the checkout charges a unit price: 3 × 9.99 = 29.97 of 29.99",
    )


def test_two_subscription_lines_get_two_invoices_numbered_in_the_one_sequence(shop):
    monthly = plan(shop, "39.00", variant_id="dmFyLTc=", currency="USD")
    yearly = plan(shop, "390.00", variant_id=monthly.plan.variant_id, currency="USD", interval="year")
    paid(shop, line_for(monthly, "39.00", line_id="bGluZS0x"), line_for(yearly, "390.00", line_id="bGluZS0y"))

    assert list(Invoice.objects.order_by("number").values_list("number", "total", "saleor_order_id")) == [
        ("INV-000001", Decimal("39.00"), ORDER_ID),
        ("INV-000002", Decimal("390.00"), ORDER_ID),
    ]


@pytest.mark.parametrize(
    "sequence",
    [
        ["order-created", "order-fully-paid", "order-fully-paid"],
        ["order-fully-paid", "order-created", "order-fully-paid", "order-created"],
    ],
)
def test_the_order_applied_again_makes_no_second_invoice_and_no_second_receipt(shop, sequence):
    monthly = plan(shop, "39.00", variant_id="dmFyLTg=", currency="USD")
    payload = order_payload(line_for(monthly, "39.00"))
    outcomes = [deliver(shop, name, payload).outcome for name in sequence]

    assert Invoice.objects.count() == 1 and OutgoingEmail.objects.filter(kind="receipt").count() == 1
    assert [o.get("skipped") for o in outcomes] == [None] * len(sequence)  # never "a renewal order"
    assert sum(len(o.get("invoices", [])) for o in outcomes) == 1


def test_an_unpaid_order_has_no_invoice_yet(shop):
    monthly = plan(shop, "39.00", variant_id="dmFyLTk=", currency="USD")
    deliver(shop, "order-created", order_payload(line_for(monthly, "39.00")))

    assert not Invoice.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_order_created_and_fully_paid_racing_make_one_invoice(shop):
    """Both deliveries say the order is paid (its transactions cover the total), applied at the same time by
    two workers: the order's lock makes one wait, and it finds the subscription active and invoiced."""
    monthly = plan(shop, "39.00", variant_id="dmFyLTEw=", currency="USD")
    payload = order_payload(line_for(monthly, "39.00"), charged="39.00")
    deliveries = [deliver_later(shop, name, payload) for name in ("order-created", "order-fully-paid") * 2]
    barrier = threading.Barrier(len(deliveries))

    def apply(delivery_id: int) -> None:
        try:
            barrier.wait()
            apply_delivery(delivery_id)
        finally:
            connection.close()

    threads = [threading.Thread(target=apply, args=(pk,)) for pk in deliveries]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert Subscription.objects.get().status == "active"
    assert list(Invoice.objects.values_list("number", flat=True)) == ["INV-000001"]
    assert OutgoingEmail.objects.filter(kind="receipt").count() == 1


def deliver_later(shop: Installation, name: str, payload: dict[str, Any]) -> int:
    """A delivery stored as the intake stores it, not applied yet."""
    webhook = WEBHOOKS[name]
    return WebhookDelivery.objects.create(
        name=name,
        event=webhook.event.lower(),
        saleor_api_url=shop.saleor_api_url,
        installation=shop,
        body=json.dumps(payload).encode(),
        dedupe_key=uuid.uuid4().hex,
        accepted=True,
        object_id=webhook.subject(payload),
    ).pk


def test_the_first_invoice_document_shows_its_lines_and_that_it_was_paid_with_the_date(shop):
    monthly = plan(shop, "39.00", variant_id="dmFyLTEx", currency="USD", setup_fee=Decimal("10.00"))
    DiscountCode.objects.create(installation=shop, code="HALF", kind="percentage", percent=50)
    paid(shop, line_for(monthly, "29.50", code="HALF"))

    text = pdf_text(render_invoice_pdf(Invoice.objects.get()))

    assert "Invoice INV-000001" in text
    assert "Monthly plan, 16 Nov 2026 – 16 Dec 2026" in text and "39.00 × 1" in text
    assert "Setup fee" in text and "Discount HALF: 50% off Monthly plan" in text and "50% of 39.00" in text
    assert "Total US$29.50" in text
    assert "Status: Paid on 16 November 2026" in text


@pytest.mark.parametrize(
    ("metadata", "vat_number", "warned"),
    [
        ([{"key": "vat_number", "value": "be 0123.456.749"}], "BE0123456749", False),
        ([], "", False),
        ([{"key": "vat_number", "value": "12345"}], "", True),
    ],
)
def test_the_orders_vat_number_metadata_names_a_business_buyer_and_a_bad_one_is_left_off_with_a_warning(
    shop, metadata, vat_number, warned
):
    monthly = plan(shop, "39.00", variant_id="dmFyLTE=", currency="USD")
    line = line_for(monthly, "39.00")
    line["taxRate"] = 0.21
    payload = order_payload(line)
    payload["order"]["metadata"] = metadata
    delivery = deliver(shop, "order-fully-paid", payload)
    assert delivery.status == "processed", delivery.outcome

    invoice = Invoice.objects.get()
    assert invoice.buyer["vat_number"] == Subscription.objects.get().customer_vat_number == vat_number
    assert [ln.tax_rate for ln in invoice.lines.all()] == [Decimal("0.2100")]
    assert invoice.missing_seller_details is True  # the sandbox shop has set no seller details
    said = [w for w in delivery.outcome["warnings"] if "vat_number" in w]
    assert said == (
        [
            "the order's vat_number is left off its invoices: '12345' is not a VAT number: two letters of "
            "the country (NL, BE, DE, …) then 2 to 13 letters and digits"
        ]
        if warned
        else []
    )


def test_an_order_line_tax_rate_that_is_no_number_fails_the_order(shop):
    monthly = plan(shop, "39.00", variant_id="dmFyLTE=", currency="USD")
    line = line_for(monthly, "39.00")
    line["taxRate"] = "much"
    delivery = deliver(shop, "order-fully-paid", order_payload(line))

    assert delivery.status != "processed"
    assert "taxRate is not a number: 'much'" in str(delivery.outcome)
    assert not Invoice.objects.exists()
