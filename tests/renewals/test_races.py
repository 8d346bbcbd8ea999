"""Four renewal workers at once on one due set, on PostgreSQL: they share the work, and each subscription is
renewed exactly once (`SELECT … FOR UPDATE SKIP LOCKED`, gap-free numbers under the sequence's row lock)."""

from __future__ import annotations

import json
import re
import time
from collections import Counter, defaultdict
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_subscriptions.invoicing.models import Invoice, NumberSequence
from saleor_subscriptions.renewals.memory import InMemoryGateway, JournalStore
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription, customer_key
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.renewal_process import Worker, child_environ
from tests.renewals.support import at, plan, sandbox, signed_up

SUBSCRIPTIONS_PER_SHOP = 1000
WORKERS = 4
BATCH_SIZE = 50
NOW = at(2026, 12, 16, 12)
KEY = re.compile(r"^invoice-(\d+)-attempt-(\d+)$")


def _due_set(shop: Installation, prefix: str, count: int) -> list[int]:
    """`count` due subscriptions: a few signed up through the lifecycle, the rest copies of their rows, each
    with its own customer."""
    versions = [
        plan(shop, "30.00"),
        plan(shop, "39.00"),
        plan(shop, "15.00", currency="USD"),
        plan(shop, "59.00", trial_days=14),
    ]
    templates = [
        signed_up(version, f"{prefix}-template-{n}@example.com", quantity=1 + n % 2)
        for n, version in enumerate(versions)
    ]
    rows = list(Subscription.objects.filter(pk__in=[t.pk for t in templates]).values())
    copies = []
    for n in range(count - len(templates)):
        values = {**rows[n % len(rows)]}
        del values["id"]
        email = f"{prefix}-{n}@example.com"
        values.update(customer_email=email, customer_key=customer_key(None, email))
        copies.append(Subscription(**values))
    Subscription.objects.bulk_create(copies, batch_size=500)
    return list(Subscription.objects.filter(installation=shop).values_list("pk", flat=True))


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_four_workers_share_one_due_set_and_renew_each_subscription_exactly_once(tmp_path: Path):
    started = time.monotonic()
    shops = [
        sandbox(at(2026, 11, 16), "https://race-a.example.com/graphql/"),
        sandbox(at(2026, 11, 16), "https://race-b.example.com/graphql/", time_zone="Europe/London"),
    ]
    subscription_ids = [
        pk for n, shop in enumerate(shops) for pk in _due_set(shop, f"s{n}", SUBSCRIPTIONS_PER_SHOP)
    ]
    assert len(subscription_ids) == 2 * SUBSCRIPTIONS_PER_SHOP
    assert Subscription.objects.filter(pk__in=subscription_ids, next_billing_at__lte=NOW).count() == len(
        subscription_ids
    )
    setup_seconds = time.monotonic() - started

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    out = tmp_path / "workers.jsonl"
    shop_ids = [shop.pk for shop in shops]
    environ = child_environ(var_dir, RENEWAL_MEMORY_ORDER_MS="5", RENEWAL_MEMORY_CHARGE_MS="5")
    workers = [
        Worker(
            [
                "--installations",
                ",".join(map(str, shop_ids if n % 2 == 0 else shop_ids[::-1])),
                "--now",
                NOW.isoformat(),
                "--batch-size",
                str(BATCH_SIZE),
                "--out",
                str(out),
            ],
            environ,
            tmp_path / f"worker-{n}.log",
        )
        for n in range(WORKERS)
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        go = time.monotonic()
        for worker in workers:  # all loaded: start them together
            worker.go()
        for worker in workers:
            returncode = worker.wait(timeout=300)
            assert returncode == 0, worker.log_tail()
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.kill()
    run_seconds = time.monotonic() - go

    reports = [json.loads(line) for line in out.read_text().splitlines()]
    per_process = {report["pid"]: report["invoiced"] for report in reports}
    print(
        f"\nraces: {len(subscription_ids)} subscriptions, {WORKERS} workers, invoices per process"
        f" {per_process}; setup {setup_seconds:.1f}s, renewal {run_seconds:.1f}s"
    )
    assert len(reports) == WORKERS
    assert sum(per_process.values()) == len(subscription_ids)
    assert sum(1 for n in per_process.values() if n > 0) > 1, f"one worker did all the work: {per_process}"

    invoices = list(Invoice.objects.filter(installation_id__in=shop_ids))
    # One invoice per subscription and period (one period is due for each).
    assert Counter(i.subscription_id for i in invoices) == Counter(subscription_ids)
    assert len({(i.subscription_id, i.period_index) for i in invoices}) == len(invoices)
    assert {i.status for i in invoices} == {Invoice.Status.PAID}
    assert {i.pipeline_step for i in invoices} == {Invoice.PipelineStep.DONE}
    # Numbers 1..N per installation, no gap, no duplicate; the sequence moved on by exactly N.
    for shop_id in shop_ids:
        numbers = sorted(int((i.number or "INV-0")[4:]) for i in invoices if i.installation_id == shop_id)
        assert numbers == list(range(1, SUBSCRIPTIONS_PER_SHOP + 1))
        sequence = NumberSequence.objects.get(installation_id=shop_id, kind=NumberSequence.Kind.INVOICE)
        assert sequence.next_number == SUBSCRIPTIONS_PER_SHOP + 1
    # One succeeded charge per invoice: in our rows and at the gateway.
    attempts = list(PaymentAttempt.objects.filter(invoice__installation_id__in=shop_ids))
    assert Counter(a.invoice_id for a in attempts) == Counter(i.pk for i in invoices)
    assert {a.status for a in attempts} == {"succeeded"}
    charges = InMemoryGateway(JournalStore(var_dir / "memory-ports.sqlite3")).charges()
    assert set(charges) == {a.idempotency_key for a in attempts}
    charged: dict[int, int] = defaultdict(int)
    for key, charge in charges.items():
        match = KEY.match(key)
        assert match and charge["outcome"] == "succeeded", (key, charge)
        charged[int(match.group(1))] += 1
    assert charged == {i.pk: 1 for i in invoices}
    by_invoice = {i.pk: i for i in invoices}
    for attempt in attempts:
        assert (
            Decimal(charges[attempt.idempotency_key]["amount"]) == by_invoice[attempt.invoice_id].amount_paid
        )
    # Every subscription moved on past the moment of the run.
    assert not Subscription.objects.filter(pk__in=subscription_ids, next_billing_at__lte=NOW).exists()
