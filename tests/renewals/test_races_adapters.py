"""Four renewal workers at once on one due set, through the production adapters (issue 12, item 15): the
Saleor order sink and the Stripe gateway (`conf.ports:saleor_ports`) against the fake Saleor and the fake
Stripe, which the worker processes reach over HTTP. `test_races` proves the sharing on the in-memory ports,
whose `INSERT OR IGNORE` gives idempotency for free; here each worker also runs the follow-up that writes paid
invoices on their Saleor orders while the others still renew, so the look-ups the adapters make before they
write, Saleor's external references, Stripe's idempotency keys and the records' row locks must hold.

The shop sells a shipped coffee subscription (draft orders: Saleor prices the post) and a digital one
(`orderBulkCreate`: the app holds MANAGE_ORDERS_IMPORT and the channel has a warehouse and flat rates), half
of the customers on each, every one with a card saved at the fake Stripe.

    pytest -m slow tests/renewals/test_races_adapters.py -s   (prints the figures)
"""

from __future__ import annotations

import json
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_plan_version
from tests.renewals.adapter_shop import (
    adapter_environ,
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
from tests.renewals.support import at, signed_up
from tests.saleor.test_orders_pipeline import subscribed
from tests.saleor.test_orders_shop import ANN_BILLING

__all__ = ["fake_saleor", "fake_stripe", "fake_stripe_server", "stripe_settings"]

SUBSCRIBERS = 60
WORKERS = 4
BATCH_SIZE = 4  # small batches: the workers take turns on the due set, none takes it whole
NOW = at(2026, 12, 16, 6)  # 07:00 in Amsterdam, past the 06:00 due hour


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_four_workers_on_the_real_adapters_renew_order_and_charge_each_subscription_exactly_once(
    fake_saleor, fake_stripe, stripe_settings, tmp_path: Path
):
    started = time.monotonic()
    shop, account = shop_with_stripe(
        fake_saleor,
        fake_stripe,
        sandbox=True,
        clock=at(2026, 11, 16),
        time_zone="Europe/Amsterdam",
        due_hour=6,
    )
    fake_saleor.add_warehouse("Amsterdam", channels=["default-channel"])
    course = fake_saleor.add_product("Coffee course", tax_class=shop.tax_class_id, is_shipping_required=False)
    lessons = fake_saleor.add_variant(
        course.id, name="Online", sku="CRS-1", prices={"default-channel": "7.50"}
    )
    digital = make_plan_version(
        shop.installation, currency="EUR", price=Decimal("7.50"), variant_id=lessons.id, name="Coffee course"
    )
    installation_id = shop.installation.pk
    shipped: list[int] = []
    for i in range(SUBSCRIBERS):
        email = f"race-{i}@example.com"
        if i % 2 == 0:
            subscription = subscribed(shop, email, quantity=1 + i % 3)
            shipped.append(subscription.pk)
        else:
            subscription = signed_up(digital, email=email, quantity=1 + i % 3)
            Subscription.objects.filter(pk=subscription.pk).update(billing_address=ANN_BILLING)
        save_card(shop, fake_stripe, account, subscription)
    subscription_ids = list(
        Subscription.objects.filter(installation_id=installation_id).values_list("pk", flat=True)
    )
    assert len(subscription_ids) == SUBSCRIBERS
    assert (
        Subscription.objects.filter(pk__in=subscription_ids, next_billing_at__lte=NOW).count() == SUBSCRIBERS
    )
    setup_seconds = time.monotonic() - started

    var_dir = tmp_path / "var"
    var_dir.mkdir()
    out = tmp_path / "workers.jsonl"
    environ = child_environ(var_dir, **adapter_environ(fake_stripe))
    args = [
        "--installations",
        str(installation_id),
        "--now",
        NOW.isoformat(),
        "--batch-size",
        str(BATCH_SIZE),
    ]
    workers = [
        Worker([*args, "--followup", "--out", str(out)], environ, tmp_path / f"worker-{n}.log")
        for n in range(WORKERS)
    ]
    try:
        for worker in workers:
            worker.wait_ready()
        go = time.monotonic()
        for worker in workers:  # all loaded: start them together
            worker.go()
        for worker in workers:
            returncode = worker.wait(timeout=150)
            assert returncode == 0, worker.log_tail()
    finally:
        for worker in workers:
            if worker.process.poll() is None:
                worker.kill()
    run_seconds = time.monotonic() - go

    reports = [json.loads(line) for line in out.read_text().splitlines()]
    invoiced = {report["pid"]: report["invoiced"] for report in reports}
    ordered = {report["pid"]: report["ordered"] for report in reports}
    invoices = list(Invoice.objects.filter(installation_id=installation_id))
    orders = fake_saleor.orders()
    succeeded, held = stripe_figures(fake_stripe, installation_id)
    origins = Counter(order.origin for order in orders)
    intents = fake_stripe.count("payment_intent")
    charged = sum(map(len, succeeded.values()))
    print(
        f"\nraces on the real adapters: {SUBSCRIBERS} subscriptions, {WORKERS} workers, invoices per worker"
        f" {sorted(invoiced.values(), reverse=True)}, orders per worker"
        f" {sorted(ordered.values(), reverse=True)};"
        f" {len(invoices)} invoices, {len(orders)} Saleor orders ({dict(origins)}),"
        f" {intents} PaymentIntents ({charged} succeeded),"
        f" {held} EUR held; setup {setup_seconds:.1f}s, renewal {run_seconds:.1f}s"
    )
    assert len(reports) == WORKERS
    assert sum(invoiced.values()) == SUBSCRIBERS
    assert sum(1 for n in invoiced.values() if n > 0) > 1, f"one worker did all the work: {invoiced}"

    # One invoice per subscription and period (one period is due for each).
    assert Counter(i.subscription_id for i in invoices) == Counter(subscription_ids)
    assert len({(i.subscription_id, i.period_index) for i in invoices}) == len(invoices)
    # Each invoice paid, with its one order (none adopted twice, none orphaned), its one succeeded
    # PaymentIntent, its one transaction on that order and its one document; Stripe holds what they say is
    # paid; numbers without a gap.
    check_finished(fake_saleor, fake_stripe, installation_id)
    assert intents == len(invoices), "a PaymentIntent that no invoice kept"
    references = Counter(t.psp_reference for order in orders for t in order.transactions)
    assert references == Counter(intent["id"] for intents in succeeded.values() for intent in intents)
    # Both ways of ordering raced: drafts for the shipped plan, bulk for the digital one.
    by_number = {order.external_reference: order for order in orders}
    for invoice in invoices:
        expected = "DRAFT" if invoice.subscription_id in shipped else "BULK_CREATE"
        assert by_number[str(invoice.number)].origin == expected, invoice.number
    assert origins == {"DRAFT": SUBSCRIBERS // 2, "BULK_CREATE": SUBSCRIBERS // 2}
    # Every subscription moved on past the moment of the run.
    assert not Subscription.objects.filter(pk__in=subscription_ids, next_billing_at__lte=NOW).exists()
