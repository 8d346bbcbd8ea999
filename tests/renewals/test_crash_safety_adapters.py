"""Renewals killed with SIGKILL through the production adapters (issue 12, item 15): the Saleor order sink and
the Stripe gateway (`conf.ports:saleor_ports`), against the fake Saleor and the fake Stripe, which this
test starts and the worker processes reach over HTTP. `test_crash_safety` proves the pipeline on the in-memory
ports, whose `INSERT OR IGNORE` gives idempotency for free; here it is Saleor's external references, Stripe's
idempotency keys, and the look-ups the adapters make before they write, that must hold.

Each round kills workers at every boundary, each at its first and its second pass: after the invoices, between
`draftOrderCreate` and `draftOrderComplete`, after the orders, between Stripe's confirmation and its recording
(in the gateway and after all charges), and between `transactionCreate` and the charge's event on the order
(the follow-up that writes paid invoices on their orders runs in every worker); then at random moments; then
clean runs finish the round. After every kill: at most one Saleor order per invoice, at most one succeeded
PaymentIntent per invoice, nothing paid that Stripe did not charge, invoice numbers without a gap. After each
round: what Stripe charged less what it refunded is exactly what the invoices say is paid, every invoice has
its one order, and every paid one its charge and document on that order.

    CRASH_SEED=… pytest -m slow tests/renewals/test_crash_safety_adapters.py -s   (prints the figures)
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.renewals.batch import LEASE, RENEWABLE
from saleor_subscriptions.subscriptions.models import Subscription
from tests.fakes.stripe import FakeStripe
from tests.renewals.adapter_shop import (
    adapter_environ,
    check_anytime,
    check_finished,
    fake_saleor,
    fake_stripe,
    fake_stripe_server,
    save_card,
    shop_with_stripe,
    stripe_figures,
    stripe_settings,
)
from tests.renewals.renewal_process import Worker, child_environ
from tests.renewals.support import at
from tests.saleor.test_orders_pipeline import subscribed
from tests.saleor.test_orders_shop import Shop

__all__ = ["fake_saleor", "fake_stripe", "fake_stripe_server", "stripe_settings"]

CRASH_POINTS = (
    "after_invoices",
    "after_draft_order_create",
    "after_orders",
    "after_stripe_confirm",
    "after_charges",
    "after_transaction_create",
)
KILL_COUNTS = (1, 2, 3)
AHEAD = 3
RANDOM_KILLS = 3
ROUNDS = tuple(at(year, month, 16, 6) for year, month in ((2026, 12), (2027, 1), (2027, 2)))
SUBSCRIBERS = 32
MIN_KILLS = 50
BATCH_SIZE = 1  # one renewal a batch: a kill at a boundary's n-th pass leaves the rest undone


def _with_cards(shop: Shop, fake: FakeStripe, account: StripeAccount) -> list[Subscription]:
    """Customers of the coffee plan, each with a card saved at the fake Stripe for off-session charges."""
    subscriptions = []
    for i in range(SUBSCRIBERS):
        subscription = subscribed(shop, f"crash-{i}@example.com", quantity=1 + i % 3)
        save_card(shop, fake, account, subscription)
        subscriptions.append(subscription)
    return subscriptions


def _round_done(installation_id: int, now: Any) -> bool:
    due = Subscription.objects.filter(
        installation_id=installation_id, status__in=RENEWABLE, next_billing_at__lte=now
    ).exists()
    invoices = Invoice.objects.filter(installation_id=installation_id)
    unfinished = invoices.exclude(pipeline_step=Invoice.PipelineStep.DONE).exists()
    unrecorded = (
        invoices.filter(status=Invoice.Status.PAID)
        .exclude(saleor_order_record__done_at__isnull=False)
        .exists()
    )
    return not due and not unfinished and not unrecorded


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_renewals_killed_at_every_boundary_of_the_real_adapters_charge_and_order_everything_once(
    fake_saleor, fake_stripe, stripe_settings, tmp_path: Path
):
    started = time.monotonic()
    seed = int(os.environ.get("CRASH_SEED") or random.randrange(1 << 30))
    print(f"\ncrash safety on the real adapters: seed {seed} (CRASH_SEED={seed} repeats this run)")
    rng = random.Random(seed)
    # Draft orders (no MANAGE_ORDERS_IMPORT), so that a kill can fall between create and complete.
    permissions = [
        "MANAGE_PRODUCTS",
        "MANAGE_CHECKOUTS",
        "HANDLE_CHECKOUTS",
        "MANAGE_ORDERS",
        "HANDLE_PAYMENTS",
    ]
    shop, account = shop_with_stripe(
        fake_saleor,
        fake_stripe,
        permissions=permissions,
        sandbox=True,
        clock=at(2026, 11, 16),
        time_zone="Europe/Amsterdam",
        due_hour=6,
    )
    _with_cards(shop, fake_stripe, account)
    installation_id = shop.installation.pk
    setup_seconds = time.monotonic() - started

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    logs = tmp_path / "logs"
    logs.mkdir()
    environ = adapter_environ(fake_stripe)
    kills = Counter[str]()
    runs = 0
    everyone: list[Worker] = []

    late = 0

    def finished_pids() -> set[int]:
        out = tmp_path / "runs.jsonl"
        lines = out.read_text().splitlines() if out.exists() else []
        return {json.loads(line)["pid"] for line in lines}

    def plan_of(round_index: int, step: int) -> tuple[str, str]:
        plans = plans_of[round_index]
        return plans[step] if step < len(plans) else ("clean", "")

    def start(round_index: int, step: int) -> tuple[tuple[int, int], Worker]:
        renew_now = ROUNDS[round_index]
        # Every restart sweeps at a moment past every lease taken so far (renew_due's and the sweeper's).
        resume_now = renew_now + (step + 1) * (LEASE + timedelta(minutes=1))
        extra = dict(environ)
        crash_at = plan_of(round_index, step)[1]
        if crash_at:
            extra["SALEOR_SUBSCRIPTIONS_CRASH_AT"] = crash_at
        worker = Worker(
            [
                "--installations",
                str(installation_id),
                "--now",
                renew_now.isoformat(),
                "--resume-now",
                resume_now.isoformat(),
                "--batch-size",
                str(BATCH_SIZE),
                "--followup",
                "--out",
                str(tmp_path / "runs.jsonl"),
            ],
            child_environ(var_dir, **extra),
            logs / f"round-{round_index}-step-{step:02d}.log",
        )
        everyone.append(worker)
        return (round_index, step), worker

    # Per round: each boundary of the renewal at its first, second and third pass (one renewal a batch, so
    # each kill leaves the rest to do), random moments, then the follow-up's boundary (it runs after the
    # renewals), then clean runs.
    plans_of: list[list[tuple[str, str]]] = []
    for _ in ROUNDS:
        points = [("point", f"{point}:{count}") for count in KILL_COUNTS for point in CRASH_POINTS[:-1]]
        random_kills: list[tuple[str, str]] = [("random", "")] * RANDOM_KILLS
        followup = [("point", f"{CRASH_POINTS[-1]}:{count}") for count in KILL_COUNTS]
        plans_of.append(points + random_kills + followup)
    # Workers are started AHEAD runs early (Django loaded, waiting on stdin), so restarts do not wait for it.
    started_for: dict[tuple[int, int], Worker] = {}
    try:
        for round_index, renew_now in enumerate(ROUNDS):
            step, clean_runs = 0, 0
            while True:
                kind, crash_at = plan_of(round_index, step)
                for ahead in range(step, step + AHEAD + 1):
                    if (round_index, ahead) not in started_for:
                        started_for[(round_index, ahead)] = start(round_index, ahead)[1]
                worker = started_for.pop((round_index, step))
                worker.go()
                runs += 1
                delay = rng.uniform(0.1, 1.0) if kind == "random" else 120.0
                try:
                    returncode = worker.wait(timeout=delay)
                except subprocess.TimeoutExpired:
                    if kind != "random":
                        worker.kill()
                        pytest.fail(f"a renewal worker hung: {worker.log_tail()}")
                    returncode = worker.kill()
                if returncode == -signal.SIGKILL and worker.pid in finished_pids():
                    late += 1  # killed on its way out, its work done: not a kill that tests anything
                elif returncode == -signal.SIGKILL:
                    kills[kind if kind == "random" else crash_at.partition(":")[0]] += 1
                    check_anytime(fake_saleor, fake_stripe, installation_id)
                else:
                    assert returncode == 0, f"run {runs} ({kind} {crash_at}) failed: {worker.log_tail()}"
                step += 1
                if step >= len(plans_of[round_index]):
                    clean_runs += kind == "clean"
                    if _round_done(installation_id, renew_now):
                        break
                    assert clean_runs < 3, (
                        f"round {round_index} is not finished after {clean_runs} clean runs"
                    )
            for key in [key for key in started_for if key[0] == round_index]:
                started_for.pop(key).kill()
            check_finished(fake_saleor, fake_stripe, installation_id)
    finally:  # no worker outlives the test (a spare waiting for "go" would exit on its own, too)
        for worker in everyone:
            if worker.process.poll() is None:
                worker.kill()

    total_kills = sum(kills.values())
    finished = [json.loads(line) for line in (tmp_path / "runs.jsonl").read_text().splitlines()]
    invoices = Invoice.objects.filter(installation_id=installation_id).count()
    succeeded, _held = stripe_figures(fake_stripe, installation_id)
    print(
        f"crash safety on the real adapters: {total_kills} kills ({dict(kills)}) in {runs} runs over"
        f" {len(ROUNDS)} rounds ({len(finished)} ended on their own, {late} of them killed on their way"
        f" out); {invoices} renewals,"
        f" {len(fake_saleor.orders())} Saleor orders,"
        f" {fake_stripe.count('payment_intent')} PaymentIntents"
        f" ({sum(map(len, succeeded.values()))} succeeded);"
        f" setup {setup_seconds:.1f}s, runs {time.monotonic() - started - setup_seconds:.1f}s"
    )
    assert total_kills >= MIN_KILLS, f"only {total_kills} kills landed: {dict(kills)}"
    assert all(kills[point] > 0 for point in CRASH_POINTS), dict(kills)
    assert invoices == SUBSCRIBERS * len(ROUNDS)
