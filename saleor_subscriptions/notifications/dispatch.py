"""Lifecycle emails: what the lifecycle's events tell the customer (docs/notifications.md).

The domain does not know the notifier. Every lifecycle action writes one `SubscriptionEvent`; a `post_save`
receiver (connected in `NotificationsConfig.ready`) looks at its kind and, once the transaction that wrote it
has committed, asks `EmailNotifier` for the matching message. So a transition that is rolled back sends
nothing, and an email problem never undoes a transition. Events written without `save` (the renewal's
`invoiced`, by `bulk.insert_rows`) send no signal, and no email: none of their kinds is one that sends an
email (tests/renewals/test_invoiced_event.py keeps it so).

The renewals send their own dunning emails, with the pay link (`mark_past_due`, `suspend`,
`cancel_for_nonpayment`): those kinds are not handled here.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import date
from functools import partial
from typing import Any

from django.db import transaction

from saleor_subscriptions.billing.states import SubscriptionStatus, Transition
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.notifications import messages
from saleor_subscriptions.notifications.models import MessageKind, OutgoingEmail
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent

logger = logging.getLogger(__name__)

PENDING_CHANGE_APPLIED = "pending_change_applied"
"""The renewal's event when a change asked for earlier (a downgrade, a price migration) takes effect."""

SIGNUP = frozenset({Transition.START_TRIAL.value, Transition.ACTIVATE.value})
CANCELLATION = frozenset({Transition.CANCEL_NOW.value, Transition.FINISH_CANCELLATION.value})
PLAN_CHANGE = frozenset({Transition.SWITCH_PLAN.value, PENDING_CHANGE_APPLIED})
PRICE_CHANGE_SCHEDULED = "price_change_scheduled"
HANDLED = (
    SIGNUP
    | CANCELLATION
    | PLAN_CHANGE
    | {
        Transition.CANCEL_AT_PERIOD_END.value,
        Transition.UNDO_CANCEL.value,
        Transition.EXPIRE.value,
        PRICE_CHANGE_SCHEDULED,
    }
)
"""The event kinds that may send an email; every other kind is ignored before anything is loaded."""


def message_kind_for(kind: str, from_status: str, data: dict[str, Any]) -> MessageKind | None:
    """The email an event of `kind` sends, if any: sign-up confirmed (the first payment turned an
    `incomplete` sign-up into a trial or an active subscription), cancellation scheduled (at a period end),
    cancellation undone, cancelled (now, or when a scheduled cancellation takes effect), expired, or plan
    changed (a switch, or a pending change of version applied at a boundary)."""
    if kind in SIGNUP:
        # `activate` from `trialing` is the first payment after a trial: the sign-up was confirmed already.
        return MessageKind.SIGNUP_CONFIRMED if from_status == SubscriptionStatus.INCOMPLETE else None
    if kind in CANCELLATION:
        return MessageKind.CANCELLED
    if kind == Transition.CANCEL_AT_PERIOD_END:
        return MessageKind.CANCELLATION_SCHEDULED
    if kind == Transition.UNDO_CANCEL:
        return MessageKind.CANCELLATION_UNDONE
    if kind == Transition.EXPIRE:
        return MessageKind.EXPIRED
    if kind == Transition.SWITCH_PLAN:
        return MessageKind.PLAN_CHANGED
    if kind == PRICE_CHANGE_SCHEDULED:
        return MessageKind.PRICE_CHANGE_NOTICE
    if kind == PENDING_CHANGE_APPLIED:
        versions = data.get("plan_version") or []
        changed = len(versions) == 2 and versions[0] != versions[1]
        return MessageKind.PLAN_CHANGED if changed else None
    return None


def queue_email_for_event(
    sender: type[SubscriptionEvent], instance: SubscriptionEvent, created: bool, **kwargs: Any
) -> None:
    """`post_save` receiver: a new event whose kind sends an email queues it for after the commit."""
    if not created or kwargs.get("raw") or instance.kind not in HANDLED:
        return
    if message_kind_for(instance.kind, instance.from_status, instance.data) is None:
        return
    transaction.on_commit(partial(send_for_event, instance.pk), robust=True)


def send_for_event(event_id: int, notifier: EmailNotifier | None = None) -> None:
    """Write the email of one committed event (idempotent: a second call for the same event writes nothing).

    Each message is composed from the subscription as it is after the commit; the occasions (idempotency
    keys) are those of `messages`, except where one subscription may rightly get the same message twice:
    a cancellation, undone and asked again (each of its emails), and a switch, keyed by their event.
    """
    event = (
        SubscriptionEvent.objects.select_related(
            "subscription__installation",
            "subscription__plan_version__plan",
            "subscription__pending_plan_version__plan",
        )
        .filter(pk=event_id)
        .first()
    )
    if event is None:
        return
    kind = message_kind_for(event.kind, event.from_status, event.data)
    if kind is None:
        return
    notifier = notifier or EmailNotifier()
    subscription = event.subscription
    if kind is MessageKind.SIGNUP_CONFIRMED:
        notifier.signup_confirmed(subscription)
    elif kind is MessageKind.EXPIRED:
        notifier.expired(subscription)
    elif kind is MessageKind.CANCELLED:
        notifier.queue(lambda: _keyed_by_event(messages.cancelled(subscription), event))
    elif kind is MessageKind.CANCELLATION_SCHEDULED:
        cancel_at = _event_date(event, "cancel_at") or subscription.current_period_end
        notifier.queue(
            lambda: _keyed_by_event(messages.cancellation_scheduled(subscription, cancel_at), event)
        )
    elif kind is MessageKind.CANCELLATION_UNDONE:
        withdrawn = _event_date(event, "cancel_at")
        notifier.queue(lambda: _keyed_by_event(messages.cancellation_undone(subscription, withdrawn), event))
    elif kind is MessageKind.PRICE_CHANGE_NOTICE:
        new_version = PlanVersion.objects.select_related("plan").get(pk=event.data["to_version"])
        effective_on = date.fromisoformat(event.data["effective_on"])
        notifier.queue(
            lambda: _keyed_by_event(
                messages.price_change_notice(subscription, new_version, effective_on), event
            )
        )
    elif event.kind == Transition.SWITCH_PLAN:
        old, new = _versions(event.data["from_version"], event.data["to_version"])
        notifier.queue(lambda: _keyed_by_event(messages.plan_changed(subscription, old, new), event))
    else:
        _send_change_applied(notifier, subscription, event)


def _event_date(event: SubscriptionEvent, name: str) -> date | None:
    """A date the event recorded (as ISO text), None when it holds none: each email tells of its own event,
    not of the state the subscription reached since (cancel, undo and cancel again in one commit)."""
    value = event.data.get(name)
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _keyed_by_event(message: messages.Message, event: SubscriptionEvent) -> messages.Message:
    """The message with its occasion narrowed to one event: the same words may rightly go out again later
    (a cancellation after an undo, a switch after another switch), but never twice for one event."""
    return replace(message, idempotency_key=f"{message.idempotency_key}:event:{event.pk}")


def _versions(old_id: int, new_id: int) -> tuple[PlanVersion, PlanVersion]:
    found = PlanVersion.objects.select_related("plan").in_bulk([old_id, new_id])
    return found[old_id], found[new_id]


def _send_change_applied(
    notifier: EmailNotifier, subscription: Subscription, event: SubscriptionEvent
) -> None:
    """A change of version took effect at a boundary: say so, unless the switch that asked for it already
    told the customer about this very change (same versions, same date)."""
    old_id, new_id = event.data["plan_version"]
    old, new = _versions(old_id, new_id)
    boundary = _boundary_of(event, subscription)
    occasion = f"{MessageKind.PLAN_CHANGED.value}:subscription:{subscription.pk}:{old.pk}:{new.pk}:{boundary}"
    told = OutgoingEmail.objects.filter(
        installation_id=subscription.installation_id,
        kind=MessageKind.PLAN_CHANGED,
        idempotency_key__startswith=occasion,
    ).exists()
    if told:
        return

    def compose() -> messages.Message:
        message = messages.plan_changed(subscription, old, new)
        installation = subscription.installation
        today = fmt.local_date(installation.now(), installation.time_zone)
        context = {
            **message.context,
            # made ahead (invoice lead days), the renewal runs before the boundary it applies
            "at_period_end": boundary > today,
            "effective_on": fmt.day(boundary, fmt.language_of(installation.language)),
        }
        return replace(message, idempotency_key=occasion, context=context)

    notifier.queue(compose)


def _boundary_of(event: SubscriptionEvent, subscription: Subscription) -> date:
    """The boundary where the pending change took effect: the event's `effective_on` when it records one,
    else the start of the period the renewal moved the subscription into (the same transaction)."""
    recorded = event.data.get("effective_on")
    return date.fromisoformat(recorded) if recorded else subscription.current_period_start
