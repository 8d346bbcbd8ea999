"""Running a background job: one chunk of rows per call, its progress written after each chunk.

A job is run by repeated calls to `run_chunk` (one Celery task each, `tasks.run_background_job`), so a long
job never holds a worker for long and a dead worker's job is resumed by the next call, from the rows still
pending (`resume_stalled`, by beat). Two calls on the same job at once share its rows safely: a row is
locked while applied and skipped when done.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.jobs.bulk_actions import action_of, apply_row
from saleor_subscriptions.jobs.models import BackgroundJob, BackgroundJobRow

CHUNK = 100
"""Rows per task: a few seconds of work, so progress shows often and a resumed job redoes little."""
STALE_AFTER = timedelta(minutes=2)
"""An unfinished job without a sign of life for this long has lost its worker: `resume_stalled` sends it."""
UNFINISHED = (BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING)


def mark_running(job: BackgroundJob, now: datetime) -> None:
    fields = {"status": BackgroundJob.Status.RUNNING, "heartbeat_at": now}
    if job.started_at is None:
        fields["started_at"] = now
    BackgroundJob.objects.filter(pk=job.pk).update(**fields)
    for name, value in fields.items():
        setattr(job, name, value)


def count_progress(job: BackgroundJob) -> None:
    """Write the job's `done` and `failed` from its rows (so a resumed job counts each row once): two counts
    on partial indexes, of the rows still pending and of those refused."""
    pending = job.rows.filter(outcome=BackgroundJobRow.Outcome.PENDING).count()
    failed = job.rows.filter(outcome=BackgroundJobRow.Outcome.FAILED).count()
    job.done, job.failed, job.heartbeat_at = job.total - pending, failed, timezone.now()
    BackgroundJob.objects.filter(pk=job.pk).update(
        done=job.done, failed=job.failed, heartbeat_at=job.heartbeat_at
    )


def run_chunk(job_id: int, chunk: int = CHUNK) -> bool:
    """Apply up to `chunk` pending rows of a bulk job, in order; True while rows remain pending (call again).
    A finished job is left as it is."""
    job = BackgroundJob.objects.filter(pk=job_id, status__in=UNFINISHED).first()
    if job is None:
        return False
    mark_running(job, timezone.now())
    action = action_of(job)
    pending = list(
        job.rows.filter(outcome=BackgroundJobRow.Outcome.PENDING)
        .order_by("position")
        .values_list("pk", flat=True)[: chunk + 1]
    )
    for row_id in pending[:chunk]:
        apply_row(job, row_id, action)
    count_progress(job)
    if job.done < job.total:
        return True
    BackgroundJob.objects.filter(pk=job.pk, status=BackgroundJob.Status.RUNNING).update(
        status=BackgroundJob.Status.DONE, finished_at=timezone.now()
    )
    return False


def stalled_jobs(now: datetime) -> list[int]:
    """Unfinished jobs whose worker has shown no sign of life for STALE_AFTER (or never started them)."""
    quiet = Q(heartbeat_at__lt=now - STALE_AFTER) | Q(heartbeat_at=None, created_at__lt=now - STALE_AFTER)
    return list(BackgroundJob.objects.filter(quiet, status__in=UNFINISHED).values_list("pk", flat=True))
