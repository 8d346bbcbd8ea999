"""Invoices and credit notes with real figures, for the document and email tests (seed 001/004 prices)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from saleor_subscriptions.invoicing.models import CreditNote, Invoice, InvoiceLine
from saleor_subscriptions.invoicing.parties import stamp_parties
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription

DUE = datetime(2026, 12, 16, 5, 0, tzinfo=UTC)  # 06:00 in Amsterdam
PAID = datetime(2026, 12, 16, 5, 2, tzinfo=UTC)


@dataclass(frozen=True)
class LineSpec:
    description: str
    reason: str
    quantity: Decimal
    unit_amount: Decimal
    amount: Decimal
    tax_amount: Decimal
    kind: str = "plan"
    target: str = ""
    tax_rate: Decimal | None = Decimal("0.21")


# Seed 001 "standard" for two practitioners, net prices with 21% VAT, plus a 10% discount code.
STANDARD_LINES = (
    LineSpec(
        "Standard monthly, 16 December 2026 to 15 January 2027",
        "2 \u00d7 39.00",
        Decimal(2),
        Decimal("39.00"),
        Decimal("78.00"),
        Decimal("16.38"),
    ),
    LineSpec(
        "Setup fee",
        "2 \u00d7 25.00, first invoice only",
        Decimal(2),
        Decimal("25.00"),
        Decimal("50.00"),
        Decimal("10.50"),
        kind="setup_fee",
    ),
    LineSpec(
        "Discount WELKOM10",
        "10% of 78.00, once",
        Decimal(1),
        Decimal("-7.80"),
        Decimal("-7.80"),
        Decimal("-1.64"),
        kind="discount",
        target="recurring",
    ),
)


# A Dutch seller with every detail an invoice needs (VAT directive art. 226).
SELLER = {
    "seller_name": "Praktijk & Co B.V.",
    "seller_address": "Keizersgracht 1\n1015 CJ Amsterdam",
    "seller_vat_number": "NL804733568B01",
    "seller_registration_number": "12345678",
}
# A business buyer in Belgium (with its VAT number) and a consumer in the Netherlands.
BUSINESS = {
    "billing_address": {
        "firstName": "Piet",
        "lastName": "Peeters",
        "companyName": "Kine Gent BV",
        "streetAddress1": "Veldstraat 10",
        "postalCode": "9000",
        "city": "Gent",
        "country": "BE",
    },
    "customer_vat_number": "BE0123456749",
}
CONSUMER = {
    "billing_address": {
        "firstName": "Anna",
        "lastName": "de Vries",
        "streetAddress1": "Damrak 1",
        "postalCode": "1012 LG",
        "city": "Amsterdam",
        "country": "NL",
    },
}


def shop(language: str = "en", **fields: Any) -> Installation:
    fields.setdefault("name", "Praktijk & Co")
    fields.setdefault("time_zone", "Europe/Amsterdam")
    return make_installation(f"https://{language}.shop.example.com/graphql/", language=language, **fields)


def subscriber(installation: Installation, **fields: Any) -> Subscription:
    version = make_plan_version(installation, name=fields.pop("plan_name", "Standard monthly"))
    fields.setdefault("quantity", 2)
    fields.setdefault("status", "active")
    fields.setdefault("current_period_start", date(2026, 12, 16))
    fields.setdefault("current_period_end", date(2027, 1, 16))
    fields.setdefault("next_billing_at", datetime(2027, 1, 16, 5, 0, tzinfo=UTC))
    return make_subscription(version, customer_email="piet@example.com", **fields)


def invoice_for(
    subscription: Subscription,
    lines: tuple[LineSpec, ...] = STANDARD_LINES,
    *,
    number: str = "F2026-0007",
    credit_applied: Decimal = Decimal(0),
    paid: bool = False,
    status: str | None = None,
) -> Invoice:
    """An invoice whose totals are the sums of its lines, with `credit_applied` taken off the amount due, the
    seller and buyer copied from the installation and subscription as an issued invoice has them."""
    subtotal = sum((line.amount for line in lines), Decimal(0))
    tax = sum((line.tax_amount for line in lines), Decimal(0))
    total = subtotal + tax
    due = total - credit_applied
    invoice = Invoice(
        installation=subscription.installation,
        subscription=subscription,
        billing_reason=Invoice.Reason.RENEWAL,
        number=number,
        status=status or (Invoice.Status.PAID if paid else Invoice.Status.OPEN),
        currency=subscription.currency,
        period_index=1,
        period_start=date(2026, 12, 16),
        period_end=date(2027, 1, 16),
        subtotal=subtotal,
        tax=tax,
        total=total,
        credit_applied=credit_applied,
        amount_due=due,
        amount_paid=due if paid else Decimal(0),
        due_at=DUE,
        issued_at=datetime(2026, 12, 9, 5, 0, tzinfo=UTC),
        paid_at=PAID if paid else None,
    )
    stamp_parties(invoice, subscription.installation, subscription)
    invoice.save()
    for position, line in enumerate(lines, start=1):
        InvoiceLine.objects.create(
            installation=invoice.installation,
            invoice=invoice,
            position=position,
            kind=line.kind,
            target=line.target,
            description=line.description,
            reason=line.reason,
            quantity=line.quantity,
            unit_amount=line.unit_amount,
            amount=line.amount,
            tax_amount=line.tax_amount,
            tax_rate=line.tax_rate,
        )
    return invoice


def credit_note_for(subscription: Subscription, invoice: Invoice | None = None) -> CreditNote:
    note = CreditNote(
        installation=subscription.installation,
        number="C2026-0002",
        subscription=subscription,
        invoice=invoice,
        customer_key=subscription.customer_key,
        currency=subscription.currency,
        amount=Decimal("19.50"),
        reason="Downgrade to Starter on 1 January 2027: 15 unused days of 30 \u00d7 39.00",
        created_at=datetime(2027, 1, 1, 9, 0, tzinfo=UTC),
    )
    stamp_parties(note, subscription.installation, subscription)
    note.save()
    return note
