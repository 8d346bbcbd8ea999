"""Celery: the deliveries due (new events, retries) go out every 10 seconds, and events older than 30 days
are removed with their deliveries and log once an hour (beat, `conf.celery`)."""

from __future__ import annotations

from celery import shared_task

from saleor_subscriptions.event_delivery.sending import deliver_due, purge_old_events


@shared_task(name="event_delivery.deliver_due", ignore_result=True)
def deliver_due_events() -> int:
    return deliver_due()


@shared_task(name="event_delivery.purge_old_events", ignore_result=True)
def purge_old_events_task() -> int:
    return purge_old_events()
