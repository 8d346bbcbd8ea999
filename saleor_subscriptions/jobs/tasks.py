"""Celery tasks of the background jobs: each runs a piece of one job and sends the next; beat resumes jobs
whose worker died (`conf/celery.py`). Every task can run twice without doing anything twice."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.jobs.models import BackgroundJob
from saleor_subscriptions.jobs.runner import STALE_AFTER, UNFINISHED, run_chunk, stalled_jobs
from saleor_subscriptions.jobs.test_clock import run_clock_advance


def enqueue(job: BackgroundJob) -> None:
    """Send the job to a worker once the transaction that made it commits."""
    transaction.on_commit(lambda: run_background_job.delay(job.pk))


@shared_task(acks_late=True, name="jobs.run_background_job")
def run_background_job(job_id: int) -> bool:
    """Run the next chunk of a job (the clock: all of it) and send the rest as a new task; True if sent."""
    job = BackgroundJob.objects.filter(pk=job_id, status__in=UNFINISHED).first()
    if job is None:
        return False
    if job.kind == BackgroundJob.Kind.TEST_CLOCK:
        now = timezone.now()
        # One advance at a time: claimed when queued, or when its worker has gone quiet.
        claimed = (
            BackgroundJob.objects.filter(pk=job_id, status__in=UNFINISHED)
            .filter(Q(status=BackgroundJob.Status.QUEUED) | Q(heartbeat_at__lt=now - STALE_AFTER))
            .update(status=BackgroundJob.Status.RUNNING, heartbeat_at=now, started_at=job.started_at or now)
        )
        if claimed:
            run_clock_advance(job)
        return False
    if run_chunk(job_id):
        run_background_job.delay(job_id)
        return True
    return False


@shared_task(acks_late=True, name="jobs.resume_stalled")
def resume_stalled() -> int:
    """For beat: send again every unfinished job whose worker has gone quiet; how many were sent."""
    stalled = stalled_jobs(timezone.now())
    # A bulk job is marked alive as it is sent, so a long queue does not get it sent again and again; the
    # clock job is not, as it is claimed by its quiet heartbeat.
    BackgroundJob.objects.filter(pk__in=stalled).exclude(kind=BackgroundJob.Kind.TEST_CLOCK).update(
        heartbeat_at=timezone.now()
    )
    for job_id in stalled:
        run_background_job.delay(job_id)
    return len(stalled)
