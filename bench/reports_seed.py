"""The reports' shop for `bench/api.py`: one installation in EUR seeded server-side (each table's rows cloned
from one template row made through the models) whose history the reports read, and the report queries it
times (a year of MRR by month, `billingIntegrity`).

80% monthly subscriptions with 11 paid months, 10% weekly with 10 weeks, 10% yearly; every 7th doubles its
quantity from its 6th period, 10% have a 10% discount, 15% are cancelled (a third of those for nonpayment); one
succeeded charge and one done order record per paid renewal, an event per state change and per invoice.
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from typing import Any

MRR_YEAR = """
query { subscriptionReport(currency: "EUR", from: "2026-01-01", to: "2026-12-31", granularity: MONTH) {
  report { buckets { start mrr arr openingMrr activeSubscriptions newSubscriptions
    movements { new expansion contraction churn churnVoluntary churnNonpayment reactivation net }
    churnedSubscriptions { voluntary nonpayment rate } trials { trialing started ended converted } } }
  errors { field code } } }
"""
INTEGRITY = (
    "query { billingIntegrity(limit: 100) { findings { rule invoiceNumber } truncated errors { code } } }"
)
YEAR_BUCKETS = 12


def clone(model: Any, template_pk: int, overrides: dict[str, str], source: str, where: str = "true") -> int:
    """INSERT … SELECT: rows of `model` copied from its row `template_pk` (`t`), one per row of `source` that
    meets `where`, with `overrides` (column → SQL expression) replacing columns."""
    from django.db import connection

    table = model._meta.db_table
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(c, f"t.{c}") for c in columns]
    query = (
        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(values)} "
        f"FROM {table} t, {source} WHERE t.id = {int(template_pk)} AND ({where})"
    )
    with connection.cursor() as cursor:
        cursor.execute(query)
        return int(cursor.rowcount)


def seed(subscriptions: int) -> dict[str, Any]:
    """One installation in EUR: 80% monthly plans (11 paid months each), 10% weekly (10 weeks), 10% yearly
    (1 year); every 7th subscription doubles its quantity from its 6th period, 10% have a 10% discount, 10%
    are cancelled and 5% cancelled for nonpayment after their last invoice; one succeeded charge and one done
    order record per paid invoice."""
    from datetime import UTC, date, datetime
    from decimal import Decimal

    from django.db import connection

    from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine, NumberSequence
    from saleor_subscriptions.renewals.models import PaymentAttempt
    from saleor_subscriptions.saleor.models import OrderRecord, SaleorApp
    from saleor_subscriptions.subscriptions.models import SubscriptionEvent
    from tests.factories import make_installation, make_plan_version, make_subscription

    installation = make_installation(
        time_zone="UTC", sandbox=True, clock=datetime(2026, 12, 31, 12, tzinfo=UTC)
    )
    SaleorApp.objects.create(installation=installation, app_id="QXBwOjE=", token_ciphertext="")
    versions = {
        "month": make_plan_version(installation, name="Monthly", interval="month", price=Decimal("30.00")),
        "week": make_plan_version(installation, name="Weekly", interval="week", price=Decimal("10.00")),
        "year": make_plan_version(installation, name="Yearly", interval="year", price=Decimal("390.00")),
    }
    template = make_subscription(versions["month"], status="active")
    invoice = Invoice.objects.create(
        installation=installation, subscription=template, billing_reason="renewal", number="T", status="paid",
        currency="EUR", period_index=0, period_start=date(2026, 1, 1), period_end=date(2026, 2, 1),
        due_at=datetime(2026, 1, 1, tzinfo=UTC), saleor_order_id="order",
    )  # fmt: skip
    line = InvoiceLine.objects.create(
        installation=installation, invoice=invoice, position=1, kind="plan", target="recurring",
        description="plan", unit_amount=Decimal(30), amount=Decimal(30),
    )  # fmt: skip
    attempt = PaymentAttempt.objects.create(
        installation=installation, invoice=invoice, number=1, idempotency_key="t", amount=Decimal(30),
        currency="EUR", status="succeeded", reference="pi_t",
    )  # fmt: skip
    record = OrderRecord.objects.create(
        invoice=invoice, installation=installation, transactions={"pi_t": "tx"}
    )
    event = SubscriptionEvent.objects.create(
        installation=installation,
        subscription=template,
        actor_type="system",
        kind="start",
        to_status="active",
    )
    mine = f"i.installation_id = {installation.pk}"
    month, week, year = (versions[k].pk for k in ("month", "week", "year"))
    clone(
        type(template), template.pk,
        {"plan_version_id": f"CASE WHEN g % 10 = 8 THEN {week} WHEN g % 10 = 9 THEN {year} ELSE {month} END",
         "customer_email": "'c' || g || '@example.com'", "customer_key": "'email:c' || g || '@example.com'",
         "calendar_start": "date '2026-01-01' + (g % 28)", "quantity": "1", "saleor_order_line_id": "'line-' || g",
         "status": "CASE WHEN g % 20 = 3 THEN 'cancelled' WHEN g % 10 = 1 THEN 'cancelled' ELSE 'active' END"},
        f"generate_series(1, {int(subscriptions)}) g",
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE periods AS "
            "SELECT s.id AS sid, k, v.interval, "
            " s.calendar_start + (k * CASE v.interval WHEN 'month' THEN interval '1 month' WHEN 'week' "
            "   THEN interval '1 week' ELSE interval '1 year' END) AS ps, "
            " s.calendar_start + ((k + 1) * CASE v.interval WHEN 'month' THEN interval '1 month' WHEN 'week' "
            "   THEN interval '1 week' ELSE interval '1 year' END) AS pe, "
            " CASE WHEN v.interval = 'year' THEN 390 WHEN v.interval = 'week' THEN 10 ELSE 30 END "
            "   * CASE WHEN s.id % 7 = 0 AND k >= 5 THEN 2 ELSE 1 END AS listed, "
            " CASE WHEN s.id % 10 = 5 THEN 0.1 ELSE 0 END AS off, "
            " row_number() OVER (ORDER BY s.id, k) AS n "
            "FROM subscriptions_subscription s JOIN catalog_planversion v ON v.id = s.plan_version_id, "
            " generate_series(0, 10) k "
            "WHERE k < CASE v.interval WHEN 'month' THEN 11 WHEN 'week' THEN 10 ELSE 1 END "
            f"AND s.id <> {template.pk} AND s.installation_id = {installation.pk}")  # fmt: skip
    clone(
        Invoice, invoice.pk,
        {"subscription_id": "p.sid", "number": "'INV-' || lpad(p.n::text, 7, '0')", "period_index": "p.k",
         "period_start": "p.ps::date", "period_end": "p.pe::date", "billing_reason": "CASE WHEN p.k = 0 THEN 'signup' ELSE 'renewal' END",
         "subtotal": "p.listed * (1 - p.off)", "total": "p.listed * (1 - p.off)", "amount_due": "p.listed * (1 - p.off)",
         "amount_paid": "p.listed * (1 - p.off)", "due_at": "p.ps", "issued_at": "p.ps", "paid_at": "p.ps",
         "created_at": "p.ps", "saleor_order_id": "'order-' || p.n"},
        "periods p",
    )  # fmt: skip
    clone(
        InvoiceLine, line.pk,
        {"invoice_id": "i.id", "unit_amount": "p.listed", "amount": "p.listed", "period_start": "p.ps::date",
         "period_end": "p.pe::date"},
        "invoicing_invoice i JOIN periods p ON p.sid = i.subscription_id AND p.k = i.period_index",
    )  # fmt: skip
    clone(
        InvoiceLine, line.pk,
        {"invoice_id": "i.id", "position": "2", "kind": "'discount'", "unit_amount": "-p.listed * p.off",
         "amount": "-p.listed * p.off", "description": "'discount'"},
        "invoicing_invoice i JOIN periods p ON p.sid = i.subscription_id AND p.k = i.period_index",
        "p.off > 0",
    )  # fmt: skip
    clone(
        PaymentAttempt, attempt.pk,
        {"invoice_id": "i.id", "idempotency_key": "'invoice-' || i.id || '-attempt-1'", "amount": "i.amount_paid",
         "reference": "'pi_' || i.id", "created_at": "i.due_at", "completed_at": "i.due_at"},
        "invoicing_invoice i", f"i.billing_reason = 'renewal' AND i.id <> {invoice.pk} AND {mine}",
    )  # fmt: skip
    clone(
        OrderRecord, record.pk,
        {"invoice_id": "i.id", "transactions": "jsonb_build_object('pi_' || i.id, 'tx')", "done_at": "i.due_at",
         "created_at": "i.due_at"},
        "invoicing_invoice i", f"i.billing_reason = 'renewal' AND i.id <> {invoice.pk} AND {mine}",
    )  # fmt: skip
    subs = "subscriptions_subscription s"
    own = f"s.installation_id = {installation.pk}"
    events = [
        ("s.calendar_start::timestamptz", "'start'", "''", "'incomplete'", subs, own),
        ("s.calendar_start::timestamptz", "'activate'", "'incomplete'", "'active'", subs, own),
        ("i.created_at", "'invoiced'", "'active'", "'active'",
         "invoicing_invoice i JOIN subscriptions_subscription s ON s.id = i.subscription_id", f"i.id <> {invoice.pk} AND {own}"),
        ("(SELECT max(period_end) FROM invoicing_invoice x WHERE x.subscription_id = s.id)::timestamptz",
         "CASE WHEN s.id % 20 = 3 THEN 'cancel_for_nonpayment' ELSE 'finish_cancellation' END", "'active'",
         "'cancelled'", subs, f"s.status = 'cancelled' AND {own}"),
    ]  # fmt: skip
    for at, kind, before, after, source, where in events:
        clone(
            SubscriptionEvent, event.pk,
            {"subscription_id": "s.id", "at": at, "kind": kind, "from_status": before, "to_status": after},
            source, where,
        )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM subscriptions_subscriptionevent WHERE subscription_id = %s", [template.pk]
        )
        for model in (OrderRecord, PaymentAttempt, InvoiceLine):
            cursor.execute(f"DELETE FROM {model._meta.db_table} WHERE invoice_id = %s", [invoice.pk])
        cursor.execute("DELETE FROM invoicing_invoice WHERE id = %s", [invoice.pk])
        cursor.execute("DELETE FROM subscriptions_subscription WHERE id = %s", [template.pk])
    NumberSequence.objects.update_or_create(
        installation=installation, kind="invoice",
        defaults={"prefix": "INV-", "next_number": Invoice.objects.filter(installation=installation).count() + 1},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"installation": installation, "invoices": Invoice.objects.filter(installation=installation).count()}
