"""Celery tasks that deliver the outbox: one task per email, and a sweeper for beat."""

from __future__ import annotations

import logging

from celery import Task, shared_task
from django.utils import timezone

from saleor_subscriptions.notifications.sending import MAX_ATTEMPTS, deliver, send_due_emails

logger = logging.getLogger(__name__)


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS, name="notifications.send_email")
def send_email(self: Task[[int], str], outgoing_email_id: int) -> str:
    """Send one stored email; on a failure retry with backoff. Run again for a sent email it does nothing."""
    delivery = deliver(outgoing_email_id)
    # Run eagerly (in the caller's process) a retry would repeat at once and block the caller: the failure
    # stays recorded on the row with its next attempt time, and the sweeper takes it up then.
    if delivery.retry_in is not None and not self.request.is_eager:
        raise self.retry(countdown=delivery.retry_in.total_seconds())
    return delivery.outcome


@shared_task(acks_late=True, name="notifications.send_due_emails")
def sweep_outgoing_emails() -> int:
    """For beat: send what is queued and due but whose task was lost (a crash between commit and enqueue)."""
    return send_due_emails(timezone.now())


def enqueue(outgoing_email_id: int) -> None:
    """Hand an email to a worker; if the broker is down the sweeper sends it later; the caller never knows."""
    try:
        send_email.delay(outgoing_email_id)
    except Exception:
        logger.warning(
            "could not enqueue email %s; the sweeper will send it", outgoing_email_id, exc_info=True
        )
