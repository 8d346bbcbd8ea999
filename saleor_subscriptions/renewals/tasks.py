"""Celery tasks of the renewals, run by beat (see `conf/celery.py`); each is idempotent and `acks_late`.

Beat enqueues what is due in batches (`enqueue_due_renewals`); each `renew_batch` task claims its own batch
with SKIP LOCKED, so any number of workers share the due set and a task run twice claims nothing twice.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.renewals.batch import RENEWABLE, due_filter, invoice_batch
from saleor_subscriptions.renewals.dunning_steps import run_dunning
from saleor_subscriptions.renewals.errors import PortsRefused
from saleor_subscriptions.renewals.lapses import lapse_unpaid_signups as lapse_unpaid
from saleor_subscriptions.renewals.notices import send_renewal_reminders, send_trial_notices
from saleor_subscriptions.renewals.pipeline import resume_unfinished, run_batch
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.subscriptions.models import Subscription

logger = logging.getLogger(__name__)
MAX_BATCHES_PER_TICK = 1000


@shared_task(acks_late=True, name="renewals.enqueue_due_renewals")
def enqueue_due_renewals() -> int:
    """For beat: one `renew_batch` task per batch of what is due now on live installations; none while
    the configured ports may not bill them (said once a tick, instead of a thousand empty batches)."""
    try:
        configured_ports()
    except PortsRefused as exc:
        logger.error("renewals are not running: %s", exc)
        return 0
    due = Subscription.objects.filter(
        due_filter(None), status__in=RENEWABLE, next_billing_at__lte=timezone.now()
    ).count()
    batches = min(math.ceil(due / settings.RENEWAL_BATCH_SIZE), MAX_BATCHES_PER_TICK)
    for _ in range(batches):
        renew_batch.delay()
    return batches


@shared_task(acks_late=True, name="renewals.renew_batch")
def renew_batch() -> dict[str, Any]:
    """Claim one batch of due subscriptions and run each renewal to the end."""
    try:
        ports = configured_ports()
    except PortsRefused as exc:
        logger.error("renewals are not running: %s", exc)
        return {"error": str(exc)}
    now = timezone.now()
    batch = invoice_batch(now, settings.RENEWAL_BATCH_SIZE, None)
    report = run_batch(batch, ports, now)
    if ports.followup is not None and batch.claimed:
        ports.followup(None, now)
    return {
        "claimed": batch.claimed,
        "invoiced": len(batch.invoices),
        "passed": batch.passed,
        **report.counts,
    }


@shared_task(acks_late=True, name="renewals.resume_unfinished")
def resume_unfinished_renewals() -> int:
    """For beat: the sweeper, finishing renewals a crashed worker left halfway once their lease ran out."""
    try:
        ports = configured_ports()
    except PortsRefused as exc:
        logger.error("renewals are not running: %s", exc)
        return 0
    return resume_unfinished(ports).ordered


@shared_task(acks_late=True, name="renewals.run_dunning")
def run_due_dunning_steps() -> int:
    """For beat: retries, suspensions, warnings and cancellations that have come due (BILLING_RULES §6)."""
    try:
        ports = configured_ports()
    except PortsRefused as exc:
        logger.error("dunning is not running: %s", exc)
        return 0
    return len(run_dunning(ports))


@shared_task(acks_late=True, name="renewals.send_trial_notices")
def send_due_trial_notices() -> int:
    """For beat: "your trial ends in 3 days", once per trial."""
    return send_trial_notices(EmailNotifier())


@shared_task(acks_late=True, name="renewals.send_renewal_reminders")
def send_due_renewal_reminders() -> int:
    """For beat: "your subscription renews on …", a plan's `renewal_reminder_days` ahead, once per renewal."""
    return send_renewal_reminders(EmailNotifier())


@shared_task(acks_late=True, name="renewals.lapse_unpaid_signups")
def lapse_unpaid_signups() -> int:
    """For beat: sign-ups whose first payment did not come within 23 hours lapse (§5)."""
    return lapse_unpaid(timezone.now())
