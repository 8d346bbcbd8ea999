"""The Installation: one Saleor shop that installed the app, with its settings and its clock."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.dunning import DunningPolicy
from saleor_subscriptions.choices import in_choices


def _default_time_zone() -> str:
    return str(settings.DEFAULT_TIME_ZONE)


def _default_language() -> str:
    return str(settings.LANGUAGE_CODE)


def _default_due_hour() -> int:
    return int(settings.BILLING_DUE_HOUR)


class InstallationLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    DUTCH = "nl", "Nederlands"


class InstallationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed"


class Installation(models.Model):
    """One Saleor shop (by its GraphQL API URL). A re-install from the same Saleor replaces the same row."""

    Status = InstallationStatus

    Language = InstallationLanguage

    saleor_api_url = models.URLField(max_length=400, unique=True)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    time_zone = models.CharField(max_length=64, default=_default_time_zone)
    language = models.CharField(max_length=8, choices=Language.choices, default=_default_language)
    due_hour = models.PositiveSmallIntegerField(default=_default_due_hour)
    email_sender = models.EmailField(blank=True)
    dunning_policy = models.JSONField(default=dict, blank=True)
    sandbox = models.BooleanField(
        default=False, help_text="A sandbox installation has its own test clock; a live one never does."
    )
    clock = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            in_choices("status", InstallationStatus, "installation_status_valid"),
            in_choices("language", InstallationLanguage, "installation_language_valid"),
            models.CheckConstraint(condition=models.Q(due_hour__lte=23), name="installation_due_hour_valid"),
            models.CheckConstraint(
                condition=models.Q(clock__isnull=True) | models.Q(sandbox=True),
                name="installation_clock_only_in_sandbox",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.saleor_api_url

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def now(self) -> datetime:
        """The installation's current instant: its test clock in a sandbox, the real time otherwise."""
        if self.sandbox and self.clock is not None:
            return self.clock
        return timezone.now()

    def default_dunning(self) -> DunningPolicy:
        """The installation's dunning policy: BILLING_RULES §6 defaults with this shop's settings on top."""
        return DunningPolicy.from_mapping(self.dunning_policy)
