"""Background jobs in a real Celery worker on the machine's Redis: a bulk pause asked through /graphql/ is
applied row by row with a refused row recorded; a job whose worker died halfway is resumed by beat's task
without applying a row twice; the sandbox's clock is advanced with its progress."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import redis
from celery import Celery

from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.jobs.bulk_actions import action_of, apply_row, start_bulk_action
from saleor_subscriptions.jobs.models import BackgroundJob, BackgroundJobRow
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.api.staff_support import staff_events, staff_token, staff_user_id, sub_id, subscription, version
from tests.payments.stripe_webhooks.test_worker import app_on_redis
from tests.renewals.support import plan as renewal_plan
from tests.renewals.support import signed_up
from tests.worker import celery_worker, wait_for

__all__ = ["app_on_redis"]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
BULK = """
mutation Bulk($ids: [ID!], $filter: SubscriptionFilterInput) {
  staffSubscriptionsBulkAction(action: PAUSE, ids: $ids, filter: $filter, reason: "winter break") {
    job { id status total } errors { field code message }
  }
}
"""
RESULTS = """
query Job($id: ID!) {
  backgroundJob(id: $id) { status total done failed results { number outcome code message } }
}
"""
ADVANCE = """
mutation Advance($to: DateTime!) { testClockAdvance(to: $to) { job { id } errors { field code message } } }
"""
JOURNAL = {"RENEWAL_PORTS": "saleor_subscriptions.renewals.wiring:journal_ports"}

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker(app_on_redis: None) -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # the suite needs Redis (README); fail loudly rather than skip
    client.flushdb()
    yield client
    client.flushdb()


def _finished(job_id: int) -> BackgroundJob | None:
    return BackgroundJob.objects.filter(pk=job_id, status__in=("done", "failed")).first()


def test_a_worker_pauses_every_subscription_of_the_filter_and_records_the_one_refused(
    tmp_path: Path, api, shop, broker
):
    plan = version(shop)
    active = [subscription(shop, plan, customer_email=f"c{n}@example.com") for n in range(5)]
    paused = subscription(shop, plan, status="paused")
    token = staff_token(shop)

    with celery_worker(tmp_path, REDIS_URL) as log:
        answer = api.data(BULK, {"filter": {"status": ["ACTIVE", "PAUSED"]}}, token=token)
        job_id = parse_global_id(answer["job"]["id"], "BackgroundJob")
        assert job_id is not None
        job = wait_for(lambda: _finished(job_id))
        assert job is not None, log.read_text()[-3000:]
    shown = api.data(RESULTS, {"id": answer["job"]["id"]}, token=token)

    assert answer["job"]["status"] == "QUEUED" and answer["job"]["total"] == 6
    assert (shown["status"], shown["total"], shown["done"], shown["failed"]) == ("DONE", 6, 6, 1)
    refused = [r for r in shown["results"] if r["outcome"] == "FAILED"]
    assert [(r["number"], r["code"]) for r in refused] == [(paused.pk, "NOT_ALLOWED_IN_STATE")]
    assert refused[0]["message"]
    me = staff_user_id(shop)
    for sub in active:
        assert Subscription.objects.get(pk=sub.pk).status == "paused"
        assert staff_events(sub) == [("pause", "staff", me, "winter break")]
    assert staff_events(paused) == []
    assert "jobs.run_background_job" in log.read_text()


def test_a_job_whose_worker_died_is_resumed_by_beat_without_applying_a_row_twice(
    tmp_path: Path, shop, broker
):
    plan = version(shop)
    subs = [subscription(shop, plan) for _ in range(4)]
    job = start_bulk_action(shop.installation, "pause", [s.pk for s in subs], {"reason": ""}, "staff-1")
    first_two = BackgroundJobRow.objects.filter(job=job).order_by("position")[:2]
    for row in first_two:  # what the worker had done when it died
        assert apply_row(job, row.pk, action_of(job))
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.RUNNING, heartbeat_at=datetime(2026, 1, 1, tzinfo=UTC)
    )

    with celery_worker(tmp_path, REDIS_URL) as log:
        Celery(broker=REDIS_URL, set_as_current=False).send_task("jobs.resume_stalled")
        finished = wait_for(lambda: _finished(job.pk))
        assert finished is not None, log.read_text()[-3000:]

    assert (finished.status, finished.done, finished.failed) == ("done", 4, 0)
    for sub in subs:
        assert [e[:3] for e in staff_events(sub)] == [("pause", "staff", "staff-1")]


def test_a_worker_advances_the_sandbox_clock_through_a_renewal(tmp_path: Path, api, shop, broker):
    installation = shop.installation
    sub = signed_up(renewal_plan(installation, "39.00"))
    next_billing = Subscription.objects.get(pk=sub.pk).next_billing_at
    assert next_billing is not None
    target = Interval(IntervalUnit.MONTH).after(next_billing.date(), 0)
    to = datetime(target.year, target.month, target.day, 23, 0, tzinfo=UTC)

    with celery_worker(tmp_path, REDIS_URL, **JOURNAL) as log:
        answer = api.data(ADVANCE, {"to": to.isoformat()}, token=staff_token(shop, ("MANAGE_SETTINGS",)))
        assert answer["errors"] == []
        job_id = parse_global_id(answer["job"]["id"], "BackgroundJob")
        assert job_id is not None
        job = wait_for(lambda: _finished(job_id))
        assert job is not None, log.read_text()[-3000:]

    assert (job.status, job.done, job.total) == ("done", 100, 100), job.message
    assert "events" in job.message
    assert Installation.objects.get(pk=installation.pk).clock == to
    assert Invoice.objects.filter(subscription=sub, billing_reason="renewal").count() == 1
    assert sub_id(sub)
