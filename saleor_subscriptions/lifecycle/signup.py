"""Signing up: a new subscription waits for its first payment, then starts its trial or first period (§5)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.db import transaction

from saleor_subscriptions.billing.bounds import MAX_QUANTITY
from saleor_subscriptions.billing.clock import local_date
from saleor_subscriptions.billing.states import (
    Actor,
    SubscriptionStatus,
    Transition,
    TransitionRefused,
    check_transition,
)
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import SubscriptionRef, record_event, refuse, transition_step
from saleor_subscriptions.subscriptions.calendar import (
    TRIAL_INDEX,
    billing_calendar,
    calendar_of,
    in_trial,
    renewal_at,
    set_period,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription, customer_key
from saleor_subscriptions.subscriptions.rules import LAPSED
from saleor_subscriptions.tenants.models import Installation

LAPSE_AFTER = timedelta(hours=23)
"""An incomplete sign-up lapses when its first payment has not come within this time (§5)."""

PAY_LINK_WINDOW = timedelta(days=14)
"""A sign-up staff made (`renewals.staff_signup`) waits for its open sign-up invoice this long after the
invoice's due date before it lapses: time for the customer to open the emailed pay link."""


def lapse_deadline(subscription: Subscription) -> datetime:
    """When an unpaid sign-up lapses: 23 hours after it was made, or, while its sign-up invoice is open (a
    staff-made sign-up), `PAY_LINK_WINDOW` after that invoice's due date, whichever is later."""
    deadline = subscription.started_at + LAPSE_AFTER
    owed = (
        Invoice.objects.filter(
            subscription=subscription, billing_reason=Invoice.Reason.SIGNUP, status=Invoice.Status.OPEN
        )
        .order_by("due_at")
        .values_list("due_at", flat=True)
        .first()
    )
    return max(deadline, owed + PAY_LINK_WINDOW) if owed is not None else deadline


def check_version_for_sale(installation: Installation, version: PlanVersion, channel_slug: str) -> None:
    """A version can be subscribed to (or switched to) only in its own installation and channel, while its
    plan is not archived (§1)."""
    if version.installation_id != installation.pk:
        raise refuse(LifecycleErrorCode.PLAN_OF_ANOTHER_INSTALLATION, "unknown plan", "plan_version")
    if version.plan.channel_slug != channel_slug:
        raise refuse(
            LifecycleErrorCode.CHANNEL_MISMATCH, "this plan is sold in another channel", "plan_version"
        )
    if version.plan.status == Plan.Status.ARCHIVED:
        raise refuse(LifecycleErrorCode.PLAN_ARCHIVED, "this plan is no longer offered", "plan_version")


def check_quantity(quantity: int) -> None:
    """A quantity of 1 to MAX_QUANTITY units (billing.bounds)."""
    if not 1 <= quantity <= MAX_QUANTITY:
        message = f"the quantity is 1 to {MAX_QUANTITY:,}, not {quantity:,}"
        raise refuse(LifecycleErrorCode.INVALID_QUANTITY, message, "quantity")


def start_subscription(
    installation: Installation,
    plan_version: PlanVersion,
    *,
    customer_user_id: str | None,
    customer_email: str,
    quantity: int,
    channel_slug: str,
    actor: Actor,
    actor_id: str = "",
    now: datetime | None = None,
    start_on: date | None = None,
) -> Subscription:
    """A new `incomplete` subscription waiting for its first payment (§5), its calendar set up (§2): with a
    trial the calendar starts when the trial ends, otherwise on the purchase date (`start_on` when staff
    start it on a later day: its trial, or its first period, begins that day; a day before today is refused
    with `start_in_past`, field `start_on`)."""
    try:
        check_transition(None, Transition.START, actor)
    except TransitionRefused as refused:
        raise LifecycleError.from_refusal(refused) from refused
    check_quantity(quantity)
    check_version_for_sale(installation, plan_version, channel_slug)
    now = now or installation.now()
    today = local_date(now, installation.zone)
    if start_on is not None and start_on < today:
        raise refuse(LifecycleErrorCode.START_IN_PAST, f"{start_on} is before today ({today})", "start_on")
    today = start_on or today
    terms = plan_version.terms(channel_price=Decimal(0))
    trial_end = terms.trial.end(today, terms.interval) if terms.has_trial else None
    calendar_start = trial_end or today
    subscription = Subscription(
        installation=installation,
        plan_version=plan_version,
        customer_user_id=customer_user_id or "",
        customer_email=customer_email,
        customer_key=customer_key(customer_user_id, customer_email),
        channel_slug=channel_slug,
        currency=plan_version.plan.currency,
        quantity=quantity,
        status=SubscriptionStatus.INCOMPLETE.value,
        time_zone=installation.time_zone,
        started_at=now,
        calendar_start=calendar_start,
        created_at=now,
    )
    if trial_end is not None:
        subscription.trial_start = today
        subscription.trial_end = trial_end
        subscription.current_period_index = TRIAL_INDEX
        subscription.current_period_start = today
        subscription.current_period_end = trial_end
    else:
        set_period(subscription, calendar_of(plan_version, calendar_start).period(0))
    with transaction.atomic():
        subscription.save()
        record_event(
            subscription,
            Transition.START,
            actor=actor,
            actor_id=actor_id,
            from_status="",
            at=now,
            reason="signed up",
            data={
                "plan_version": plan_version.pk,
                "quantity": quantity,
                "calendar_start": calendar_start,
                "trial_end": trial_end,
            },
        )
    return subscription


def activate_subscription(
    subscription: SubscriptionRef, *, actor: Actor = Actor.APP, actor_id: str = "", order_id: str = ""
) -> Subscription:
    """The first payment is done (§5): an `incomplete` sign-up starts its trial or becomes `active`, and a
    trial whose first period is paid becomes `active`; the next charge is due at the end of the trial or of
    the period, at the installation's due hour (§2)."""
    with transition_step(
        subscription, Transition.ACTIVATE, actor=actor, actor_id=actor_id, reason="payment received"
    ) as step:
        sub, moment = step.subscription, step.moment
        trial_running = in_trial(sub) and sub.trial_end is not None and moment.today < sub.trial_end
        if step.before is SubscriptionStatus.INCOMPLETE and trial_running:
            step.transition = Transition.START_TRIAL
            step.enter()
            assert sub.trial_end is not None
            sub.next_billing_at = renewal_at(sub, sub.trial_end)
            data: dict[str, object] = {"trial_end": sub.trial_end}
        else:
            step.enter()
            period = billing_calendar(sub).period_containing(max(moment.today, sub.calendar_start))
            set_period(sub, period)
            sub.next_billing_at = renewal_at(sub, period.end)
            if not period.is_partial:
                sub.cycles_billed += 1
            data = {"period_start": period.start, "period_end": period.end}
        sub.setup_fee_billed = True
        if order_id and not sub.saleor_order_id:
            sub.saleor_order_id = order_id
        step.data = {**data, "next_billing_at": sub.next_billing_at, "order": order_id}
    return sub


def lapse_incomplete(
    subscription: SubscriptionRef, *, actor: Actor = Actor.SYSTEM, actor_id: str = ""
) -> Subscription:
    """An unpaid sign-up lapses 23 hours after it was made: `cancelled`, with reason "lapsed" (§5)."""
    with transition_step(
        subscription,
        Transition.LAPSE,
        actor=actor,
        actor_id=actor_id,
        reason="first payment not made within 23 hours",
    ) as step:
        sub, moment = step.subscription, step.moment
        target = step.allow()
        if moment.now < lapse_deadline(sub):
            raise refuse(LifecycleErrorCode.NOT_DUE, "an unpaid sign-up lapses 23 hours after it was made")
        # Its sign-up invoice (a staff-made sign-up) is owed no more: nothing may charge it any longer.
        Invoice.objects.filter(subscription=sub, status=Invoice.Status.OPEN).update(
            status=Invoice.Status.VOID, closed_at=moment.now, pipeline_step=Invoice.PipelineStep.DONE
        )
        sub.status = target.value
        sub.cancel_reason = LAPSED
        sub.cancelled_at = sub.ended_at = moment.now
        sub.next_billing_at = None
        step.data = {"started_at": sub.started_at}
    return sub
