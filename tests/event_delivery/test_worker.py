"""A real Celery worker on the machine's Redis sends a recorded event to a real HTTP receiver, which verifies
its signature with the snippet of docs/events.md."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from django.conf import settings

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.event_delivery.tasks import deliver_due_events
from saleor_subscriptions.outbound_events.models import EventDelivery
from tests.event_delivery.test_events_out import _endpoint, receiver, subscription
from tests.payments.stripe_webhooks.test_worker import REDIS_URL, app_on_redis
from tests.worker import celery_worker, wait_for

__all__ = ["app_on_redis", "receiver", "subscription"]


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_delivers_an_event(tmp_path: Path, subscription, receiver, app_on_redis):
    broker = redis.Redis.from_url(REDIS_URL)
    broker.ping()  # the suite needs Redis (README); fail loudly rather than skip
    broker.flushdb()
    _endpoint(subscription, receiver)
    receiver.answers = [500]
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
    environment = {"SECRET_KEY": settings.SECRET_KEY, "SALEOR_ALLOW_PRIVATE_NETWORKS": "1"}

    with celery_worker(tmp_path, REDIS_URL, **environment) as log:
        deliver_due_events.delay()
        tried = wait_for(lambda: EventDelivery.objects.filter(attempts__gte=1).first())
        assert tried is not None, log.read_text()[-3000:]
        EventDelivery.objects.update(next_attempt_at=tried.created_at)  # the retry is due now
        deliver_due_events.delay()
        done = wait_for(lambda: EventDelivery.objects.filter(status="succeeded").first())
        assert done is not None, log.read_text()[-3000:]

    assert done.attempts == 2
    assert [r["verified"] for r in receiver.received] == [True, True]
    assert receiver.received[0]["body"] == receiver.received[1]["body"]
    assert receiver.received[1]["body"]["type"] == "subscription.cancelled"
