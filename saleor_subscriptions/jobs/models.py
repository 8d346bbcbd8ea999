"""A background job (`BackgroundJob`) and its result per subscription (`BackgroundJobRow`)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.tenants.models import Installation


class BackgroundJob(models.Model):
    """One job of a shop: what (`kind`, `options`), who started it (`started_by`, the staff user's Saleor id
    or `api-key:<prefix>`), how far it is (`total`, `done`, `failed`) and when it ran."""

    class Kind(models.TextChoices):
        PAUSE = "pause"
        RESUME = "resume"
        CANCEL = "cancel"
        SKIP_NEXT_PERIOD = "skip_next_period"
        PRICE_MIGRATION = "price_migration"
        TEST_CLOCK = "test_clock"

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    options = models.JSONField(default=dict, blank=True, help_text="the action's arguments, as given")
    total = models.PositiveIntegerField(default=0)
    done = models.PositiveIntegerField(default=0, help_text="rows finished, ok or not (the clock: percent)")
    failed = models.PositiveIntegerField(default=0, help_text="rows refused or in error")
    started_by = models.CharField(max_length=200)
    message = models.TextField(blank=True, help_text="why the job failed, or what the clock job did")
    created_at = models.DateTimeField(default=timezone.now)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="last sign of life of the worker running it (to resume a dead one)"
    )

    class Meta:
        indexes = [
            models.Index(fields=["installation", "-created_at", "-id"], name="jobs_shop_newest"),
            models.Index(
                fields=["heartbeat_at"],
                name="jobs_unfinished",
                condition=models.Q(status__in=["queued", "running"]),
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.pk} {self.kind} {self.status} {self.done}/{self.total}"


class BackgroundJobRow(models.Model):
    """One subscription of a bulk job: waiting, done (`ok`) or refused with the lifecycle's code and
    message. Written in the same transaction as the change it records, so a row is applied at most once."""

    class Outcome(models.TextChoices):
        PENDING = "pending"
        OK = "ok"
        FAILED = "failed"

    job = models.ForeignKey(BackgroundJob, on_delete=models.CASCADE, related_name="rows")
    position = models.PositiveIntegerField()
    subscription_id = models.BigIntegerField()
    outcome = models.CharField(max_length=10, choices=Outcome.choices, default=Outcome.PENDING)
    code = models.CharField(max_length=60, blank=True)
    message = models.TextField(blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["job", "subscription_id"], name="jobs_row_once_per_subscription"),
            models.UniqueConstraint(fields=["job", "position"], name="jobs_row_position"),
        ]
        indexes = [
            # The next chunk of a job (its pending rows in order, without walking past those done), and its
            # progress and problems counted from few rows however long the job.
            models.Index(
                fields=["job", "position"], name="jobs_row_pending", condition=models.Q(outcome="pending")
            ),
            models.Index(
                fields=["job", "position"], name="jobs_row_failed", condition=models.Q(outcome="failed")
            ),
        ]

    def __str__(self) -> str:
        return f"job {self.job_id} subscription {self.subscription_id}: {self.outcome}"
