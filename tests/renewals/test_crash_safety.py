"""Renewals killed with SIGKILL at every step boundary and at random moments, then restarted, until all is
renewed: nothing is invoiced, ordered or charged twice, and nothing paid is lost (ARCHITECTURE flow 4).

Each restart is a new process (`renewal_process`) that first runs the sweeper (`resume_unfinished`) at a
moment past every lease it may find, then `renew_due` at the round's fixed moment. The in-memory Saleor and
gateway keep their records in a SQLite journal (`JournalStore`), which outlives every kill: it is what
"really happened" outside our database.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import time
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from saleor_subscriptions.invoicing.credits import credit_balance, issue_credit_note
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.renewals.batch import LEASE, RENEWABLE
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink, JournalStore
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.renewal_process import Worker, child_environ
from tests.renewals.support import at, plan, sandbox, set_clock, signed_up

CRASH_POINTS = ("after_invoices", "after_orders", "after_charges")
KILL_COUNTS = (1, 2, 4)
RANDOM_KILLS = 8
ROUNDS = (at(2026, 12, 16, 12), at(2027, 1, 16, 12), at(2027, 2, 16, 12), at(2027, 3, 16, 12))
MIN_KILLS = 50
BATCH_SIZE = 5
RESUME_LIMIT = 15
LATENCY = {"RENEWAL_MEMORY_ORDER_MS": "25", "RENEWAL_MEMORY_CHARGE_MS": "25"}
KEY = re.compile(r"^invoice-(\d+)-attempt-(\d+)$")


def _customers(shop: Installation, prefix: str, count: int) -> list[Subscription]:
    """`count` customers on a mix of plans and currencies, some with two subscriptions."""
    set_clock(shop, at(2025, 12, 10))
    yearly = plan(shop, "390.00", interval="year")
    set_clock(shop, at(2026, 11, 16))
    versions = [
        plan(shop, "30.00"),
        plan(shop, "39.00"),
        plan(shop, "9.50", interval="week"),
        plan(shop, "59.00", trial_days=14),
        plan(shop, "15.00", currency="USD"),
        plan(shop, "24.99", currency="GBP"),
    ]
    subscriptions: list[Subscription] = []
    for i in range(count):
        email = f"{prefix}-{i}@example.com"
        if i % 9 == 4:
            set_clock(shop, at(2025, 12, 10))
            subscriptions.append(signed_up(yearly, email))
            set_clock(shop, at(2026, 11, 16))
            continue
        version = versions[i % len(versions)]
        subscriptions.append(signed_up(version, email, quantity=1 + (i % 4 == 1) * 2))
        if i % 7 == 0:  # a second subscription of the same customer (shares a balance in one currency)
            subscriptions.append(signed_up(versions[(i + 2) % len(versions)], email))
    return subscriptions


def _give_credit(
    subscriptions: list[Subscription], rng: random.Random
) -> dict[tuple[int, str, str], Decimal]:
    """Credit notes for about a third of the customers: some cover part of an invoice, some several."""
    amounts = [Decimal("5.00"), Decimal("20.00"), Decimal("45.50"), Decimal("150.00"), Decimal("1000.00")]
    seen: set[tuple[int, str, str]] = set()
    for n, subscription in enumerate(subscriptions):
        key = (subscription.installation_id, subscription.customer_key, subscription.currency)
        if n % 3 or key in seen:
            continue
        seen.add(key)
        issue_credit_note(subscription, rng.choice(amounts), reason="goodwill before the renewal run")
    balances = {}
    for subscription in subscriptions:
        key = (subscription.installation_id, subscription.customer_key, subscription.currency)
        balances[key] = credit_balance(subscription.installation, key[1], key[2])
    return balances


def _round_done(shop_ids: list[int], now: datetime) -> bool:
    due = Subscription.objects.filter(
        installation_id__in=shop_ids, status__in=RENEWABLE, next_billing_at__lte=now
    ).exists()
    unfinished = (
        Invoice.objects.filter(installation_id__in=shop_ids)
        .exclude(pipeline_step=Invoice.PipelineStep.DONE)
        .exists()
    )
    return not due and not unfinished


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_renewals_killed_at_every_step_and_at_random_renew_everything_exactly_once(tmp_path: Path):
    started = time.monotonic()
    seed = int(os.environ.get("CRASH_SEED") or random.randrange(1 << 30))
    print(f"\ncrash safety: seed {seed} (CRASH_SEED={seed} repeats this run)")
    rng = random.Random(seed)
    shop_a = sandbox(at(2026, 11, 16), "https://crash-a.example.com/graphql/")
    shop_b = sandbox(
        at(2026, 11, 16), "https://crash-b.example.com/graphql/", time_zone="America/New_York", due_hour=7
    )
    subscriptions = _customers(shop_a, "a", 50) + _customers(shop_b, "b", 45)
    initial_balances = _give_credit(subscriptions, rng)
    shop_ids = [shop_a.pk, shop_b.pk]
    setup_seconds = time.monotonic() - started

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    journal = var_dir / "memory-ports.sqlite3"
    logs = tmp_path / "logs"
    logs.mkdir()

    kills = Counter[str]()
    restarts = 0

    def start(round_index: int, step: int) -> tuple[tuple[int, int], Worker]:
        renew_now = ROUNDS[round_index]
        _, crash_at = plans_of[round_index][step] if step < len(plans_of[round_index]) else ("clean", "")
        # Every restart sweeps at a moment past every lease taken so far (renew_due's and the sweeper's).
        resume_now = renew_now + (step + 1) * (LEASE + timedelta(minutes=1))
        extra = {**LATENCY}
        if crash_at:
            extra["SALEOR_SUBSCRIPTIONS_CRASH_AT"] = crash_at
        worker = Worker(
            [
                "--installations",
                ",".join(map(str, shop_ids if step % 2 == 0 else shop_ids[::-1])),
                "--now",
                renew_now.isoformat(),
                "--resume-now",
                resume_now.isoformat(),
                "--batch-size",
                str(BATCH_SIZE),
                "--resume-limit",
                str(RESUME_LIMIT),
                "--out",
                str(tmp_path / "runs.jsonl"),
            ],
            child_environ(var_dir, **extra),
            logs / f"round-{round_index}-step-{step:02d}.log",
        )
        everyone.append(worker)
        return (round_index, step), worker

    everyone: list[Worker] = []
    plans_of: list[list[tuple[str, str]]] = []
    for _ in ROUNDS:
        deterministic = [(f"{point}:{count}") for count in KILL_COUNTS for point in CRASH_POINTS]
        plans = [("point", p) for p in deterministic[len(CRASH_POINTS) :]] + [("random", "")] * RANDOM_KILLS
        rng.shuffle(plans)
        # The first three kill at once at each point, the rest in any order.
        plans_of.append([("point", p) for p in deterministic[: len(CRASH_POINTS)]] + plans)

    # The next worker is started (Django loaded, waiting on stdin, no database work yet) while the current
    # one runs, so the restarts do not wait for Python to start; a spare that is not needed is stopped.
    spare: tuple[tuple[int, int], Worker] | None = None
    try:
        for round_index, renew_now in enumerate(ROUNDS):
            plans = plans_of[round_index]
            step = 0
            clean_runs = 0
            while True:
                kind, crash_at = plans[step] if step < len(plans) else ("clean", "")
                if spare is not None and spare[0] == (round_index, step):
                    worker = spare[1]
                else:
                    if spare is not None:
                        spare[1].kill()
                    worker = start(round_index, step)[1]
                worker.go()
                spare = start(round_index, step + 1)
                restarts += 1
                delay = rng.uniform(0.05, 1.2) if kind == "random" else 60.0
                try:
                    returncode = worker.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    if kind != "random":
                        worker.kill()
                        pytest.fail(f"a renewal worker hung: {worker.log_tail()}")
                    returncode = worker.kill()
                if returncode == -signal.SIGKILL:
                    kills[kind if kind == "random" else crash_at.partition(":")[0]] += 1
                else:
                    assert returncode == 0, f"run {restarts} ({kind} {crash_at}) failed: {worker.log_tail()}"
                step += 1
                if step >= len(plans):
                    if kind == "clean":
                        clean_runs += 1
                    if _round_done(shop_ids, renew_now):
                        break
                    assert clean_runs < 3, (
                        f"round {round_index} is not finished after {clean_runs} clean runs"
                    )
    finally:  # no worker outlives the test (a spare waiting for "go" would exit on its own, too)
        for worker in everyone:
            if worker.process.poll() is None:
                worker.kill()
    finished = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    total_kills = sum(kills.values())
    run_seconds = time.monotonic() - started - setup_seconds
    invoices = Invoice.objects.filter(installation_id__in=shop_ids)
    # An invoice a killed run left between steps is finished by a later run's sweeper, at its later moment.
    swept = invoices.filter(paid_at__gt=F("issued_at")).count()
    print(
        f"crash safety: {total_kills} kills ({dict(kills)}) in {restarts} runs over {len(ROUNDS)} rounds"
        f" ({len(finished)} runs ended on their own); {invoices.count()} invoices, {swept} of them finished"
        f" by the sweeper after a kill; setup {setup_seconds:.1f}s, runs {run_seconds:.1f}s"
    )
    assert total_kills >= MIN_KILLS, f"only {total_kills} kills landed: {dict(kills)}"
    assert all(kills[point] > 0 for point in CRASH_POINTS), dict(kills)
    assert swept > 0

    _check_everything_renewed_once(shop_ids, ROUNDS[-1])
    _check_charges(shop_ids, InMemoryGateway(JournalStore(journal)))
    _check_orders(shop_ids, InMemoryOrderSink(JournalStore(journal)))
    _check_credit(shop_ids, initial_balances)
    _check_receipts(shop_ids)


def _check_everything_renewed_once(shop_ids: list[int], last: datetime) -> None:
    invoices = list(
        Invoice.objects.filter(installation_id__in=shop_ids).order_by("subscription_id", "period_index")
    )
    assert invoices
    # No invoice left between steps.
    stuck = [(i.number, i.pipeline_step) for i in invoices if i.pipeline_step != Invoice.PipelineStep.DONE]
    assert stuck == []
    # Each subscription and period invoiced once; each subscription's periods follow on without a gap, up to
    # the period it is in now; nothing is still due.
    per_period = Counter((i.subscription_id, i.period_index) for i in invoices)
    assert [key for key, n in per_period.items() if n > 1] == []
    by_subscription: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_subscription[invoice.subscription_id].append(invoice)
    for subscription in Subscription.objects.filter(installation_id__in=shop_ids):
        mine = by_subscription[subscription.pk]
        assert mine, f"subscription {subscription.pk} was never renewed"
        indexes = [i.period_index for i in mine]
        assert indexes == list(range(indexes[0], indexes[0] + len(indexes))), (subscription.pk, indexes)
        assert (mine[-1].period_start, mine[-1].period_end) == (
            subscription.current_period_start,
            subscription.current_period_end,
        )
        assert subscription.next_billing_at is not None and subscription.next_billing_at > last
        assert subscription.status == "active", (subscription.pk, subscription.status)
    # Numbers gap-free per installation.
    for shop_id in shop_ids:
        numbers = sorted(int((i.number or "INV-0")[4:]) for i in invoices if i.installation_id == shop_id)
        assert numbers == list(range(1, len(numbers) + 1))
    # And the database itself refuses a second invoice for a subscription and period.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'invoice_one_per_subscription_period'"
        )
        [(definition,)] = cursor.fetchall()
    assert definition.startswith("CREATE UNIQUE INDEX"), definition
    first = invoices[0]
    with pytest.raises(IntegrityError), transaction.atomic():
        Invoice.objects.create(
            installation_id=first.installation_id,
            subscription_id=first.subscription_id,
            billing_reason=Invoice.Reason.RENEWAL,
            number=None,
            status=Invoice.Status.DRAFT,
            currency=first.currency,
            period_index=first.period_index,
            period_start=first.period_start,
            period_end=first.period_end,
            due_at=first.due_at,
        )


def _check_charges(shop_ids: list[int], gateway: InMemoryGateway) -> None:
    charges = gateway.charges()
    invoices = {
        i.pk: i for i in Invoice.objects.filter(installation_id__in=shop_ids).select_related("subscription")
    }
    attempts = list(PaymentAttempt.objects.filter(invoice_id__in=invoices))
    keys_of: dict[int, set[str]] = defaultdict(set)
    for attempt in attempts:
        keys_of[attempt.invoice_id].add(attempt.idempotency_key)
    charged_keys_of: dict[int, set[str]] = defaultdict(set)
    for key in charges:
        match = KEY.match(key)
        assert match, f"a charge under an unknown key {key!r}"
        invoice_id = int(match.group(1))
        assert invoice_id in invoices, f"a charge {key} for an invoice that does not exist (rolled back?)"
        charged_keys_of[invoice_id].add(key)
    # For each invoice the gateway's keys are exactly its PaymentAttempt rows (each key one charge).
    mismatched = {
        invoices[i].number: (sorted(keys_of[i]), sorted(charged_keys_of[i]))
        for i in invoices
        if keys_of[i] != charged_keys_of[i]
    }
    assert mismatched == {}
    # One charge per invoice here (every charge succeeds), for what the attempt says, to its customer.
    by_attempt = {a.idempotency_key: a for a in attempts}
    for key, charge in charges.items():
        attempt = by_attempt[key]
        invoice = invoices[attempt.invoice_id]
        assert Decimal(charge["amount"]) == attempt.amount == invoice.amount_due, (key, charge)
        assert charge["currency"] == invoice.currency
        assert charge["customer"] == invoice.subscription.customer_key
        assert charge["invoice"] == invoice.number
    several = {
        invoice.number: sorted(keys_of[pk])
        for pk, invoice in invoices.items()
        if invoice.amount_due > 0 and len(keys_of[pk]) != 1
    }
    assert several == {}, "an invoice has other than one payment attempt (every charge succeeds here)"
    succeeded = {
        int(KEY.match(key).group(1))  # type: ignore[union-attr]
        for key, charge in charges.items()
        if charge["outcome"] == "succeeded"
    }
    for invoice in invoices.values():
        if invoice.status == Invoice.Status.PAID:
            # No paid invoice without a succeeded charge (or, for one the credit covered, nothing to charge).
            if invoice.amount_due > 0:
                assert invoice.pk in succeeded, f"{invoice.number} is paid but was never charged"
                assert invoice.amount_paid == invoice.amount_due
            else:
                assert invoice.credit_applied == invoice.total > 0 and not keys_of[invoice.pk], invoice.number
        if invoice.pk in succeeded:
            # Every invoice the gateway charged ends paid, its attempt stored as succeeded.
            assert invoice.status == Invoice.Status.PAID, (
                f"{invoice.number} was charged but is {invoice.status}"
            )
            assert {a.status for a in attempts if a.invoice_id == invoice.pk} == {"succeeded"}
    assert {i.status for i in invoices.values()} == {Invoice.Status.PAID}


def _check_orders(shop_ids: list[int], sink: InMemoryOrderSink) -> None:
    orders = sink.orders()
    invoices = list(Invoice.objects.filter(installation_id__in=shop_ids))
    assert len(orders) == len(invoices)
    for invoice in invoices:
        order = orders.get(f"{invoice.installation_id}:{invoice.number}")
        assert order is not None, f"{invoice.number} has no order"
        assert invoice.saleor_order_id == order["order_id"] == f"order-{invoice.installation_id}-{invoice.pk}"
        assert invoice.total == Decimal(order["gross"])


def _check_credit(shop_ids: list[int], initial: dict[tuple[int, str, str], Decimal]) -> None:
    applied = list(
        CreditLedgerEntry.objects.filter(installation_id__in=shop_ids, kind=CreditLedgerEntry.Kind.APPLIED)
    )
    per_invoice = Counter(entry.invoice_id for entry in applied)
    assert [i for i, n in per_invoice.items() if n > 1] == [], "an invoice used credit twice"
    entries = {entry.invoice_id: entry for entry in applied}
    used: dict[tuple[int, str, str], Decimal] = defaultdict(Decimal)
    credited = 0
    for invoice in Invoice.objects.filter(installation_id__in=shop_ids).select_related("subscription"):
        key = (invoice.installation_id, invoice.subscription.customer_key, invoice.currency)
        used[key] += invoice.credit_applied
        entry = entries.get(invoice.pk)
        if invoice.credit_applied:
            credited += 1
            assert entry is not None and entry.amount == -invoice.credit_applied, invoice.number
        else:
            assert entry is None, invoice.number
    assert credited > 0
    shops = {s.pk: s for s in Installation.objects.filter(pk__in=shop_ids)}
    for key, before in initial.items():
        after = credit_balance(shops[key[0]], key[1], key[2])
        assert after == before - used[key], (key, before, used[key], after)
        assert after >= 0


def _check_receipts(shop_ids: list[int]) -> None:
    receipts = Counter(
        OutgoingEmail.objects.filter(installation_id__in=shop_ids, kind="receipt").values_list(
            "invoice_id", flat=True
        )
    )
    paid = set(
        Invoice.objects.filter(installation_id__in=shop_ids, status=Invoice.Status.PAID).values_list(
            "pk", flat=True
        )
    )
    assert set(receipts) == paid
    assert set(receipts.values()) == {1}
