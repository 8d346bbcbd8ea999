"""The MRR change table: for every subscription, the local days on which its MRR or its state changed.

Derived from the subscription events and the period invoices (`changes.refresh`), never written by anything
else; the reports read it so that a year of figures over 100,000 subscriptions sums a few rows per
subscription instead of re-reading every invoice line. A subscription's rows are rebuilt whenever it has an
event newer than `RefreshMark.last_event_id` (every invoice the app makes or voids writes an event).
"""

from __future__ import annotations

from django.db import models

from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


class MrrChange(models.Model):
    """On `day` (local to the subscription) its MRR went from `mrr_before_micros` to `mrr_after_micros`
    (millionths of the currency unit, exact: MRR is kept to 6 decimals) and/or its state from `status_before`
    to `status_after` (`counted_*`: a state counted in MRR); `cause` is the kind of the event that set
    `status_after`. `month` numbers the day's calendar month (year x 12 + month - 1), as `previous_month` and
    `next_month` do for the subscription's changes before and after this one."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="+")
    currency = models.CharField(max_length=3)
    channel_slug = models.CharField(max_length=100)
    day = models.DateField()
    mrr_before_micros = models.BigIntegerField()
    mrr_after_micros = models.BigIntegerField()
    period_value = models.DecimalField(
        max_digits=24, decimal_places=6, help_text="The recurring charge of one period, after discounts"
    )
    status_before = models.CharField(max_length=16, blank=True)
    status_after = models.CharField(max_length=16)
    counted_before = models.BooleanField(default=False)
    counted_after = models.BooleanField(default=False)
    cause = models.CharField(max_length=40, blank=True)
    first_mrr = models.BooleanField(default=False, help_text="The first day the subscription has MRR")
    previous_day = models.DateField(
        null=True, blank=True, help_text="The subscription's change before this one"
    )
    next_day = models.DateField(null=True, blank=True, help_text="The subscription's change after this one")
    month = models.IntegerField()
    previous_month = models.IntegerField(null=True, blank=True)
    next_month = models.IntegerField(null=True, blank=True)

    class Meta:
        indexes = [
            models.Index(fields=["installation", "currency", "day"], name="mrr_change_report_idx"),
            models.Index(fields=["subscription", "day"], name="mrr_change_subscription_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.subscription_id} {self.day}: {self.mrr_before_micros} -> {self.mrr_after_micros}"


class RefreshMark(models.Model):
    """The newest subscription event an installation's MRR change table has taken in."""

    installation = models.OneToOneField(Installation, on_delete=models.CASCADE, related_name="+")
    last_event_id = models.BigIntegerField(default=0)
    margin_events = models.IntegerField(
        default=0, help_text="How many events had ids in the margin below last_event_id when it was set"
    )

    def __str__(self) -> str:
        return f"installation {self.installation_id} up to event {self.last_event_id}"
