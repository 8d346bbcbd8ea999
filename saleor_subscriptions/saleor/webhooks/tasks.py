"""Applying accepted webhook deliveries: one Celery task per delivery, and a sweeper for beat.

`apply_delivery` locks the delivery row for the whole run, so the same delivery is never applied by two
workers at once, and applies it only while it is `received` or `failed`: a processed delivery is never
applied twice, and running a failed one again (a retry, or by hand once the cause is fixed) re-runs it.
The handler runs in a savepoint: when it fails, nothing it wrote stays, and the failure, its traceback and
the attempt are recorded. A failure for a reason in the delivery's data fails for good (it would fail
again): a `BadPayload`, a lifecycle refusal (a quantity out of range, say), or a value the code cannot work
with (`ValueError`, `ArithmeticError`, `LookupError`, a database `DataError`: a date out of range, a number
too large for its column). Anything else (Saleor or the database out of reach) is retried with backoff, at
most MAX_ATTEMPTS times. A delivery that fails for good, or runs out of attempts, is logged at ERROR level
(`WEBHOOK FAILED`, the staff alert, as for refunds Stripe refuses) and is not tried again by itself.
"""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from decimal import Decimal
from typing import Any

from celery import Task, shared_task
from django.db import DataError, transaction
from django.utils import timezone

from saleor_subscriptions.inbox import Applied, apply_locked
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.base import BadPayload, Incoming
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
SWEEP_AFTER = timedelta(minutes=5)
"""An accepted delivery still `received` this long after it came was lost on its way to a worker."""

APPLICABLE = (WebhookDelivery.Status.RECEIVED, WebhookDelivery.Status.FAILED)
PERMANENT_FAILURES = (BadPayload, LifecycleError, ValueError, ArithmeticError, LookupError, DataError)


def _transient(exc: Exception) -> bool:
    return not isinstance(exc, PERMANENT_FAILURES)


def apply_delivery(delivery_id: int) -> Applied:
    """Apply one accepted delivery with its webhook's handler (see the module doc); returns its status after,
    and whether a retry may help."""
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(of=("self",))
            .select_related("installation")
            .get(pk=delivery_id)
        )
        if not delivery.accepted or delivery.status not in APPLICABLE:
            return Applied(delivery.status)

        def handle() -> Any:
            installation = delivery.installation
            if installation is None or installation.status != Installation.Status.ACTIVE:
                raise BadPayload("the installation was removed after the delivery was accepted")
            webhook = WEBHOOKS[delivery.name]
            payload = json.loads(delivery.raw_body, parse_float=Decimal)
            return dict(webhook.handle(Incoming(installation, webhook.event, payload, delivery.pk)))

        what = f"webhook delivery {delivery.pk} ({delivery.name})"
        applied = apply_locked(delivery, handle, transient=_transient, max_attempts=MAX_ATTEMPTS, what=what)
        if applied.status == WebhookDelivery.Status.FAILED and not applied.retry:
            logger.error(
                "WEBHOOK FAILED: %s of installation %s after %s attempts, not retried; staff must act: %s",
                what,
                delivery.installation_id,
                delivery.attempts,
                delivery.outcome.get("error") if isinstance(delivery.outcome, dict) else delivery.outcome,
            )
        return applied


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS, name="saleor.process_webhook_delivery")
def process_webhook_delivery(self: Task[[int], str], delivery_id: int) -> str:
    """Apply one delivery; a transient failure is retried with backoff (30 s, 1, 2, 4, 8 min)."""
    applied = apply_delivery(delivery_id)
    # Run eagerly (in the request's process) a retry would repeat at once: the sweeper cannot help either,
    # the failure stays recorded for a run by hand.
    if applied.retry and not self.request.is_eager:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return applied.status


@shared_task(acks_late=True, name="saleor.process_pending_webhooks")
def process_pending_webhooks() -> int:
    """For beat: apply accepted deliveries still waiting long after they came (their task was lost)."""
    cutoff = timezone.now() - SWEEP_AFTER
    pending = WebhookDelivery.objects.filter(
        accepted=True, status=WebhookDelivery.Status.RECEIVED, received_at__lt=cutoff
    ).values_list("pk", flat=True)
    count = 0
    for delivery_id in pending[:500]:
        apply_delivery(delivery_id)
        count += 1
    return count


def enqueue(delivery_id: int) -> None:
    """Hand a delivery to a worker; if the broker is down the sweeper applies it later."""
    try:
        process_webhook_delivery.delay(delivery_id)
    except Exception:
        logger.warning(
            "could not enqueue webhook delivery %s; the sweeper applies it", delivery_id, exc_info=True
        )
