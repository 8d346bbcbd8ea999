"""`bench/renewals.py --saleor fake`: renewals on the production adapters against the fake Saleor and Stripe.

The Saleor order sink (`SaleorOrderSink` with `SaleorBulkFacts`), the Stripe gateway and the follow-up that
records each paid invoice's charge and document on its order (`conf.ports:saleor_ports`, with a notifier that
only counts) run in this process against the fake Saleor and the fake Stripe of tests/fakes, which this
process starts (HTTP on 127.0.0.1, each in its own threads). The shop is the orders tests' coffee shop
(EUR, NL, 21 % VAT, a 9.99 monthly plan with post); N customers sign up on 16 November 2026, each with a
card saved at the fake Stripe, and are renewed on 16 December. `--saleor-path bulk` sells it without
shipping and gives the channel a warehouse, so the renewals go through `orderBulkCreate` (see
`saleor/bulk_facts.py`); `draft` (default) ships it by post and leaves the channel without a warehouse, so
each renewal is a draft order completed. `--saleor-latency-ms`: the fake Saleor waits that long before
each answer.

Counted: the GraphQL requests the fake Saleor received during `renew_due` and the follow-up, per renewal and
by operation. Set-up (the shop, the sign-ups, the cards) is not timed. Exits 1 unless every renewal is paid
with its order done.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from collections import Counter
from collections.abc import Callable
from typing import Any


def run(args: argparse.Namespace, notifier: Any, cpu_s: Callable[[], float]) -> dict[str, Any]:
    """The run's figures; the caller has migrated the database and set Django up. `notifier` takes the
    emails; `cpu_s` tells this process's CPU seconds."""
    from django.conf import settings

    from saleor_subscriptions.conf.ports import saleor_ports
    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.renewals.pipeline import renew_due
    from saleor_subscriptions.saleor.models import OrderRecord
    from tests.fakes.saleor import FakeSaleor
    from tests.fakes.saleor import server as saleor_server
    from tests.fakes.stripe import FakeStripe
    from tests.renewals.adapter_shop import save_card, shop_with_stripe
    from tests.renewals.support import at
    from tests.saleor.test_orders_pipeline import SIGN_UP, subscribed

    latency = args.saleor_latency_ms / 1000
    if latency > 0:
        answer = saleor_server.Handler.do_POST

        def slow_post(self: Any) -> None:
            time.sleep(latency)
            answer(self)

        saleor_server.Handler.do_POST = slow_post  # type: ignore[method-assign]

    for noisy in ("stripe", "httpx", "saleor_subscriptions"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    fake_saleor = FakeSaleor().start()
    fake_stripe = FakeStripe().__enter__()
    try:
        settings.STRIPE_API_BASE = fake_stripe.url
        settings.STRIPE_NETWORK_RETRIES = 0
        settings.APP_URL = "http://subs.example.com"
        settings.SALEOR_ALLOW_PRIVATE_NETWORKS = True  # the fakes listen on 127.0.0.1
        os.environ.setdefault("SALEOR_RETRIES", "1")
        t = time.perf_counter()
        shop, account = shop_with_stripe(
            fake_saleor,
            fake_stripe,
            shipping=args.saleor_path == "draft",
            sandbox=True,
            clock=SIGN_UP,
            time_zone="Europe/Amsterdam",
            due_hour=6,
        )
        if args.saleor_path == "bulk":
            fake_saleor.add_warehouse("Bench warehouse", channels=("default-channel",))
        for i in range(args.n):
            subscription = subscribed(shop, f"bench-{i}@example.com", quantity=1 + i % 3)
            save_card(shop, fake_stripe, account, subscription)
        print(f"bench: {args.n} sign-ups with saved cards in {time.perf_counter() - t:.1f}s", flush=True)

        ports = saleor_ports()
        ports.notifier = notifier
        due = at(2026, 12, 16, 5)
        installation_id = shop.installation.pk
        before = len(fake_saleor.requests)
        started, cpu_started = time.perf_counter(), cpu_s()
        report = renew_due(ports, now=due, installation_id=installation_id, batch_size=args.batch_size)
        assert ports.followup is not None
        ports.followup(installation_id, due)
        elapsed, cpu = time.perf_counter() - started, cpu_s() - cpu_started
        calls = fake_saleor.requests[before:]
        if report.ordered < report.invoiced:  # say why, from the first invoice left without its order
            from saleor_subscriptions.renewals.pipeline import order_request

            waiting = Invoice.objects.filter(
                installation_id=installation_id, pipeline_step=Invoice.PipelineStep.ORDER
            ).first()
            if waiting is not None:
                try:
                    ports.orders.place_order(order_request(waiting))
                except Exception as exc:
                    print(f"bench: an order was not placed: {exc!r}", flush=True)
        operations = Counter(r.operation_name or "?" for r in calls)
        invoices = Invoice.objects.filter(installation_id=installation_id)
        paid = invoices.filter(status=Invoice.Status.PAID, pipeline_step=Invoice.PipelineStep.DONE).count()
        done = OrderRecord.objects.filter(invoice__installation_id=installation_id, done_at__isnull=False)
        print(f"bench: Saleor calls by operation: {dict(operations.most_common())}")
        print(
            f"bench: {report.invoiced} renewed, {report.ordered} ordered, {paid} paid, "
            f"{done.count()} orders recorded done; outcomes {dict(report.counts)}; CPU {cpu:.1f} s "
            f"(this process: the app and both fakes)"
        )
        return {
            "renewed": report.invoiced,
            "ok": report.invoiced == args.n == paid == done.count(),
            "elapsed_s": elapsed,
            "saleor_calls": len(calls),
            "path": args.saleor_path,
        }
    finally:
        fake_stripe.__exit__(None, None, None)
        fake_saleor.stop()
