"""Celery: the deliveries due (new events, retries) go out every 10 seconds (beat, `conf.celery`)."""

from __future__ import annotations

from celery import shared_task

from saleor_subscriptions.event_delivery.sending import deliver_due


@shared_task(name="event_delivery.deliver_due", ignore_result=True)
def deliver_due_events() -> int:
    return deliver_due()
