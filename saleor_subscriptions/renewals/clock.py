"""The test clock of a sandbox installation: everything that would have happened up to a moment, in order.

`advance_clock` moves the installation's clock from one due moment to the next (a renewal, a dunning step,
a sign-up lapsing) up to the target, running at each what the scheduler would run then, and reports what
happened, as it happens. A live installation has no test clock: it is refused; a removed one stops it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db.models import Min, QuerySet

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.signup import lapse_deadline
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.renewals.batch import RENEWABLE
from saleor_subscriptions.renewals.dunning import DUNNING
from saleor_subscriptions.renewals.dunning_steps import run_dunning
from saleor_subscriptions.renewals.lapses import lapse_unpaid_signups
from saleor_subscriptions.renewals.notices import (
    TRIAL_NOTICE,
    next_reminder_at,
    send_renewal_reminders,
    send_trial_notices,
    trial_notice_due,
)
from saleor_subscriptions.renewals.pipeline import RenewalPorts, RenewalReport, renew_due, resume_unfinished
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation


class ClockErrorCode(StrEnum):
    INSTALLATION_REMOVED = "installation_removed"
    NOT_A_SANDBOX = "not_a_sandbox"
    BACKWARDS = "backwards"
    STUCK = "stuck"


class ClockError(CodedError):
    """The clock cannot be moved as asked; the message says why."""

    code: ClockErrorCode


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
    lapses = [lapse_deadline(sub) for sub in subscriptions.filter(status=SubscriptionStatus.INCOMPLETE)]
    if lapses and min(lapses) <= until:
        candidates.append(min(lapses))
    moments = [max(moment, after) for moment in candidates if moment is not None]
    return min(moments) if moments else None


def _silent(line: str) -> None:
    pass


class ClockLog(list[str]):
    """The lines of one advance, oldest first; `events` of them are events written on subscriptions."""

    events: int = 0


class _Journal:
    """What the clock has done so far at one installation, said line by line as it happens: the events
    written, the steps run (charges, sweeps, retries, warnings) and the emails queued."""

    def __init__(self, installation: Installation, say: Callable[[str], None]) -> None:
        self.installation, self.say = installation, say
        self.lines = ClockLog()
        self._event = _last_pk(SubscriptionEvent.objects.filter(installation=installation))
        self._email = _last_pk(OutgoingEmail.objects.filter(installation=installation))

    def tell(self, line: str) -> None:
        self.lines.append(line)
        self.say(line)

    def report(self, moment: datetime, step: str, report: RenewalReport) -> None:
        """Say the events a renewal step wrote, its orders and charges, then the emails it queued."""
        self._events()
        charges = ", ".join(f"{outcome} {count}" for outcome, count in sorted(report.counts.items()) if count)
        if report.ordered or charges:
            self.tell(f"{moment.isoformat()} {step}: {report.ordered} ordered; charges: {charges or 'none'}")
        self._emails(moment)

    def catch_up(self, moment: datetime) -> None:
        """Say the events and emails written since the last call."""
        self._events()
        self._emails(moment)

    def _events(self) -> None:
        events = SubscriptionEvent.objects.filter(installation=self.installation, pk__gt=self._event)
        for event in events.order_by("at", "pk"):
            self.lines.events += 1
            self._event = max(self._event, event.pk)
            self.tell(
                f"{event.at.isoformat()} subscription {event.subscription_id}: {event.kind}"
                f" ({event.from_status or 'new'} -> {event.to_status}) {event.reason}".rstrip()
            )

    def _emails(self, moment: datetime) -> None:
        emails = OutgoingEmail.objects.filter(installation=self.installation, pk__gt=self._email)
        for email in emails.select_related("invoice").order_by("pk"):
            self._email = email.pk
            about = f" (invoice {email.invoice.number})" if email.invoice is not None else ""
            self.tell(f"{moment.isoformat()} email {email.kind} to {email.to_email}{about}")


def _last_pk(rows: QuerySet[Any]) -> int:
    return int(rows.order_by("-pk").values_list("pk", flat=True).first() or 0)


def _refuse_removed(installation_id: int, moment: datetime) -> None:
    """A removed installation renews nothing (BILLING_RULES: its renewals stop): its clock stops at once."""
    removed = (
        Installation.objects.filter(pk=installation_id)
        .exclude(status=Installation.Status.ACTIVE)
        .values_list("saleor_api_url", flat=True)
        .first()
    )
    if removed is not None:
        raise ClockError(
            ClockErrorCode.INSTALLATION_REMOVED,
            f"installation {installation_id} was removed from its Saleor ({removed}): nothing renews there "
            f"any more; the clock stopped at {moment.isoformat()}",
        )


def advance_clock(
    installation: Installation,
    to: datetime,
    ports: RenewalPorts,
    *,
    say: Callable[[str], None] = _silent,
    progress_every_s: float = 5.0,
) -> ClockLog:
    """Move a sandbox installation's clock to `to`, running in order everything due on the way; returns
    (and hands `say` as it goes) one line per thing that happened: each event written, each step run and
    each email queued, and every `progress_every_s` seconds where the clock is. Stops with a ClockError
    when the installation is removed, or when the same moment comes back without anything moving."""
    if not installation.sandbox:
        raise ClockError(
            ClockErrorCode.NOT_A_SANDBOX,
            f"installation {installation.pk} is live: only a sandbox installation has a test clock",
        )
    start = installation.now()
    if to < start:
        message = f"the clock is at {start.isoformat()}; it only moves forward"
        raise ClockError(ClockErrorCode.BACKWARDS, message, "to")
    _refuse_removed(installation.pk, start)
    journal = _Journal(installation, say)
    moment = start
    journal.report(moment, "sweep", resume_unfinished(ports, now=moment, installation_id=installation.pk))
    journal.catch_up(moment)
    told_progress = time.monotonic()
    previous: tuple[datetime, int] | None = None
    for _ in range(100_000):
        upcoming = _next_moment(installation, moment, to)
        if upcoming is None:
            break
        if previous == (upcoming, len(journal.lines)):  # offered again, and nothing happened last time
            _refuse_removed(installation.pk, moment)
            raise ClockError(
                ClockErrorCode.STUCK,
                f"the clock is stuck at {moment.isoformat()}: what is due then did not run (see the log)",
            )
        previous = (upcoming, len(journal.lines))
        moment = upcoming
        installation.clock = moment
        installation.save(update_fields=["clock"])
        send_trial_notices(ports.notifier, now=moment, installation_id=installation.pk)
        send_renewal_reminders(ports.notifier, now=moment, installation_id=installation.pk)
        journal.catch_up(moment)
        journal.report(moment, "renewals", renew_due(ports, now=moment, installation_id=installation.pk))
        journal.report(moment, "sweep", resume_unfinished(ports, now=moment, installation_id=installation.pk))
        for line in run_dunning(ports, now=moment, installation_id=installation.pk):
            journal.tell(f"{moment.isoformat()} {line}")
        journal.catch_up(moment)
        lapse_unpaid_signups(moment, installation.pk)
        if ports.followup is not None:
            ports.followup(installation.pk, moment)
        journal.catch_up(moment)
        _refuse_removed(installation.pk, moment)
        if time.monotonic() - told_progress >= progress_every_s:
            told_progress = time.monotonic()
            done = (moment - start) / (to - start) if to > start else 1
            say(f"... the clock is at {moment.isoformat()} ({done:.0%} of the way to {to.isoformat()})")
    installation.clock = to
    installation.save(update_fields=["clock"])
    return journal.lines
