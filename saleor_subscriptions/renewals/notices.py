"""Notices ahead of a charge: "your trial ends in 3 days" (the upcoming-renewal notice goes out when an
invoice is made ahead of its due date, in `pipeline.place_orders`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.notifications.ports import Notifier
from saleor_subscriptions.subscriptions.models import Subscription

TRIAL_NOTICE = timedelta(days=3)


def trial_notice_due(installation_id: int | None = None) -> models.QuerySet[Subscription]:
    """Trials whose notice has not gone out yet, in the installation (all live ones by default)."""
    from saleor_subscriptions.renewals.batch import due_filter

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
