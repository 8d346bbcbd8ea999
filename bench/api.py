"""Benchmark of the shop owner's API on a large shop: the staff list of subscriptions, a customer's
`mySubscriptions`, a year of MRR by month and `billingIntegrity`.

    .venv/bin/python bench/api.py [--subscriptions 100000] [--invoices 1000000] [--repeat 20] [--explain 3]
                                  [--only TEXT,…] [--no-reports] [--small] [--keep-db]

Uses the PostgreSQL of DATABASE_URL (its name + "_api_bench", dropped and made again); without it, re-runs
itself under scripts/with-postgres. `--small`, to iterate: `--subscriptions 2000 --invoices 20000 --repeat 5`.

Two shops, each seeded in SQL (INSERT … SELECT over generate_series: seconds, not the ORM row by row):

- the list's shop: 20 plans in two channels, the subscriptions in every state (two per customer, names and
  emails varied, a saved card or SEPA debit), their invoices (the last one open for past-due and suspended
  subscriptions, some with a failed Saleor order or a charge waiting for 3-D Secure);
- the reports' shop (`bench/reports_seed.py`: as many subscriptions, about ten invoices each, with their
  lines, charges, order records and events): its MRR change table is built ahead of time by the beat task
  (`reports.refresh_mrr_changes`, timed: `prebuild_s`), as in production.

Then posts through Django's test client (the whole view: parse, limits, validation, execution, JSON), the
caller already authenticated (the token check is the same few milliseconds for any query and needs a Saleor's
keys):

- the first page of `subscriptions(first: 20)` with the list's columns, under no filter, each single filter
  and each kind of search (`list_p95_ms`: the worst of them); the same with `totalCount` and `statusCounts`
  (`list_with_counts_p95_ms`); sorted by next billing, status, customer and amount (`list_sorted_p95_ms`);
- a customer's `mySubscriptions` (`my_subscriptions_p95_ms`);
- `subscriptionReport` of 2026 by month (MRR, ARR, movements, counts: `mrr_year_p95_ms`);
- `billingIntegrity(limit: 100)` (`integrity_s`, the longest of 3 runs).

Besides each case's p95 (elapsed), its mean CPU time per request: this process's and its PostgreSQL
backend's (from /proc, when the server runs on this machine), which depends far less than the elapsed time
on what else the machine runs (`*_cpu_ms`), and the load average. Prints one line per case, the EXPLAIN
(ANALYZE, BUFFERS) plans of the slowest cases' slowest query (`--explain`), then one JSON line:
`{"subscriptions", "invoices", "list_p95_ms", "my_subscriptions_p95_ms", "mrr_year_p95_ms", "integrity_s",
…}` (the counts are of one shop each). Not a timed test: figures depend on the machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.renewals import (  # noqa: E402
    WITH_POSTGRES,
    backend_cpu_s,
    bench_database_url,
    drop_database,
    process_cpu_s,
    recreate_database,
)

REEXEC_FLAG = "SALEOR_SUBSCRIPTIONS_STAFF_API_BENCH_UNDER_WITH_POSTGRES"
PAGE = 20
CUSTOMER = "VXNlcjo1"
NODE = (
    "edges { node { id number status customerEmail customerName amount paymentMethodType attention"
    " plan { name } channel currency quantity nextBillingAt createdAt } }"
)
LIST = (
    "query List($filter: SubscriptionFilterInput, $search: String, $sortBy: SubscriptionSortingInput) {"
    f" subscriptions(filter: $filter, search: $search, sortBy: $sortBy, first: {PAGE}) {{"
    f" pageInfo {{ hasNextPage endCursor }} {NODE} }} }}"
)
COUNTED = LIST.replace("pageInfo", "totalCount statusCounts { status count } pageInfo")
MINE = """
{ mySubscriptions { id status channel currency quantity unitPrice currentPeriodStart currentPeriodEnd
    nextBillingAt cancelAt plan { id name } terms { version interval price }
    openInvoices { number status total amountDue dueAt } } }
"""
FIRST_NAMES = ["Anna", "Bram", "Chloé", "Daan", "Eva", "Finn", "Gijs", "Hanna", "Ivo", "Julia"]
LAST_NAMES = ["de Vries", "Jansen", "Bakker", "Visser", "Smit", "Meijer", "Mulder", "Bos", "Vos", "Peters"]


def seed(subscriptions: int, invoices: int) -> dict[str, Any]:
    """The shop (see the module doc), in SQL; returns what the cases name."""
    from decimal import Decimal

    from django.db import connection

    from saleor_subscriptions.tenants.models import Installation
    from tests.factories import make_plan_version

    installation = Installation.objects.create(saleor_api_url="https://bench.example.com/graphql/")
    versions = []
    for k in range(20):
        version = make_plan_version(
            installation, name=f"Plan {k}", price=Decimal("10.00") + k, variant_id=f"VmFyaWFudDo{k % 5}"
        )
        version.plan.channel_slug = "eu" if k % 4 == 0 else "default-channel"
        version.plan.product_id = f"UHJvZHVjdDo{k % 3}"
        version.plan.save()
        versions.append(version.pk)
    customers = max(1, subscriptions // 2)
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO subscriptions_subscription (
              installation_id, plan_version_id, customer_user_id, customer_email, customer_key, channel_slug,
              currency, quantity, status, time_zone, started_at, calendar_start, current_period_index,
              calendar_index_offset, current_period_start, current_period_end, next_billing_at, cycles_billed,
              setup_fee_billed, cancel_at_period_end, cancel_reason, cancelled_at, skip_periods,
              past_due_since, suspended_at, saleor_order_id, saleor_order_line_id, created_at, updated_at,
              billing_address, shipping_address, shipping_method_id, customer_vat_number)
            SELECT %(installation)s, (%(versions)s::bigint[])[1 + g %% 20],
              'VXNlcjo' || (g %% %(customers)s), 'customer' || (g %% %(customers)s) || '@example.com',
              'user:VXNlcjo' || (g %% %(customers)s),
              CASE WHEN g %% 20 %% 4 = 0 THEN 'eu' ELSE 'default-channel' END, 'EUR', 1 + g %% 3,
              (ARRAY['past_due','suspended','cancelled','cancelled','paused','trialing','incomplete','active',
                     'active','active','active','active','active','active','active','active','active','active',
                     'active','active'])[1 + (g / 20) %% 20],
              'Europe/Amsterdam', now() - (g %% 900) * interval '1 day', current_date, 0, 0,
              current_date - 10, current_date + 20,
              CASE WHEN (g / 20) %% 20 IN (2, 3, 6) THEN NULL
                   ELSE now() + (g %% 43200) * interval '1 minute' END,
              0, true, false, '',
              CASE WHEN (g / 20) %% 20 IN (2, 3) THEN now() - (g %% 300) * interval '1 day' END, '[]',
              CASE WHEN (g / 20) %% 20 IN (0, 1) THEN current_date - 5 END,
              CASE WHEN (g / 20) %% 20 = 1 THEN now() - interval '1 day' END,
              'T3JkZXI6' || g, 'T3JkZXJMaW5lOg' || g,
              now() - (g %% 900) * interval '1 day' - g * interval '1 second', now(),
              jsonb_build_object('firstName', (%(first)s::text[])[1 + g %% 10],
                                 'lastName', (%(last)s::text[])[1 + (g / 10) %% 10] || ' ' || g),
              '{}', '', ''
            FROM generate_series(1, %(n)s) AS g
            """,
            {
                "installation": installation.pk,
                "versions": versions,
                "customers": customers,
                "first": FIRST_NAMES,
                "last": LAST_NAMES,
                "n": subscriptions,
            },
        )
        cursor.execute(
            "SELECT count(*) FROM subscriptions_subscription"
            " WHERE installation_id = %s AND status <> 'incomplete'",
            [installation.pk],
        )
        (billed,) = cursor.fetchone()
        per, extra = divmod(invoices, max(1, billed))
        # Each subscription that was paid for has `per` invoices (one more for the first `extra`), oldest
        # first; the last one is open for past-due and suspended subscriptions.
        cursor.execute(
            """
            INSERT INTO invoicing_invoice (
              installation_id, subscription_id, billing_reason, number, status, currency, period_index,
              period_start, period_end, subtotal, tax, total, credit_applied, amount_due, amount_paid, due_at,
              issued_at, paid_at, saleor_order_id, created_at, pipeline_step, order_problem,
              order_problem_detail, order_tries, seller, buyer, missing_seller_details, paid_method_type,
              paid_method_brand, paid_method_last4)
            SELECT s.installation_id, s.id, CASE WHEN k = 0 THEN 'signup' ELSE 'renewal' END,
              'INV-' || s.id || '-' || k,
              CASE WHEN k = s.n - 1 AND s.status IN ('past_due', 'suspended') THEN 'open' ELSE 'paid' END,
              'EUR', k, current_date - (s.n - k) * 30, current_date - (s.n - k) * 30 + 30,
              30, 0, 30, 0, 30, 30, now() - (s.n - k) * interval '30 days',
              now() - (s.n - k) * interval '30 days', now() - (s.n - k) * interval '30 days',
              'T3JkZXI6' || s.id || '-' || k, now(), 'done',
              CASE WHEN k = s.n - 1 AND s.status = 'past_due' AND s.id %% 7 = 0 THEN 'order_refused'
                   ELSE '' END, '', 0, '{}', '{}', true, '', '', ''
            FROM (
              SELECT id, installation_id, status,
                %(per)s + CASE WHEN row_number() OVER (ORDER BY id) <= %(extra)s THEN 1 ELSE 0 END AS n
              FROM subscriptions_subscription
              WHERE installation_id = %(installation)s AND status <> 'incomplete'
            ) AS s CROSS JOIN LATERAL generate_series(0, s.n - 1) AS k
            """,
            {"installation": installation.pk, "per": per, "extra": extra},
        )
        cursor.execute(
            """
            INSERT INTO renewals_paymentattempt (
              installation_id, invoice_id, number, idempotency_key, amount, currency, status, reference,
              decline_code, created_at)
            SELECT i.installation_id, i.id, 1, 'invoice-' || i.id || '-attempt-1', 30, 'EUR',
              CASE WHEN i.subscription_id %% 3 = 0 THEN 'requires_action' ELSE 'declined' END,
              'pi_' || i.id, '', now()
            FROM invoicing_invoice i WHERE i.installation_id = %(installation)s AND i.status = 'open'
            """,
            {"installation": installation.pk},
        )
        cursor.execute(
            """
            INSERT INTO payments_stripecustomer (
              installation_id, stripe_account_id, customer_key, livemode, stripe_customer_id,
              default_payment_method_id, payment_method_type, created_at, updated_at, payment_method_brand,
              payment_method_last4)
            SELECT %(installation)s, 'acct_1', 'user:VXNlcjo' || c, false, 'cus_' || c, 'pm_' || c,
              CASE WHEN c %% 5 = 0 THEN 'sepa_debit' ELSE 'card' END, now(), now(), '', ''
            FROM generate_series(0, %(customers)s - 1) AS c
            """,
            {"installation": installation.pk, "customers": customers},
        )
        cursor.execute("SELECT count(*) FROM invoicing_invoice")
        (invoice_count,) = cursor.fetchone()
        cursor.execute("VACUUM ANALYZE")
    return {"installation": installation, "plan": versions[3], "invoices": invoice_count}


def cases(world: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Each single filter and each kind of search (variables of LIST)."""
    from saleor_subscriptions.catalog.ids import plan_global_id
    from saleor_subscriptions.catalog.models import PlanVersion

    plan = PlanVersion.objects.get(pk=world["plan"]).plan_id
    range_ = {"gte": "2026-06-01T00:00:00+00:00", "lte": "2026-07-01T00:00:00+00:00"}
    found: dict[str, dict[str, Any]] = {"no filter": {}}
    for status in ("ACTIVE", "PAST_DUE", "SUSPENDED", "CANCELLED", "PAUSED", "TRIALING"):
        found[f"status {status}"] = {"filter": {"status": [status]}}
    found.update(
        {
            "plan": {"filter": {"plans": [plan_global_id(plan)]}},
            "product": {"filter": {"product": "UHJvZHVjdDo1"}},
            "variant": {"filter": {"variant": "VmFyaWFudDo3"}},
            "channel": {"filter": {"channel": "eu"}},
            "customer id": {"filter": {"customer": CUSTOMER}},
            "customer email": {"filter": {"customer": "Customer77@example.com"}},
            "payment method": {"filter": {"paymentMethodType": "sepa_debit"}},
            "created range": {"filter": {"created": range_}},
            "next billing range": {"filter": {"nextBilling": {"lte": "2026-12-31T00:00:00+00:00"}}},
            "cancelled range": {"filter": {"cancelled": range_}},
            "needs attention (all)": {
                "filter": {"attention": ["PAST_DUE", "SUSPENDED", "ACTION_REQUIRED", "ORDER_FAILED"]}
            },
            "action required": {"filter": {"attention": ["ACTION_REQUIRED"]}},
            "order failed": {"filter": {"attention": ["ORDER_FAILED"]}},
            "search email part": {"search": "customer4242@"},
            "search name": {"search": "Visser 1234"},
            "search number": {"search": "#5000"},
            "search invoice number": {"search": "INV-5000-1"},
        }
    )
    return found


SORTS = {
    "sort next billing": {"sortBy": {"field": "NEXT_BILLING", "direction": "ASC"}},
    "sort status": {"sortBy": {"field": "STATUS", "direction": "ASC"}},
    "sort customer": {"sortBy": {"field": "CUSTOMER", "direction": "ASC"}},
    "sort amount": {"sortBy": {"field": "AMOUNT", "direction": "DESC"}},
}


def p95(times: list[float]) -> float:
    ordered = sorted(times)
    return round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 1)


def backend_pid() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        (pid,) = cursor.fetchone()
    return int(pid)


def cpu_s(pid: int) -> float:
    """CPU seconds of this process and of its PostgreSQL backend (when the server runs on this machine)."""
    return process_cpu_s() + (backend_cpu_s(pid) or 0.0)


def timed(
    client: Any, query: str, variables: dict[str, Any], repeat: int
) -> tuple[float, float, int, list[tuple[float, str]]]:
    """p95 ms, mean CPU ms (the app's and its database backend's), queries, and the SQL of the last run with
    each statement's time."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    body = json.dumps({"query": query, "variables": variables})
    times: list[float] = []
    sql: list[tuple[float, str]] = []
    client.post("/graphql/", body, content_type="application/json")  # warm
    pid = backend_pid()
    cpu_before = cpu_s(pid)
    for _ in range(repeat):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post("/graphql/", body, content_type="application/json")
            times.append((time.perf_counter() - started) * 1000)
        answer = response.json()
        if response.status_code != 200 or "errors" in answer:
            raise SystemExit(f"{variables}: {response.status_code} {str(answer)[:500]}")
        sql = [(float(q["time"]) * 1000, q["sql"]) for q in captured.captured_queries]
    cpu_ms = round((cpu_s(pid) - cpu_before) * 1000 / repeat, 1)
    return p95(times), cpu_ms, len(sql), sql


def explain(sql: str) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


def report_figures(client: Any, args: argparse.Namespace) -> dict[str, Any]:
    """The reports' shop seeded, its change table built by the beat task, then a year of MRR by month
    `--repeat` times and `billingIntegrity` three times, as its staff."""
    from bench import reports_seed
    from saleor_subscriptions.api import views
    from saleor_subscriptions.api.auth import Principal, Staff
    from saleor_subscriptions.reports.tasks import refresh_mrr_changes

    started = time.perf_counter()
    world = reports_seed.seed(args.subscriptions)
    print(
        f"seeded the reports' shop: {args.subscriptions} subscriptions, {world['invoices']} invoices in "
        f"{time.perf_counter() - started:.1f} s"
    )
    staff = Principal(
        installation=world["installation"],
        staff=Staff("VXNlcjox", "owner@example.com", "QXBwOjE=", frozenset({"MANAGE_ORDERS"})),
    )
    views.authenticate = lambda _request, now=None: staff  # type: ignore[assignment,attr-defined]
    pid = backend_pid()
    cpu_before, started = cpu_s(pid), time.perf_counter()
    refresh_mrr_changes()  # what beat does every minute; the first time, the whole table
    prebuild_s = round(time.perf_counter() - started, 1)
    print(f"MRR change table built by the beat task: {prebuild_s} s, CPU {cpu_s(pid) - cpu_before:.1f} s")
    mrr, mrr_cpu, queries, sql = timed(client, reports_seed.MRR_YEAR, {}, args.repeat)
    print(f"subscriptionReport 2026 by month: p95 {mrr} ms, CPU {mrr_cpu} ms, {queries} queries")
    runs = []
    for _ in range(3):
        cpu_before, started = cpu_s(pid), time.perf_counter()
        response = client.post("/graphql/", json.dumps({"query": reports_seed.INTEGRITY}), "application/json")
        runs.append((time.perf_counter() - started, cpu_s(pid) - cpu_before))
        answer = response.json()
        if response.status_code != 200 or "errors" in answer:
            raise SystemExit(f"billingIntegrity: {response.status_code} {str(answer)[:500]}")
    found = len(answer["data"]["billingIntegrity"]["findings"])
    integrity_s, integrity_cpu_s = max(runs)
    print(f"billingIntegrity: longest of 3 {integrity_s:.2f} s, CPU {integrity_cpu_s:.2f} s, {found} found")
    return {
        "mrr_year_p95_ms": mrr,
        "mrr_year_cpu_ms": mrr_cpu,
        "integrity_s": round(integrity_s, 2),
        "integrity_cpu_s": round(integrity_cpu_s, 2),
        "reports_invoices": world["invoices"],
        "prebuild_s": prebuild_s,
        "_mrr_sql": sql,
    }


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from django.test import Client

    from saleor_subscriptions.api import views
    from saleor_subscriptions.api.auth import Customer, Principal, Staff
    from saleor_subscriptions.conf.warm import load_and_freeze

    started = time.perf_counter()
    world = seed(args.subscriptions, args.invoices)
    print(
        f"seeded {args.subscriptions} subscriptions, {world['invoices']} invoices in "
        f"{time.perf_counter() - started:.1f} s"
    )
    load_and_freeze()  # as the WSGI and ASGI entry points do (conf/warm.py), the seed's objects with the rest
    installation = world["installation"]
    staff = Principal(
        installation=installation,
        staff=Staff("VXNlcjo5OTk=", "owner@example.com", "QXBwOjE=", frozenset({"MANAGE_ORDERS"})),
    )
    customer = Principal(installation=installation, customer=Customer(CUSTOMER, "customer1@example.com"))
    client = Client()
    results: list[tuple[float, str, list[tuple[float, str]]]] = []
    views.authenticate = lambda _request, now=None: staff  # type: ignore[assignment,attr-defined]
    worst: dict[str, float] = {}
    worst_cpu: dict[str, float] = {}
    for label, query, named in (
        ("page", LIST, cases(world)),
        ("page with totalCount and statusCounts", COUNTED, cases(world)),
        ("page sorted", LIST, SORTS),
    ):
        for name, variables in named.items():
            if args.only and not any(part in f"{label}, {name}" for part in args.only.split(",")):
                continue
            ms, cpu, queries, sql = timed(client, query, variables, args.repeat)
            results.append((ms, f"{label}, {name}", sql))
            worst[label] = max(worst.get(label, 0.0), ms)
            worst_cpu[label] = max(worst_cpu.get(label, 0.0), cpu)
            print(f"subscriptions {label}, {name}: p95 {ms} ms, CPU {cpu} ms, {queries} queries")
    views.authenticate = lambda _request, now=None: customer  # type: ignore[assignment,attr-defined]
    mine, mine_cpu, queries, mine_sql = timed(client, MINE, {}, args.repeat)
    print(f"mySubscriptions: p95 {mine} ms, CPU {mine_cpu} ms, {queries} queries")
    results.append((mine, "mySubscriptions", mine_sql))
    reports: dict[str, Any] = {}
    if not args.no_reports:
        reports = report_figures(client, args)
        results.append((reports["mrr_year_p95_ms"], "subscriptionReport", reports.pop("_mrr_sql")))
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    for ms, name, sql in sorted(results, reverse=True)[: args.explain]:
        slowest_ms, statement = max(sql)
        print(f"\n--- EXPLAIN of the slowest query of '{name}' (p95 {ms} ms; this query {slowest_ms:.1f} ms)")
        print(statement)
        print(explain(statement))
    return {
        "subscriptions": args.subscriptions,
        "invoices": world["invoices"],
        "list_p95_ms": worst.get("page"),
        "my_subscriptions_p95_ms": mine,
        "mrr_year_p95_ms": reports.get("mrr_year_p95_ms"),
        "integrity_s": reports.get("integrity_s"),
        "list_with_counts_p95_ms": worst.get("page with totalCount and statusCounts"),
        "list_sorted_p95_ms": worst.get("page sorted"),
        "list_cpu_ms": worst_cpu.get("page"),
        "my_subscriptions_cpu_ms": mine_cpu,
        **{key: value for key, value in reports.items() if key not in ("mrr_year_p95_ms", "integrity_s")},
        "load_average": round(os.getloadavg()[0], 1),
    }


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--subscriptions", type=int, default=100_000)
    parser.add_argument("--invoices", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--explain", type=int, default=3, help="EXPLAIN the N slowest cases")
    parser.add_argument(
        "--only", default="", help="only the cases whose name has one of these texts (comma-separated)"
    )
    parser.add_argument("--no-reports", action="store_true", help="only the list and mySubscriptions")
    parser.add_argument(
        "--small", action="store_true", help="--subscriptions 2000 --invoices 20000 --repeat 5 (to iterate)"
    )
    parser.add_argument("--keep-db", action="store_true")
    args = parser.parse_args(argv)
    if args.small:
        args.subscriptions, args.invoices, args.repeat = 2000, 20_000, 5
    for option in ("subscriptions", "invoices", "repeat"):
        if getattr(args, option) < 1:
            parser.error(f"--{option}: must be at least 1")
    if not os.environ.get("DATABASE_URL"):
        if os.environ.get(REEXEC_FLAG):
            raise SystemExit("with-postgres set no DATABASE_URL")
        os.environ[REEXEC_FLAG] = "1"
        os.execv(str(WITH_POSTGRES), [str(WITH_POSTGRES), sys.executable, *sys.argv])
    url, name = bench_database_url(os.environ["DATABASE_URL"], "_api_bench")
    recreate_database(url, name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    os.environ.setdefault("SECRET_KEY", "bench-api-" + "x" * 40)
    os.environ["DEBUG"] = "false"
    os.environ["ALLOWED_HOSTS"] = "testserver"
    import django
    from django.core.management import call_command

    django.setup()
    try:
        call_command("migrate", verbosity=0)
        figures = measure(args)
        print(json.dumps(figures))
    finally:
        from django.db import connections

        connections.close_all()
        if not args.keep_db:
            drop_database(url, name)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
