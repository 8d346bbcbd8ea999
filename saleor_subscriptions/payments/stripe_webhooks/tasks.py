"""Applying accepted Stripe events: one Celery task per event, and a sweeper for beat.

`apply_stripe_event` locks the event's row for the whole run, so one event is never applied by two workers at
once, and applies it only while it is `received` or `failed`. The handler runs in a savepoint: when it fails,
nothing it wrote stays, and the failure, its traceback and the attempt are recorded. Stripe that cannot be
reached is retried with backoff; an object Stripe does not know (any refusal of the request) is not retried
by the task. The sweeper (beat, every 5 minutes) applies events whose task was lost, failed events again
(transient failures after 5 minutes, others after an hour; at most `SWEEP_MAX_ATTEMPTS` tries in all), and
the Stripe follow-ups still due (`followups`: cancelling intents, refunding payments not needed).
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta
from typing import Any

import stripe
from celery import Task, shared_task
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from saleor_subscriptions.inbox import Applied, apply_locked
from saleor_subscriptions.payments.stripe_webhooks.followups import run_due_follow_ups
from saleor_subscriptions.payments.stripe_webhooks.handlers import Context, StripeNotCaughtUp, apply_event
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
SWEEP_AFTER = timedelta(minutes=5)
"""An accepted event still `received` this long after it came was lost on its way to a worker."""

SWEEP_MAX_ATTEMPTS = 12
"""A failed event is applied at most this many times in all (the task's retries included)."""
RETRY_FAILED_AFTER = timedelta(hours=1)
"""A failed event whose failure was not transient is applied again by the sweeper after this long."""

APPLICABLE = (StripeEvent.Status.RECEIVED, StripeEvent.Status.FAILED)


TRANSIENT = (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError, StripeNotCaughtUp)


class EventNotApplicable(Exception):
    """The event can never be applied (its installation or account is gone)."""


def _transient(exc: Exception) -> bool:
    return isinstance(exc, TRANSIENT)


def apply_stripe_event(event_pk: int) -> Applied:
    """Apply one accepted event (see the module doc); its status after, and whether a retry may help."""
    with transaction.atomic():
        event = (
            StripeEvent.objects.select_for_update(of=("self",))
            .select_related("installation", "account")
            .get(pk=event_pk)
        )
        if not event.accepted or event.status not in APPLICABLE:
            return Applied(event.status)

        def handle() -> Any:
            installation, account = event.installation, event.account
            if installation is None or installation.status != Installation.Status.ACTIVE:
                raise EventNotApplicable("the installation was removed after the event was accepted")
            if account is None:
                raise EventNotApplicable("the Stripe account that signed the event was removed")
            return apply_event(event.event_type, Context(installation, account, event.object_id))

        what = f"Stripe event {event.event_id} ({event.event_type})"
        return apply_locked(event, handle, transient=_transient, max_attempts=MAX_ATTEMPTS, what=what)


@shared_task(bind=True, acks_late=True, max_retries=MAX_ATTEMPTS, name="stripe_webhooks.process_event")
def process_stripe_event(self: Task[[int], str], event_pk: int) -> str:
    """Apply one event; Stripe out of reach is retried with backoff (30 s, 1, 2, 4, 8 min)."""
    applied = apply_stripe_event(event_pk)
    if applied.retry and not self.request.is_eager:
        raise self.retry(countdown=30 * 2**self.request.retries)
    return applied.status


def due_for_sweep(now: datetime | None = None) -> QuerySet[StripeEvent]:
    """Accepted events the sweeper applies: still `received` long after they came (their task was lost), or
    `failed` and not tried more than `SWEEP_MAX_ATTEMPTS` times, when the failure was transient (Stripe out
    of reach, after the task's own retries) and `SWEEP_AFTER` old, or any failure `RETRY_FAILED_AFTER` old
    (a deadlock, a fault since fixed)."""
    moment = now or timezone.now()
    lost = Q(status=StripeEvent.Status.RECEIVED, received_at__lt=moment - SWEEP_AFTER)
    failed = Q(status=StripeEvent.Status.FAILED, attempts__lt=SWEEP_MAX_ATTEMPTS) & (
        Q(outcome__transient=True, processed_at__lt=moment - SWEEP_AFTER)
        | Q(processed_at__lt=moment - RETRY_FAILED_AFTER)
    )
    return StripeEvent.objects.filter(lost | failed, accepted=True)


@shared_task(acks_late=True, name="stripe_webhooks.process_pending")
def process_pending_stripe_events() -> int:
    """For beat: apply accepted events still waiting (their task was lost) or failed and due again (see
    `due_for_sweep`), and run the Stripe follow-ups still due (`followups`)."""
    pending = due_for_sweep().order_by("received_at").values_list("pk", flat=True)
    count = 0
    for event_pk in pending[:500]:
        apply_stripe_event(event_pk)
        count += 1
    run_due_follow_ups()
    return count


def enqueue(event_pk: int) -> None:
    """Hand an event to a worker; if the broker is down the sweeper applies it later."""
    try:
        process_stripe_event.delay(event_pk)
    except Exception:
        logger.warning("could not enqueue Stripe event %s; the sweeper applies it", event_pk, exc_info=True)
