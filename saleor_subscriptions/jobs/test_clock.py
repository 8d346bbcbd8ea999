"""The sandbox's test clock as a background job: `renewals.clock.advance_clock` (the CLI `clock advance`)
run by a worker, its progress (percent of the way, in `done` of `total` 100) written as it goes."""

from __future__ import annotations

import time
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.jobs.errors import JobErrorCode, JobRefused
from saleor_subscriptions.jobs.models import BackgroundJob
from saleor_subscriptions.renewals.clock import ClockError, advance_clock
from saleor_subscriptions.renewals.errors import PortsRefused
from saleor_subscriptions.renewals.wiring import ports_for
from saleor_subscriptions.tenants.models import Installation

PERCENT = 100
PROGRESS_EVERY_S = 0.5


def start_clock_advance(installation: Installation, to: datetime, started_by: str) -> BackgroundJob:
    """A queued job moving a sandbox's clock to `to`. Refused on a live installation (field `sandbox`), for a
    moment before the clock (`to`), and while another advance of its clock is unfinished (`to`)."""
    if not installation.sandbox:
        message = "this installation is live: only a sandbox installation has a test clock"
        raise JobRefused(JobErrorCode.NOT_A_SANDBOX, message, "sandbox")
    with transaction.atomic():
        locked = Installation.objects.select_for_update().get(pk=installation.pk)
        now = locked.now()
        if to < now:
            message = f"the clock is at {now.isoformat()}; it only moves forward"
            raise JobRefused(JobErrorCode.IN_THE_PAST, message, "to")
        busy = BackgroundJob.objects.filter(
            installation=locked,
            kind=BackgroundJob.Kind.TEST_CLOCK,
            status__in=(BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING),
        ).first()
        if busy is not None:
            message = f"the clock is already being moved (job {busy.pk}); wait for it to finish"
            raise JobRefused(JobErrorCode.CLOCK_BUSY, message, "to")
        return BackgroundJob.objects.create(
            installation=locked,
            kind=BackgroundJob.Kind.TEST_CLOCK,
            options={"to": to.isoformat(), "from": now.isoformat()},
            total=PERCENT,
            started_by=started_by,
        )


def run_clock_advance(job: BackgroundJob) -> None:
    """Advance the clock (resuming from where it stands after a crash: every step of it is idempotent) and
    write the job's progress, then its outcome: DONE with a summary, or FAILED with the clock's reason."""
    installation = Installation.objects.get(pk=job.installation_id)
    to = datetime.fromisoformat(job.options["to"])
    start = datetime.fromisoformat(job.options["from"])
    told = time.monotonic()

    def say(_line: str) -> None:
        nonlocal told
        if time.monotonic() - told < PROGRESS_EVERY_S:
            return
        told = time.monotonic()
        done = PERCENT if to <= start else int(PERCENT * ((installation.now() - start) / (to - start)))
        BackgroundJob.objects.filter(pk=job.pk).update(
            done=max(0, min(done, PERCENT - 1)), heartbeat_at=timezone.now()
        )

    try:
        log = advance_clock(installation, to, ports_for(installation), say=say)
    except (ClockError, PortsRefused) as refused:
        BackgroundJob.objects.filter(pk=job.pk).update(
            status=BackgroundJob.Status.FAILED, message=refused.message, finished_at=timezone.now()
        )
        return
    summary = f"the clock is at {to.isoformat()}: {log.events} events, {len(log) - log.events} other steps"
    BackgroundJob.objects.filter(pk=job.pk).update(
        status=BackgroundJob.Status.DONE, done=PERCENT, message=summary, finished_at=timezone.now()
    )
