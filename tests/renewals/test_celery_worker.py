"""A real Celery worker on the machine's Redis runs a renewal end to end (beat's task, then the batch)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from celery import Celery
from django.conf import settings
from django.utils import timezone

from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.memory import JournalStore
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import plan, signed_up

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")


def _database_url() -> str:
    db = settings.DATABASES["default"]
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{host}:{port}/{db['NAME']}"


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

    environ = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "RENEWAL_PORTS": "saleor_subscriptions.renewals.wiring:journal_ports",
        "VAR_DIR": str(tmp_path),
        "EMAIL_URL": "console://",
    }
    log = (tmp_path / "worker.log").open("w")
    worker = subprocess.Popen(
        [sys.executable, "-m", "saleor_subscriptions", "worker", "--no-beat", "--concurrency", "1"],
        env=environ,
        cwd=tmp_path,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        Celery(broker=REDIS_URL, set_as_current=False).send_task("renewals.enqueue_due_renewals")
        deadline = time.monotonic() + 90
        invoice = None
        while time.monotonic() < deadline:
            invoice = Invoice.objects.filter(subscription=subscription, status=Invoice.Status.PAID).first()
            if invoice is not None:
                break
            time.sleep(0.5)
        assert invoice is not None, (tmp_path / "worker.log").read_text()[-3000:]
        charges = dict(JournalStore(tmp_path / "memory-ports.sqlite3").all("charge"))
        assert [c["invoice"] for c in charges.values()] == [invoice.number]
        assert invoice.total == sum((line.amount for line in invoice.lines.all()), invoice.tax)
        next_billing_at = Subscription.objects.get(pk=subscription.pk).next_billing_at
        assert next_billing_at is not None
        assert next_billing_at > timezone.now()
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
        log.close()
        client.flushdb()
