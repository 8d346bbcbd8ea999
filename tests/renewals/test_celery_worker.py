"""A real Celery worker on the machine's Redis runs a renewal end to end (beat's task, then the batch)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.utils import timezone

from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.memory import JournalStore
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import plan, signed_up
from tests.worker import celery_worker, wait_for

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_on_redis_renews_a_due_subscription(tmp_path: Path):
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # the suite needs Redis (README); fail loudly rather than skip
    client.flushdb()
    shop = Installation.objects.create(saleor_api_url="https://live-shop.example.com/graphql/")
    subscription = signed_up(plan(shop, "39.00"))
    # Bought a month before yesterday: yesterday's renewal is due (and its due hour has passed).
    yesterday = timezone.now().date() - timedelta(days=1)
    start = Interval(IntervalUnit.MONTH).after(yesterday, -1)
    Subscription.objects.filter(pk=subscription.pk).update(
        calendar_start=start,
        current_period_start=start,
        current_period_end=yesterday,
        next_billing_at=timezone.now() - timedelta(minutes=1),
    )

    journal = {"RENEWAL_PORTS": "saleor_subscriptions.renewals.wiring:journal_ports"}
    try:
        with celery_worker(tmp_path, REDIS_URL, **journal) as log:
            Celery(broker=REDIS_URL, set_as_current=False).send_task("renewals.enqueue_due_renewals")
            invoice = wait_for(
                lambda: Invoice.objects.filter(subscription=subscription, status=Invoice.Status.PAID).first()
            )
            assert invoice is not None, log.read_text()[-3000:]
        charges = dict(JournalStore(tmp_path / "memory-ports.sqlite3").all("charge"))
        assert [c["invoice"] for c in charges.values()] == [invoice.number]
        assert invoice.total == sum((line.amount for line in invoice.lines.all()), invoice.tax)
        next_billing_at = Subscription.objects.get(pk=subscription.pk).next_billing_at
        assert next_billing_at is not None
        assert next_billing_at > timezone.now()
    finally:
        client.flushdb()
