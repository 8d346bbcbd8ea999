"""The sweeper applies failed events again (transient failures soon, others after an hour, a bounded number
of times), and a pay-page payment is numbered under the invoice's lock, after a dunning retry numbered at
the same moment instead of colliding with it."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.payments.stripe_webhooks.intents import settle_invoice_intent
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.payments.stripe_webhooks.tasks import (
    SWEEP_MAX_ATTEMPTS,
    process_pending_stripe_events,
)
from saleor_subscriptions.renewals.pipeline import new_attempt
from tests.payments.stripe_webhooks.stripe_shop import (
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]


def _failed_event(webhooks, **extra) -> StripeEvent:
    """A SEPA debit cleared; its event fails (Stripe answers 500 when the worker reads the intent)."""
    shop = webhooks.shop
    invoice = shop.renew(shop.subscriber(sepa=True))
    shop.fake.settle_processing()
    shop.fake.fail_next(kind="server_error", executed=False, method="GET", path_prefix="/v1/payment_intents/")
    response = webhooks.post(webhooks.event("payment_intent.succeeded"))
    event = StripeEvent.objects.get(pk=response.json()["event"])
    assert event.status == "failed" and event.outcome["transient"] is True
    StripeEvent.objects.filter(pk=event.pk).update(**extra)
    event.invoice = invoice  # type: ignore[attr-defined]
    return event


@pytest.mark.django_db
def test_the_sweeper_applies_a_transiently_failed_event_again(webhooks):
    event = _failed_event(webhooks, processed_at=timezone.now() - timedelta(minutes=10))

    process_pending_stripe_events()

    assert StripeEvent.objects.get(pk=event.pk).status == "processed"
    assert Invoice.objects.get(pk=event.invoice.pk).status == Invoice.Status.PAID  # type: ignore[attr-defined]


@pytest.mark.django_db
def test_other_failures_are_applied_again_after_an_hour(webhooks):
    event = _failed_event(webhooks, outcome={"error": "OperationalError: deadlock detected", "retry": False})
    process_pending_stripe_events()
    assert StripeEvent.objects.get(pk=event.pk).status == "failed"  # too recent

    StripeEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now() - timedelta(hours=2))
    process_pending_stripe_events()

    assert StripeEvent.objects.get(pk=event.pk).status == "processed"


@pytest.mark.django_db
def test_the_sweeper_gives_up_after_its_cap(webhooks):
    event = _failed_event(
        webhooks, processed_at=timezone.now() - timedelta(hours=2), attempts=SWEEP_MAX_ATTEMPTS
    )

    process_pending_stripe_events()

    assert StripeEvent.objects.get(pk=event.pk).status == "failed"


@pytest.mark.django_db(transaction=True)
def test_a_pay_page_payment_and_a_dunning_retry_numbered_at_once_do_not_collide(stripe_shop):
    shop = stripe_shop
    subscription = shop.subscriber(None)
    invoice = shop.renew(subscription)
    assert attempts(invoice) == [(1, "declined", "no_payment_method")]
    paid = shop.client.v1.payment_intents.create(
        params={
            "amount": 3630,
            "currency": "eur",
            "payment_method": "pm_card_visa",
            "confirm": True,
            "metadata": {"invoice_number": str(invoice.number), "installation": str(shop.installation.pk)},
        }
    )
    numbered = threading.Event()

    def dunning_retry() -> None:  # as `_run_step`: the invoice locked, the next number taken and held
        try:
            with transaction.atomic():
                locked = Invoice.objects.select_for_update(of=("self",)).get(pk=invoice.pk)
                new_attempt(locked, 2, timezone.now()).save()
                numbered.set()
                time.sleep(0.5)
        finally:
            numbered.set()
            connection.close()

    retry = threading.Thread(target=dunning_retry)
    retry.start()
    assert numbered.wait(10)
    try:
        outcome = settle_invoice_intent(shop.installation, paid, RecordingNotifier(), pay_url)
    finally:
        retry.join()

    assert outcome["new_attempt"] == 3
    assert [(n, s) for n, s, _ in attempts(invoice)] == [(1, "declined"), (2, "pending"), (3, "succeeded")]
