"""Notices ahead of a charge: "your trial ends in 3 days", and the upcoming-renewal reminder a plan's
`renewal_reminder_days` ahead (BILLING_RULES §1). An invoice made ahead of its due date has its own email
(`pipeline.place_orders`); the reminder is separate from it.

Decisions:
- A reminder is for the renewal at the end of the current period (`current_period_end`), once: the date it
  was for is stored (`renewal_reminded_for`), so a scheduler run again, or two at once, never sends it twice.
- Only an active subscription that will renew is reminded: not one cancelled at period end, paused, whose
  fixed term ends with this period, or whose next period is skipped. A trial has its own notice.
- A reminder whose renewal is already due (a scheduler that was down) is not sent late; it is marked done.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta

from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone

from saleor_subscriptions.billing.intervals import IntervalUnit
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.catalog.models import YEARLY_REMINDER_DAYS, PlanVersion
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.renewals.batch import due_filter
from saleor_subscriptions.subscriptions.calendar import due_at
from saleor_subscriptions.subscriptions.models import Subscription

TRIAL_NOTICE = timedelta(days=3)


def trial_notice_due(installation_id: int | None = None) -> models.QuerySet[Subscription]:
    """Trials whose notice has not gone out yet, in the installation (all live ones by default)."""
    return Subscription.objects.filter(
        due_filter(installation_id),
        status=SubscriptionStatus.TRIALING,
        trial_notice_sent_at__isnull=True,
        next_billing_at__isnull=False,
    )


def send_trial_notices(
    notifier: Notifier, *, now: datetime | None = None, installation_id: int | None = None
) -> int:
    """Tell every customer whose trial ends within 3 days, once (§1 trial; the email lists what follows)."""
    moment = now or timezone.now()
    sent = 0
    with transaction.atomic():
        for subscription in (
            trial_notice_due(installation_id)
            .filter(next_billing_at__lte=moment + TRIAL_NOTICE)
            .select_for_update(skip_locked=True, of=("self",))
            .select_related("installation", "plan_version__plan")
        ):
            notifier.trial_ending(subscription)
            subscription.trial_notice_sent_at = moment
            subscription.save(update_fields=["trial_notice_sent_at"])
            sent += 1
    return sent


def _reminding(days: int) -> Q:
    """Plan versions whose reminder goes out `days` ahead (`PlanVersion.reminder_days`, in SQL)."""
    explicit = Q(plan_version__renewal_reminder_days=days)
    if days != YEARLY_REMINDER_DAYS:
        return explicit
    return explicit | Q(
        plan_version__renewal_reminder_days__isnull=True,
        plan_version__interval=IntervalUnit.YEAR.value,
        plan_version__invoice_lead_days__lt=YEARLY_REMINDER_DAYS,
    )


Window = tuple[int, models.QuerySet[Subscription]]


def reminder_windows(installation_id: int | None = None) -> Iterator[Window]:
    """For each number of reminder days the plans use, the subscriptions of those plans still to be reminded
    of their next renewal (§1): active, not cancelling, renewing (not at the end of a fixed term), and not yet
    reminded of the renewal at the end of their current period."""
    explicit: set[int] = {
        days
        for days in PlanVersion.objects.filter(renewal_reminder_days__gt=0)
        .values_list("renewal_reminder_days", flat=True)
        .distinct()
        if days is not None
    }
    for days in sorted({YEARLY_REMINDER_DAYS, *explicit}):
        yield days, (
            Subscription.objects.filter(
                due_filter(installation_id),
                _reminding(days),
                Q(plan_version__billing_cycles__isnull=True)
                | Q(cycles_billed__lt=F("plan_version__billing_cycles")),
                status=SubscriptionStatus.ACTIVE,
                cancel_at_period_end=False,
                next_billing_at__isnull=False,
            ).exclude(renewal_reminded_for=F("current_period_end"))
        )


def reminder_at(subscription: Subscription, days: int) -> datetime:
    """When the reminder of the renewal at the end of the current period goes out: `days` before it, at the
    installation's due hour (§1, §2)."""
    return due_at(subscription, subscription.current_period_end - timedelta(days=days))


def next_reminder_at(installation_id: int) -> datetime | None:
    """The first moment a reminder is due in the installation (for the test clock); None when none is."""
    moments = []
    for days, due in reminder_windows(installation_id):
        first = due.select_related("installation").order_by("current_period_end", "pk").first()
        if first is not None:
            moments.append(reminder_at(first, days))
    return min(moments, default=None)


def _renews(subscription: Subscription, now: datetime) -> bool:
    skipped = subscription.current_period_index + 1 in subscription.skip_periods
    return not skipped and now < due_at(subscription, subscription.current_period_end)


def send_renewal_reminders(
    notifier: Notifier, *, now: datetime | None = None, installation_id: int | None = None
) -> int:
    """Send every upcoming-renewal email that has come due (§1 `renewal_reminder_days`), once per renewal;
    returns how many were sent."""
    moment = now or timezone.now()
    # No local date is more than a day ahead of the UTC date: the rows found are checked on their own clock.
    latest = moment.astimezone(UTC).date() + timedelta(days=1)
    sent = 0
    for days, due in reminder_windows(installation_id):
        with transaction.atomic():
            for subscription in (
                due.filter(current_period_end__lte=latest + timedelta(days=days))
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("installation", "plan_version__plan")
                .order_by("current_period_end", "pk")
            ):
                if reminder_at(subscription, days) > moment:
                    continue
                renews_on: date = subscription.current_period_end
                if _renews(subscription, moment):
                    notifier.renewal_reminder(subscription, renews_on)
                    sent += 1
                subscription.renewal_reminded_for = renews_on
                subscription.save(update_fields=["renewal_reminded_for"])
    return sent
