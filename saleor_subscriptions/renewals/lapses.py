"""Sign-ups whose first payment never came: they lapse 23 hours after they were made (BILLING_RULES §5), or
a staff-made sign-up `PAY_LINK_WINDOW` after its open sign-up invoice's due date (`lapse_deadline`)."""

from __future__ import annotations

from datetime import datetime

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.lifecycle.signup import LAPSE_AFTER, lapse_deadline
from saleor_subscriptions.renewals.batch import due_filter
from saleor_subscriptions.subscriptions.models import Subscription


def lapse_unpaid_signups(now: datetime, installation_id: int | None = None) -> int:
    """Lapse every unpaid sign-up older than 23 hours at `now` (live installations, or the one given)."""
    lapsed = 0
    for subscription in Subscription.objects.filter(
        due_filter(installation_id), status=SubscriptionStatus.INCOMPLETE, started_at__lte=now - LAPSE_AFTER
    ):
        if lapse_deadline(subscription) > now:
            continue  # its sign-up invoice still waits for the pay link
        lifecycle.lapse_incomplete(subscription)
        lapsed += 1
    return lapsed
