"""Sign-ups whose first payment never came: they lapse 23 hours after they were made (BILLING_RULES §5)."""

from __future__ import annotations

from datetime import datetime

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.lifecycle.signup import LAPSE_AFTER
from saleor_subscriptions.renewals.batch import due_filter
from saleor_subscriptions.subscriptions.models import Subscription


def lapse_unpaid_signups(now: datetime, installation_id: int | None = None) -> int:
    """Lapse every unpaid sign-up older than 23 hours at `now` (live installations, or the one given)."""
    lapsed = 0
    for subscription in Subscription.objects.filter(
        due_filter(installation_id), status=SubscriptionStatus.INCOMPLETE, started_at__lte=now - LAPSE_AFTER
    ):
        lifecycle.lapse_incomplete(subscription)
        lapsed += 1
    return lapsed
