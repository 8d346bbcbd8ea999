"""Renewal throughput: N due subscriptions renewed by the real pipeline in several worker processes.

    python bench/renewals.py [--n 20000] [--workers 2] [--order-latency-ms 0] [--charge-latency-ms 0]
                             [--batch-size 200] [--io-concurrency 64] [--profile DIR] [--keep-db]

Uses the PostgreSQL of DATABASE_URL; without it, re-runs itself under scripts/with-postgres (the machine's
server on 127.0.0.1:5432, else a throwaway one). In that server it drops and recreates its own database (the
name of DATABASE_URL's database + "_bench"), migrates it, and bulk-loads N subscriptions that are due now:
weekly, monthly and yearly plans, purchase-date and day-of-month anchors, EUR, JPY and KWD, some with a
discount code, a few customers with a credit balance. None of that is timed.

Then `--workers` processes each call `renew_due` (their own DB connection, in-memory Saleor and gateway
ports that wait the given latencies, a notifier that only counts) until nothing is due. The clock runs from
the moment every worker is told to start until the last one reports. It prints renewals per second, SQL
statements per renewal (every statement the workers send through Django's cursor, savepoints included,
BEGIN/COMMIT not), the workers' peak RSS, and ends with one JSON line:

    {"n": …, "workers": …, "renewals_per_s": …, "queries_per_renewal": …, "peak_rss_mb": …}

It exits 1 unless exactly N invoices exist afterwards. `--profile DIR` writes a cProfile of each worker's
renewal loop to DIR/worker-K.prof (slower; read it with `python -m pstats`).
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
WITH_POSTGRES = ROOT / "scripts" / "with-postgres"
REEXEC_FLAG = "SALEOR_SUBSCRIPTIONS_BENCH_UNDER_WITH_POSTGRES"
SEED = 20260101


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="Benchmark of the renewal pipeline on PostgreSQL.")
    parser.add_argument("--n", type=int, default=20000, help="due subscriptions to renew (default 20000)")
    parser.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--order-latency-ms", type=float, default=0, help="wait of each Saleor order call")
    parser.add_argument("--charge-latency-ms", type=float, default=0, help="wait of each charge call")
    parser.add_argument("--batch-size", type=int, default=200, help="renew_due batch size (default 200)")
    parser.add_argument(
        "--io-concurrency",
        type=int,
        default=None,
        help="threads for the external calls of a batch (default: RenewalPorts' own default)",
    )
    parser.add_argument("--profile", type=Path, default=None, help="write DIR/worker-K.prof (cProfile)")
    parser.add_argument("--keep-db", action="store_true", help="leave the bench database in place at the end")
    parser.add_argument(
        "--saleor",
        choices=("memory", "fake"),
        default="memory",
        help="memory: in-memory ports in worker processes (default); fake: the production Saleor and Stripe "
        "adapters against the fake servers of tests/fakes, in this process (bench/renewals_saleor.py)",
    )
    parser.add_argument(
        "--saleor-path", choices=("draft", "bulk"), default="draft", help="with --saleor fake: the order path"
    )
    parser.add_argument(
        "--saleor-latency-ms", type=float, default=0, help="with --saleor fake: the fake's wait per call"
    )
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.n < 1 or args.workers < 1 or args.batch_size < 1:
        parser.error("--n, --workers and --batch-size must be at least 1")
    return args


# ---------------------------------------------------------------------------------------------- set-up


def bench_database_url(url: str, suffix: str = "_bench") -> tuple[str, str]:
    """(URL of a benchmark's database, its name): DATABASE_URL with its database name + `suffix` (each
    benchmark its own: "_bench", "_api_bench", "_reports_bench")."""
    parts = urlsplit(url)
    name = parts.path.lstrip("/") or "saleor_subscriptions"
    bench = name if name.endswith(suffix) else f"{name}{suffix}"
    return urlunsplit(parts._replace(path=f"/{bench}")), bench


def recreate_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    maintenance = urlunsplit(urlsplit(url)._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "saleor_subscriptions.conf.settings")
    # A fixed key keeps the bench from writing ./var/secret_key; nothing signed here outlives the run.
    os.environ.setdefault("SECRET_KEY", "bench-renewals-" + "x" * 40)
    os.environ["DEBUG"] = "false"  # DEBUG keeps every query in memory
    # Whatever the settings keep on disk (the broker's folders) goes to a folder of its own, not ./var.
    os.environ.setdefault("VAR_DIR", tempfile.mkdtemp(prefix="bench-renewals-var-"))
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ------------------------------------------------------------------------------------------------ data

# (interval, anchor_mode, anchor_day, short_month_rule, setup_fee): each in every currency.
PLAN_SHAPES: list[tuple[str, str, int | None, str, str]] = [
    ("week", "purchase", None, "clamp", "0"),
    ("month", "purchase", None, "clamp", "0"),
    ("month", "purchase", None, "first_of_next_month", "0"),
    ("month", "day_of_month", 1, "clamp", "5"),
    ("month", "day_of_month", 15, "clamp", "0"),
    ("year", "purchase", None, "clamp", "0"),
    ("year", "day_of_month", 1, "clamp", "0"),
]
# How often each shape is picked: mostly monthly, as in a real shop.
SHAPE_WEIGHTS = [10, 35, 5, 20, 10, 12, 8]
# currency -> (installation time zone, price of a period, fixed discount amount)
CURRENCIES: dict[str, tuple[str, str, str]] = {
    "EUR": ("Europe/Amsterdam", "30.00", "5.00"),
    "JPY": ("Asia/Tokyo", "3300", "500"),
    "KWD": ("Asia/Kuwait", "9.750", "1.250"),
}
SPAN_DAYS = {"week": 7, "month": 31, "year": 366}
DISCOUNTED = 0.12  # share of subscriptions with a discount code still running
CREDITED = 0.03  # share of customers with a credit balance
SHARED_CUSTOMER = 0.05  # share of subscriptions whose customer has another subscription too


def seed(n: int) -> dict[str, Any]:
    """N active subscriptions due now, written with bulk_create; returns a summary of the mix."""
    from zoneinfo import ZoneInfo

    from django.db import connection, transaction
    from django.utils import timezone

    from saleor_subscriptions.billing.clock import due_instant, local_date
    from saleor_subscriptions.catalog.models import Plan, PlanVersion
    from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
    from saleor_subscriptions.invoicing.models import CreditLedgerEntry, NumberSequence
    from saleor_subscriptions.subscriptions.calendar import calendar_of, invoice_lead_days
    from saleor_subscriptions.subscriptions.models import Subscription, customer_key
    from saleor_subscriptions.tenants.models import Installation

    rng = random.Random(SEED)
    now = timezone.now()
    versions: list[PlanVersion] = []
    codes: dict[int, list[DiscountCode]] = {}
    with transaction.atomic():
        for currency, (tz, price, amount_off) in CURRENCIES.items():
            installation = Installation.objects.create(
                saleor_api_url=f"https://shop-{currency.lower()}.example.com/graphql/",
                name=f"Bench shop {currency}",
                time_zone=tz,
                due_hour=6,
            )
            for number, (interval, mode, day, rule, fee) in enumerate(PLAN_SHAPES, start=1):
                plan = Plan.objects.create(
                    installation=installation,
                    name=f"{interval} {mode} {day or ''} {currency}",
                    product_id=f"product-{number}",
                    variant_id=f"variant-{number}",
                    channel_slug=f"channel-{currency.lower()}",
                    currency=currency,
                )
                multiplier = {"week": Decimal("0.25"), "month": Decimal(1), "year": Decimal(10)}[interval]
                unit = Decimal(price)  # its exponent is the currency's minor unit
                versions.append(
                    PlanVersion.objects.create(
                        installation=installation,
                        plan=plan,
                        version=1,
                        interval=interval,
                        price=(unit * multiplier).quantize(unit),
                        setup_fee=Decimal(fee),
                        anchor_mode=mode,
                        anchor_day=day,
                        short_month_rule=rule,
                    )
                )
            codes[installation.pk] = [
                DiscountCode.objects.create(
                    installation=installation,
                    code="FOREVER10",
                    kind="percentage",
                    percent=Decimal(10),
                    duration="forever",
                ),
                DiscountCode.objects.create(
                    installation=installation,
                    code="THREE20",
                    kind="percentage",
                    percent=Decimal(20),
                    duration="repeating",
                    duration_periods=3,
                ),
                DiscountCode.objects.create(
                    installation=installation,
                    code="ONCEOFF",
                    kind="fixed",
                    amount_off=Decimal(amount_off),
                    currency=currency,
                    duration="once",
                ),
            ]

    # Per (version, signup date): the current period (ended yesterday or before) and the next one (ending
    # after today), so each subscription is due now and renews exactly once.
    placements: dict[tuple[int, date], tuple[int, date, date, datetime, int] | None] = {}

    def placement(
        version: PlanVersion, zone: ZoneInfo, start: date
    ) -> tuple[int, date, date, datetime, int] | None:
        key = (version.pk, start)
        if key not in placements:
            today = local_date(now, zone)
            calendar = calendar_of(version, start)
            following = calendar.period_containing(today - timedelta(days=1))
            # A yearly plan's renewal runs a week ahead of its due date (invoice lead days): the following
            # period must not be due for that yet either, or the run would renew it too.
            lead = timedelta(days=invoice_lead_days(version))
            if following.index < 1 or following.end - lead <= today:
                placements[key] = None
            else:
                current = calendar.period(following.index - 1)
                due = due_instant(current.end - lead, zone, version.installation.due_hour)
                full = sum(1 for k in range(current.index + 1) if not calendar.period(k).is_partial)
                placements[key] = (current.index, current.start, current.end, due, full)
        return placements[key]

    by_installation: dict[int, Installation] = {v.installation_id: v.installation for v in versions}
    subscriptions: list[Subscription] = []
    customers: list[tuple[int, str, str]] = []  # (installation, customer key, currency)
    shapes: Counter[str] = Counter()
    for i in range(n):
        version = rng.choices(versions, weights=SHAPE_WEIGHTS * len(CURRENCIES))[0]
        installation = by_installation[version.installation_id]
        zone = ZoneInfo(installation.time_zone)
        span = SPAN_DAYS[version.interval]
        while True:
            start = local_date(now, zone) - timedelta(days=rng.randint(span + 2, 2 * span + 30))
            placed = placement(version, zone, start)
            if placed is not None:
                break
        index, period_start, period_end, due, full = placed
        if customers and rng.random() < SHARED_CUSTOMER:
            picked: tuple[int, str, str] | None = rng.choice(customers)
            if picked is not None and (picked[0] != installation.pk or picked[2] != version.plan.currency):
                picked = None
            owner = picked
        else:
            owner = None
        if owner is None:
            email = f"customer-{i}@example.com"
            key = customer_key(None, email)
            customers.append((installation.pk, key, version.plan.currency))
        else:
            key = owner[1]
            email = key.removeprefix("email:")
        started = datetime.combine(start, datetime.min.time(), tzinfo=UTC) + timedelta(hours=10)
        subscriptions.append(
            Subscription(
                installation=installation,
                plan_version=version,
                customer_email=email,
                customer_key=key,
                channel_slug=version.plan.channel_slug,
                currency=version.plan.currency,
                quantity=rng.choice((1, 1, 1, 2, 3)),
                status="active",
                time_zone=installation.time_zone,
                started_at=started,
                calendar_start=start,
                current_period_index=index,
                current_period_start=period_start,
                current_period_end=period_end,
                next_billing_at=due,
                cycles_billed=full,
                setup_fee_billed=True,
                saleor_order_id=f"signup-{i}",
                created_at=started,
            )
        )
        shapes[f"{version.interval}/{version.anchor_mode}/{version.plan.currency}"] += 1

    with transaction.atomic():
        Subscription.objects.bulk_create(subscriptions, batch_size=2000)
        redemptions = []
        for subscription in subscriptions:
            if rng.random() < DISCOUNTED:
                code = rng.choice(codes[subscription.installation_id])
                redemptions.append(
                    DiscountRedemption(
                        installation_id=subscription.installation_id,
                        code=code,
                        subscription=subscription,
                        customer_key=subscription.customer_key,
                        periods_used=rng.randint(0, 1) if code.duration != "once" else 0,
                        redeemed_at=subscription.started_at,
                    )
                )
        DiscountRedemption.objects.bulk_create(redemptions, batch_size=2000)
        credited = [c for c in customers if rng.random() < CREDITED]
        CreditLedgerEntry.objects.bulk_create(
            [
                CreditLedgerEntry(
                    installation_id=installation_id,
                    customer_key=key,
                    currency=currency,
                    # Some balances cover a whole invoice, most a part of it.
                    amount=Decimal({"EUR": "12.50", "JPY": "1500", "KWD": "4.125"}[currency])
                    * rng.choice((1, 1, 2, 40)),
                    kind="adjustment",
                    created_at=now - timedelta(days=3),
                )
                for installation_id, key, currency in credited
            ],
            batch_size=2000,
        )
        # Each installation has issued its sign-up invoices already, so its invoice sequence exists (a
        # first use by two workers at once can deadlock: see bench/README.md).
        per_installation = Counter(s.installation_id for s in subscriptions)
        NumberSequence.objects.bulk_create(
            NumberSequence(installation_id=pk, kind="invoice", prefix="INV-", next_number=count + 1)
            for pk, count in per_installation.items()
        )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # what autovacuum would have done to tables this size
    return {
        "installations": len(by_installation),
        "plan_versions": len(versions),
        "discount_redemptions": len(redemptions),
        "customers_with_credit": len(credited),
        "mix": dict(sorted(shapes.items())),
    }


# --------------------------------------------------------------------------------------------- workers


class CountingNotifier:
    """Notifier port that only counts what it is asked to send (keeps nothing, so memory stays flat)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def __getattr__(self, kind: str) -> Any:
        if kind.startswith("_"):
            raise AttributeError(kind)

        def send(*args: Any, **kwargs: Any) -> None:
            self.counts[kind] += 1

        return send


class ForgetfulStore:
    """A Store for the in-memory ports that keeps nothing: every key is new. The bench places each order
    and charge once, so idempotency is never needed, and a store holding every record would make the
    workers' memory grow with N for a reason no real Saleor or Stripe adapter has."""

    def put_if_absent(self, kind: str, key: str, value: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        return value, True

    def all(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        return []


class Discard(list):
    """A `calls` list for the in-memory ports that forgets what is appended."""

    def append(self, item: Any) -> None:
        pass


def peak_rss_kb() -> int:
    """This process's peak resident set in KiB: VmHWM of /proc/self/status on Linux. `ru_maxrss` is not
    used when VmHWM is there: Linux carries it over fork and exec, so a worker started by the parent after
    loading N rows would report the parent's peak."""
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def process_cpu_s() -> float:
    """CPU seconds (user + system) this process has used: unlike the elapsed time, not slowed down by what
    else the machine runs."""
    times = os.times()
    return times.user + times.system


def backend_cpu_s(pid: int) -> float | None:
    """CPU seconds of a PostgreSQL backend process, when its server runs on this machine (/proc shows it)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def worker_main(args: argparse.Namespace) -> int:
    setup_django()
    import cProfile

    from django.db import connection

    from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink
    from saleor_subscriptions.renewals.pipeline import RenewalPorts, renew_due

    store = ForgetfulStore()
    orders = InMemoryOrderSink(store, latency_ms=args.order_latency_ms)
    payments = InMemoryGateway(store, latency_ms=args.charge_latency_ms)
    orders.calls = Discard()
    payments.calls = Discard()
    notifier = CountingNotifier()
    extra = {} if args.io_concurrency is None else {"concurrency": args.io_concurrency}
    ports = RenewalPorts(
        orders=orders,
        payments=payments,
        notifier=notifier,
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.pk}/",
        **extra,
    )
    connection.ensure_connection()
    statements: Counter[str] = Counter()

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements[sql.lstrip().split(None, 1)[0].upper()] += 1
        return execute(sql, params, many, context)

    rss_ready_kb = peak_rss_kb()
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = cursor.fetchone()[0]
    print("READY", flush=True)
    if sys.stdin.readline().strip() != "GO":
        return 1
    started = time.perf_counter()
    cpu_started, backend_started = process_cpu_s(), backend_cpu_s(backend)
    # CPU time, not elapsed: on a shared machine the elapsed time of a call counts the other processes too.
    profiler = cProfile.Profile(time.process_time) if args.profile else None
    with connection.execute_wrapper(count):
        if profiler is not None:
            profiler.enable()
        report = renew_due(ports, batch_size=args.batch_size)
        if profiler is not None:
            profiler.disable()
    elapsed = time.perf_counter() - started
    cpu_s, backend_ended = process_cpu_s() - cpu_started, backend_cpu_s(backend)
    if profiler is not None:
        args.profile.mkdir(parents=True, exist_ok=True)
        profiler.dump_stats(str(args.profile / f"worker-{args.worker}.prof"))
    result = {
        "worker": args.worker,
        "invoiced": report.invoiced,
        "ordered": report.ordered,
        "passed": report.passed,
        "outcomes": dict(report.counts),
        "statements": dict(statements),
        "elapsed_s": elapsed,
        "cpu_s": cpu_s,
        "backend_cpu_s": (
            None if backend_started is None or backend_ended is None else backend_ended - backend_started
        ),
        "rss_ready_kb": rss_ready_kb,
        "peak_rss_kb": peak_rss_kb(),
        "ru_maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
        "notifications": dict(notifier.counts),
    }
    print("RESULT " + json.dumps(result), flush=True)
    return 0


def run_workers(args: argparse.Namespace, database_url: str) -> tuple[float, list[dict[str, Any]]]:
    """Start the workers, wait until each is connected, start the clock, release them, collect reports."""
    env = {**os.environ, "DATABASE_URL": database_url}
    command = [sys.executable, str(Path(__file__).resolve())]
    passthrough = [
        "--order-latency-ms",
        str(args.order_latency_ms),
        "--charge-latency-ms",
        str(args.charge_latency_ms),
        "--batch-size",
        str(args.batch_size),
    ]
    if args.io_concurrency is not None:
        passthrough += ["--io-concurrency", str(args.io_concurrency)]
    if args.profile is not None:
        passthrough += ["--profile", str(args.profile.resolve())]
    workers = [
        subprocess.Popen(
            [*command, "--worker", str(k), *passthrough],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            env=env,
            text=True,
            cwd=ROOT,
        )
        for k in range(args.workers)
    ]
    for worker in workers:
        assert worker.stdout is not None
        line = worker.stdout.readline().strip()
        if line != "READY":
            raise SystemExit(f"bench: a worker failed to start (said {line!r}); see its error above")
    started = time.perf_counter()
    for worker in workers:
        assert worker.stdin is not None
        worker.stdin.write("GO\n")
        worker.stdin.flush()
    results: list[dict[str, Any]] = []
    finished = queue.Queue()  # type: queue.Queue[dict[str, Any] | None]

    def collect(worker: subprocess.Popen[str]) -> None:
        assert worker.stdout is not None
        for line in worker.stdout:
            if line.startswith("RESULT "):
                finished.put(json.loads(line.removeprefix("RESULT ")))
                return
        finished.put(None)  # ended without a report

    for worker in workers:
        threading.Thread(target=collect, args=(worker,), daemon=True).start()
    for _ in workers:
        result = finished.get()
        if result is None:
            for other in workers:  # one worker failed: stop the others (ours) and give up
                if other.poll() is None:
                    other.terminate()
            raise SystemExit("bench: a worker failed before reporting; see its error above")
        results.append(result)
    elapsed = time.perf_counter() - started
    for worker in workers:
        if worker.wait() != 0:
            raise SystemExit(f"bench: a worker exited with {worker.returncode}; see its error above")
    return elapsed, results


# ------------------------------------------------------------------------------------------------ main


def run_saleor_fake(args: argparse.Namespace, database_url: str, name: str) -> int:
    """`--saleor fake` (bench/renewals_saleor.py): the last JSON line has `saleor_calls_per_renewal`."""
    from django.db import connections

    from bench import renewals_saleor  # ROOT is on the path (setup_django)

    figures = renewals_saleor.run(args, CountingNotifier(), process_cpu_s)
    renewed = figures["renewed"]
    rate = renewed / figures["elapsed_s"] if figures["elapsed_s"] else 0.0
    per_renewal = figures["saleor_calls"] / renewed if renewed else float("nan")
    path = figures["path"]
    print(f"renewals: {renewed} in {figures['elapsed_s']:.2f}s = {rate:.1f} renewals/s ({path} path)")
    print(f"Saleor calls per renewal: {per_renewal:.2f} ({figures['saleor_calls']} calls)")
    if not args.keep_db:
        connections.close_all()
        drop_database(database_url, name)
    if not figures["ok"]:
        print(f"bench: error: expected {args.n} renewals paid and recorded on their orders", file=sys.stderr)
    print(
        json.dumps(
            {
                "n": args.n,
                "workers": 1,
                "renewals_per_s": round(rate, 1),
                "saleor_calls_per_renewal": round(per_renewal, 2),
                "saleor_path": figures["path"],
                "saleor_latency_ms": args.saleor_latency_ms,
            }
        ),
        flush=True,
    )
    return 0 if figures["ok"] else 1


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    if args.worker is not None:
        return worker_main(args)
    if not os.environ.get("DATABASE_URL"):
        if os.environ.get(REEXEC_FLAG):
            print("bench: scripts/with-postgres gave no DATABASE_URL", file=sys.stderr)
            return 1
        os.environ[REEXEC_FLAG] = "1"
        # with-postgres runs (not execs) the command when it starts a throwaway server, then removes it.
        os.execv(
            str(WITH_POSTGRES), [str(WITH_POSTGRES), sys.executable, str(Path(__file__).resolve()), *argv]
        )

    database_url, name = bench_database_url(os.environ["DATABASE_URL"])
    recreate_database(database_url, name)
    os.environ["DATABASE_URL"] = database_url
    setup_django()
    from django.core.management import call_command
    from django.db import connections

    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.renewals.models import PaymentAttempt

    host = urlsplit(database_url).hostname
    print(
        f"bench: database {name} on {host}; n={args.n} workers={args.workers} batch={args.batch_size} "
        f"latency order={args.order_latency_ms}ms charge={args.charge_latency_ms}ms",
        flush=True,
    )
    t = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"bench: migrated in {time.perf_counter() - t:.1f}s", flush=True)
    if args.saleor == "fake":
        return run_saleor_fake(args, database_url, name)
    t = time.perf_counter()
    summary = seed(args.n)
    print(
        f"bench: loaded {args.n} due subscriptions in {time.perf_counter() - t:.1f}s: {json.dumps(summary)}",
        flush=True,
    )
    connections.close_all()

    elapsed, results = run_workers(args, database_url)

    invoices = Invoice.objects.count()
    statuses = dict(Counter(Invoice.objects.values_list("status", "pipeline_step").iterator()))
    attempts = dict(Counter(PaymentAttempt.objects.values_list("status", flat=True).iterator()))
    statements: Counter[str] = Counter()
    for result in results:
        statements.update(result["statements"])
    renewed = sum(r["invoiced"] for r in results)
    queries = sum(statements.values())
    peak_rss_mb = max(r["peak_rss_kb"] for r in results) / 1024
    children_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    rate = renewed / elapsed if elapsed else 0.0
    per_renewal = queries / renewed if renewed else float("nan")
    for result in results:
        print(
            f"bench: worker {result['worker']}: {result['invoiced']} invoices in {result['elapsed_s']:.2f}s, "
            f"{sum(result['statements'].values())} statements, outcomes {result['outcomes']}, "
            f"notifications {result['notifications']}, RSS {result['rss_ready_kb'] / 1024:.1f} MB ready "
            f"-> {result['peak_rss_kb'] / 1024:.1f} MB peak",
            flush=True,
        )
    cpu_s = sum(r["cpu_s"] for r in results)
    backends = [r["backend_cpu_s"] for r in results]
    database = "" if None in backends else f" + their database backends {sum(backends):.1f} s"
    print(
        f"bench: CPU time: workers {cpu_s:.1f} s{database}"
        f" ({1000 * (cpu_s + sum(b or 0 for b in backends)) / max(renewed, 1):.2f} ms per renewal)"
    )
    print(f"bench: statements by kind: {dict(statements.most_common())}")
    print(f"bench: invoices by (status, step): {statuses}; payment attempts: {attempts}")
    print(f"renewals: {renewed} in {elapsed:.2f}s = {rate:.0f} renewals/s")
    print(f"queries per renewal: {per_renewal:.2f} ({queries} statements)")
    print(
        f"peak worker RSS: {peak_rss_mb:.1f} MB (VmHWM; ru_maxrss, which includes the parent's peak "
        f"inherited over fork+exec: {children_mb:.1f} MB)"
    )
    if not args.keep_db:
        connections.close_all()
        drop_database(database_url, name)
    failed = invoices != args.n or renewed != args.n
    if failed:
        print(
            f"bench: error: expected {args.n} invoices, found {invoices} (workers reported {renewed})",
            file=sys.stderr,
            flush=True,
        )
    print(
        json.dumps(
            {
                "n": args.n,
                "workers": args.workers,
                "renewals_per_s": round(rate, 1),
                "queries_per_renewal": round(per_renewal, 2),
                "peak_rss_mb": round(peak_rss_mb, 1),
            }
        ),
        flush=True,
    )
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
