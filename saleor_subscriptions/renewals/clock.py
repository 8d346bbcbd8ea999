"""The test clock of a sandbox installation: everything that would have happened up to a moment, in order.

`advance_clock` moves the installation's clock from one due moment to the next (a renewal, a dunning step,
a sign-up lapsing) up to the target, running at each what the scheduler would run then, and reports what
happened. A live installation has no test clock: it is refused.
"""

from __future__ import annotations

from datetime import datetime

from django.db.models import Min

from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.batch import RENEWABLE
from saleor_subscriptions.renewals.dunning import DUNNING, run_dunning
from saleor_subscriptions.renewals.lapses import lapse_unpaid_signups
from saleor_subscriptions.renewals.notices import (
    TRIAL_NOTICE,
    next_reminder_at,
    send_renewal_reminders,
    send_trial_notices,
    trial_notice_due,
)
from saleor_subscriptions.renewals.pipeline import RenewalPorts, renew_due, resume_unfinished
from saleor_subscriptions.subscriptions.lifecycle.signup import LAPSE_AFTER
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation


class ClockError(Exception):
    """The clock cannot be moved as asked; the message says why."""


def _next_moment(installation: Installation, after: datetime, until: datetime) -> datetime | None:
    subscriptions = Subscription.objects.filter(installation=installation)
    candidates = [
        subscriptions.filter(status__in=RENEWABLE, next_billing_at__lte=until).aggregate(
            t=Min("next_billing_at")
        )["t"],
        subscriptions.filter(status__in=DUNNING, next_dunning_at__lte=until).aggregate(
            t=Min("next_dunning_at")
        )["t"],
    ]
    trial_notice = (
        trial_notice_due(installation.pk)
        .filter(installation=installation)
        .aggregate(t=Min("next_billing_at"))["t"]
    )
    if trial_notice is not None and trial_notice - TRIAL_NOTICE <= until:
        candidates.append(trial_notice - TRIAL_NOTICE)
    reminder = next_reminder_at(installation.pk)
    if reminder is not None and reminder <= until:
        candidates.append(reminder)
    candidates.append(
        Invoice.objects.filter(installation=installation, lease_until__lte=until)
        .exclude(pipeline_step=Invoice.PipelineStep.DONE)
        .aggregate(t=Min("lease_until"))["t"]
    )
    started = subscriptions.filter(status=SubscriptionStatus.INCOMPLETE).aggregate(t=Min("started_at"))["t"]
    if started is not None and started + LAPSE_AFTER <= until:
        candidates.append(started + LAPSE_AFTER)
    moments = [max(moment, after) for moment in candidates if moment is not None]
    return min(moments) if moments else None


def advance_clock(installation: Installation, to: datetime, ports: RenewalPorts) -> list[str]:
    """Move a sandbox installation's clock to `to`, running in order everything due on the way; returns
    one line per thing that happened (the events written), oldest first."""
    if not installation.sandbox:
        raise ClockError(
            f"installation {installation.pk} is live: only a sandbox installation has a test clock"
        )
    start = installation.now()
    if to < start:
        raise ClockError(f"the clock is at {start.isoformat()}; it only moves forward")
    first_event = (
        SubscriptionEvent.objects.filter(installation=installation)
        .order_by("-pk")
        .values_list("pk", flat=True)
        .first()
        or 0
    )
    moment = start
    resume_unfinished(ports, now=moment, installation_id=installation.pk)
    for _ in range(100_000):
        upcoming = _next_moment(installation, moment, to)
        if upcoming is None:
            break
        moment = upcoming
        installation.clock = moment
        installation.save(update_fields=["clock"])
        send_trial_notices(ports.notifier, now=moment, installation_id=installation.pk)
        send_renewal_reminders(ports.notifier, now=moment, installation_id=installation.pk)
        renew_due(ports, now=moment, installation_id=installation.pk)
        resume_unfinished(ports, now=moment, installation_id=installation.pk)
        run_dunning(ports, now=moment, installation_id=installation.pk)
        lapse_unpaid_signups(moment, installation.pk)
        if ports.followup is not None:
            ports.followup(installation.pk, moment)
    installation.clock = to
    installation.save(update_fields=["clock"])
    return [
        f"{event.at.isoformat()} subscription {event.subscription_id}: {event.kind}"
        f" ({event.from_status or 'new'} -> {event.to_status}) {event.reason}".rstrip()
        for event in SubscriptionEvent.objects.filter(installation=installation, pk__gt=first_event).order_by(
            "at", "pk"
        )
    ]
