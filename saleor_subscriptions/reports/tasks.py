"""The reports' Celery task, run by beat (see `conf/celery.py`): the MRR change table built ahead of time."""

from __future__ import annotations

import logging
import time

from celery import shared_task

from saleor_subscriptions.reports.changes import refresh
from saleor_subscriptions.tenants.models import Installation, InstallationStatus

logger = logging.getLogger(__name__)


@shared_task(acks_late=True, name="reports.refresh_mrr_changes")
def refresh_mrr_changes() -> int:
    """For beat: every active installation's MRR change table brought up to its newest event (built the first
    time), so that a report finds it current and refreshes at most the events of the last minute. Returns
    how many installations it went through; idempotent (a refresh with nothing new changes nothing)."""
    installations = Installation.objects.filter(status=InstallationStatus.ACTIVE).values_list("pk", flat=True)
    done = 0
    for pk in installations.order_by("pk"):
        began = time.monotonic()
        refresh(pk)
        took = time.monotonic() - began
        if took > 5:
            logger.info("installation %s: MRR change table refreshed in %.1f s", pk, took)
        done += 1
    return done
