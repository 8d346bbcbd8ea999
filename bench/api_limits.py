"""Benchmark: the largest requests /graphql/ allows answer well within a second, and those over a limit are
refused at once (api/limits.py; issue 13 item 3).

    .venv/bin/python bench/api_limits.py [--repeat 5] [--keep-db]

Uses the PostgreSQL of DATABASE_URL (its name + "_api_bench", dropped and made again); without it, re-runs
itself under scripts/with-postgres. Seeds one shop with 10 plans on one product and a customer with 100
subscriptions, each with 2 open invoices, then posts through Django's test client (the whole view: body,
parse, limits, validation, execution, JSON) with the customer already authenticated (the token check is
the same few milliseconds for any query and needs a Saleor's keys). Prints one line per request, then
JSON `{"name": {"status", "ms_median", "ms_max", "queries"}}`. Not a timed test: figures depend on the
machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.renewals import (  # noqa: E402
    WITH_POSTGRES,
    bench_database_url,
    drop_database,
    recreate_database,
)

REEXEC_FLAG = "SALEOR_SUBSCRIPTIONS_API_BENCH_UNDER_WITH_POSTGRES"
USER_ID = "VXNlcjox"
SUBSCRIPTION_FIELDS = """
    id status channel currency quantity unitPrice startedAt trialEnd currentPeriodStart currentPeriodEnd
    nextBillingAt cancelAt endedAt
    plan { id name terms { version interval intervalCount price setupFee usagePrices { metric price } } }
    terms { version interval price }
    openInvoices { number status currency total amountDue periodStart periodEnd dueAt }
"""
PLAN_FIELDS = """
    id name variantId productId channel currency isDefault status
    terms { version interval intervalCount price setupFee trialDays anchorMode anchorDay
            usagePrices { metric price } }
"""


def aliases(count: int, field: str) -> str:
    return "{ " + " ".join(f"a{i}: {field}" for i in range(count)) + " }"


def requests() -> dict[str, str]:
    from graphql import get_introspection_query, parse

    from saleor_subscriptions.api import limits
    from saleor_subscriptions.api.schema import schema

    roots = limits.MAX_ROOT_FIELDS
    plans = f'plans(product: "UHJvZHVjdDox", channel: "default-channel") {{ {PLAN_FIELDS} }}'
    mine = f"mySubscriptions(first: 100) {{ {SUBSCRIPTION_FIELDS} }}"
    most = limits.MAX_COST // limits.check_limits(schema.graphql_schema, parse(aliases(1, mine)))
    return {
        f"allowed: {most} x mySubscriptions(first: 100), 100 subscriptions": aliases(most, mine),
        f"allowed: {roots} x plans(product), 10 plans": aliases(roots, plans),
        "allowed: the standard introspection query": get_introspection_query(descriptions=True),
        "refused: 1,000 x plans(product)": aliases(1000, 'plans(product: "P", channel: "c") { id }'),
        "refused: 5,000 x mySubscriptions (over the body limit)": aliases(5000, "mySubscriptions { id }"),
    }


def seed() -> Any:
    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.tenants.models import Installation
    from tests.factories import make_plan_version, make_subscription

    installation = Installation.objects.create(saleor_api_url="https://bench.example.com/graphql/")
    versions = [
        make_plan_version(installation, name=f"Plan {k}", price=Decimal("30.00") + k) for k in range(10)
    ]
    for k in range(100):
        subscription = make_subscription(versions[k % 10], customer_user_id=USER_ID, status="active")
        for n in range(2):
            Invoice.objects.create(
                installation=installation,
                subscription=subscription,
                billing_reason=Invoice.Reason.RENEWAL,
                number=f"INV-{k:04d}-{n}",
                status=Invoice.Status.OPEN,
                currency=subscription.currency,
                period_index=n + 1,
                period_start=date(2026, 12, 16),
                period_end=date(2027, 1, 16),
                subtotal=Decimal("30.00"),
                tax=Decimal("0"),
                total=Decimal("30.00"),
                amount_due=Decimal("30.00"),
                due_at=datetime(2026, 12, 16, 5, tzinfo=UTC),
            )
    return installation


def measure(repeat: int) -> dict[str, dict[str, Any]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from saleor_subscriptions.api import views
    from saleor_subscriptions.api.auth import Customer, Principal

    installation = seed()
    principal = Principal(installation=installation, customer=Customer(USER_ID, "piet@example.com"))
    views.authenticate = lambda _request, now=None: principal  # type: ignore[assignment,attr-defined]
    client = Client()
    figures: dict[str, dict[str, Any]] = {}
    for name, query in requests().items():
        body = json.dumps({"query": query})
        times, status, queries = [], 0, 0
        for _ in range(repeat):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.post("/graphql/", body, content_type="application/json")
                times.append((time.perf_counter() - started) * 1000)
            status, queries = response.status_code, len(captured)
            if status == 200 and "errors" in response.json():
                raise SystemExit(f"{name}: {response.json()['errors'][:1]}")
        figures[name] = {
            "status": status,
            "bytes": len(body),
            "ms_median": round(statistics.median(times), 1),
            "ms_max": round(max(times), 1),
            "queries": queries,
        }
        print(
            f"{name}: HTTP {status}, {len(body)} bytes, median {figures[name]['ms_median']} ms, "
            f"max {figures[name]['ms_max']} ms, {queries} queries"
        )
    return figures


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    if not os.environ.get("DATABASE_URL"):
        if os.environ.get(REEXEC_FLAG):
            raise SystemExit("with-postgres set no DATABASE_URL")
        os.environ[REEXEC_FLAG] = "1"
        os.execv(str(WITH_POSTGRES), [str(WITH_POSTGRES), sys.executable, *sys.argv])
    url, name = bench_database_url(os.environ["DATABASE_URL"], "_api_bench")
    recreate_database(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    os.environ.setdefault("SECRET_KEY", "bench-api-limits-" + "x" * 40)
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("migrate", verbosity=0)
        print(json.dumps(measure(args.repeat)))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
