"""Benchmark of the shop owner's reports: a year of MRR by month (`subscriptionReport`) and `billingIntegrity`
over a seeded installation (by default 100,000 subscriptions and about 1,000,000 invoices).

    .venv/bin/python bench/api_reports.py [--subscriptions 100000] [--repeat 20] [--keep-db]

Drops and recreates its own database (DATABASE_URL's name + "_reports_bench"), migrates it, seeds it with
server-side multi-row INSERTs (each table's rows cloned from one template row made through the models), builds
the MRR change table once (timed: `refresh_s`), then runs the GraphQL `subscriptionReport` of 12 months (MRR,
ARR, movements, counts) `--repeat` times as a staff caller, and `billingIntegrity` once. The last line of
output is JSON: `{"subscriptions", "invoices", "refresh_s", "mrr_year_p95_ms", "integrity_s", ...}`.
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.renewals import bench_database_url, recreate_database  # noqa: E402

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


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    os.environ.setdefault("SECRET_KEY", "bench-reports-" + "x" * 40)
    os.environ["DEBUG"] = "false"
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


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
            f"AND s.id <> {template.pk}")  # fmt: skip
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
        "invoicing_invoice i", f"i.billing_reason = 'renewal' AND i.id <> {invoice.pk}",
    )  # fmt: skip
    clone(
        OrderRecord, record.pk,
        {"invoice_id": "i.id", "transactions": "jsonb_build_object('pi_' || i.id, 'tx')", "done_at": "i.due_at",
         "created_at": "i.due_at"},
        "invoicing_invoice i", f"i.billing_reason = 'renewal' AND i.id <> {invoice.pk}",
    )  # fmt: skip
    subs = "subscriptions_subscription s"
    events = [
        ("s.calendar_start::timestamptz", "'start'", "''", "'incomplete'", subs, "true"),
        ("s.calendar_start::timestamptz", "'activate'", "'incomplete'", "'active'", subs, "true"),
        ("i.created_at", "'invoiced'", "'active'", "'active'",
         "invoicing_invoice i JOIN subscriptions_subscription s ON s.id = i.subscription_id", f"i.id <> {invoice.pk}"),
        ("(SELECT max(period_end) FROM invoicing_invoice x WHERE x.subscription_id = s.id)::timestamptz",
         "CASE WHEN s.id % 20 = 3 THEN 'cancel_for_nonpayment' ELSE 'finish_cancellation' END", "'active'",
         "'cancelled'", subs, "s.status = 'cancelled'"),
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
        defaults={"prefix": "INV-", "next_number": Invoice.objects.count() + 1},
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"installation": installation, "invoices": Invoice.objects.count()}


def staff_context(installation: Any) -> Any:
    from django.test import RequestFactory

    from saleor_subscriptions.api.auth import Principal, Staff
    from saleor_subscriptions.api.context import ApiContext

    staff = Staff("VXNlcjox", "owner@example.com", "QXBwOjE=", frozenset({"MANAGE_ORDERS"}))
    return ApiContext(RequestFactory().post("/graphql/"), Principal(installation=installation, staff=staff))


def run(query: str, context: Any) -> dict[str, Any]:
    from saleor_subscriptions.api.schema import schema

    result = schema.execute(query, context_value=context)
    assert not result.errors, result.errors
    return dict(result.data or {})


def mrr_year_p95_ms(installation: Any, repeat: int = 20) -> float:
    """p95 of `repeat` runs of a year of MRR by month through the GraphQL schema (the change table current)."""
    context = staff_context(installation)
    times = []
    for _ in range(repeat):
        began = time.perf_counter()
        data = run(MRR_YEAR, context)
        times.append((time.perf_counter() - began) * 1000)
        assert len(data["subscriptionReport"]["report"]["buckets"]) == 12
    return statistics.quantiles(times, n=20, method="inclusive")[-1] if len(times) > 1 else times[0]


def integrity_seconds(installation: Any) -> tuple[float, int]:
    """Seconds of one `billingIntegrity(limit: 100)`, and how many rows it listed."""
    context = staff_context(installation)
    began = time.perf_counter()
    data = run(INTEGRITY, context)
    return time.perf_counter() - began, len(data["billingIntegrity"]["findings"])


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--keep-db", action="store_true", help="reuse the seeded database of an earlier run")
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/saleor_subscriptions")
    bench_url, name = bench_database_url(url, "_reports_bench")
    os.environ["DATABASE_URL"] = bench_url
    if not args.keep_db:
        recreate_database(url, name)
    setup_django()
    from django.core.management import call_command

    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.reports.changes import refresh
    from saleor_subscriptions.subscriptions.models import Subscription
    from saleor_subscriptions.tenants.models import Installation

    began = time.perf_counter()
    if not args.keep_db:
        call_command("migrate", verbosity=0)
        seed(args.subscriptions)
    seed_s = time.perf_counter() - began
    installation = Installation.objects.get()
    began = time.perf_counter()
    refresh(installation.pk, full=True)
    refresh_s = time.perf_counter() - began
    p95 = mrr_year_p95_ms(installation, args.repeat)
    integrity_s, listed = integrity_seconds(installation)
    print(
        json.dumps(
            {
                "subscriptions": Subscription.objects.count(),
                "invoices": Invoice.objects.count(),
                "seed_s": round(seed_s, 1),
                "refresh_s": round(refresh_s, 2),
                "mrr_year_p95_ms": round(p95, 1),
                "integrity_s": round(integrity_s, 2),
                "integrity_findings": listed,
            }
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
