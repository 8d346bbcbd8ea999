"""A real Celery worker on the machine's Redis applies an accepted Stripe event: the SEPA debit of a renewal
clears and the invoice is paid, with the worker asking the fake Stripe over HTTP."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis
from django.conf import settings

from saleor_subscriptions.conf.celery import app as celery_app
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from tests.payments.stripe_webhooks.stripe_shop import (
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.worker import celery_worker, wait_for

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/14")


@pytest.fixture
def app_on_redis() -> Iterator[None]:
    """The app's own Celery producer on the test Redis (not eager): what the intake enqueues reaches the
    worker started below."""
    conf = celery_app.conf
    before = {"broker_url": conf.broker_url, "task_always_eager": conf.task_always_eager}
    conf.update(broker_url=REDIS_URL, task_always_eager=False)
    _forget_connections()
    celery_app.set_current()  # another test's bare Celery(broker=…) may have become the current app
    try:
        yield
    finally:
        conf.update(before)
        _forget_connections()


def _forget_connections() -> None:
    """The next send opens its connection and producer pools on the configured broker (`close()` would also
    deregister the app, and tasks would no longer find it)."""
    vars(celery_app)["_pool"] = None
    vars(celery_app.amqp)["_producer_pool"] = None


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_celery_worker_applies_a_stripe_event(tmp_path: Path, client, stripe_shop, app_on_redis):
    broker = redis.Redis.from_url(REDIS_URL)
    broker.ping()  # the suite needs Redis (README); fail loudly rather than skip
    broker.flushdb()
    shop = stripe_shop
    invoice = shop.renew(shop.subscriber(sepa=True))
    shop.fake.settle_processing()
    settings_of_app = {
        "SECRET_KEY": settings.SECRET_KEY,  # the Stripe keys are encrypted with a key derived from it
        "STRIPE_API_BASE": shop.fake.url,
        "STRIPE_NETWORK_RETRIES": "0",
    }
    with celery_worker(tmp_path, REDIS_URL, **settings_of_app) as log:
        request = shop.fake.webhook(shop.fake.events("payment_intent.succeeded")[-1])
        response = client.post(
            f"/webhooks/stripe/{shop.installation.pk}/",
            data=request.payload,
            content_type="application/json",
            headers={"Stripe-Signature": request.signature},
        )
        assert response.json()["status"] == "accepted"
        event_pk = response.json()["event"]
        stored = wait_for(lambda: StripeEvent.objects.exclude(status="received").filter(pk=event_pk).first())
        assert stored is not None and stored.status == "processed", log.read_text()[-3000:]
    worker_log = log.read_text()
    assert stored.outcome["changed"] is True
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert attempts(invoice) == [(1, "succeeded", "")]
    assert "stripe_webhooks.process_event" in worker_log
