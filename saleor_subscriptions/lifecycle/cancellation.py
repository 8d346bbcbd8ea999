"""Ending a subscription: cancel now or at a period end, undo, the end itself, reactivation and expiry
(BILLING_RULES §1, §5, §7, §8)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Literal

from saleor_subscriptions.billing.money import round_fraction
from saleor_subscriptions.billing.states import (
    Actor,
    SubscriptionStatus,
    Transition,
    TransitionRules,
    cancellation_date,
)
from saleor_subscriptions.invoicing.credits import CreditReason, issue_credit_note
from saleor_subscriptions.lifecycle.pricing import unused_paid
from saleor_subscriptions.lifecycle.transition import (
    Moment,
    SubscriptionRef,
    TransitionStep,
    refuse,
    transition_step,
)
from saleor_subscriptions.subscriptions.calendar import (
    current_period,
    in_trial,
    minimum_term_end_of,
    period_end_containing,
    renewal_at,
    restart_calendar,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import rules_for

CancelEffect = Literal["period_end", "immediately"]


def _effective_date_of_cancellation(sub: Subscription, moment: Moment) -> tuple[str, date]:
    """When a cancellation asked for today takes effect, and why: a trial ends with the trial, otherwise the
    plan's notice and minimum term decide (§1)."""
    if in_trial(sub) and sub.trial_end is not None:
        return "trial end", sub.trial_end
    version = sub.plan_version
    term_end = minimum_term_end_of(sub)
    effective = cancellation_date(
        moment.today, version.cancel_notice_days, term_end, lambda d: period_end_containing(sub, d)
    )
    return ("minimum term" if term_end == effective else "period end"), effective


def _unused_credit(sub: Subscription, moment: Moment) -> Decimal:
    """The paid but unused part of the current period, by calendar days from today on (§2, §7, §8): the
    unused share of what the period's invoices (the sign-up's included) actually charged for it after their
    discounts, never the setup fee nor the list price (`unused_paid`); never more than was charged."""
    period = current_period(sub)
    if moment.today not in period:
        return Decimal(0)
    return round_fraction(unused_paid(sub, period, moment.today), sub.currency)


def cancel_subscription(
    subscription: SubscriptionRef,
    *,
    actor: Actor,
    actor_id: str = "",
    effect: CancelEffect | None = None,
    credit: bool | None = None,
    reason: str = "",
) -> Subscription:
    """Cancel now or at the end of a period (§1, §5, §7): `effect` None is the plan's `cancel_effect`; a
    pending cancellation takes effect at the end of the period containing today + notice, no earlier than
    the end of the minimum term; an immediate one ends today, crediting the unused days when `credit` (None:
    the plan's `cancel_credit`) and the period was paid (§8)."""
    if effect not in (None, "period_end", "immediately"):
        raise refuse(LifecycleErrorCode.INVALID_CANCEL_EFFECT, f"unknown effect {effect!r}", "effect")
    with transition_step(
        subscription, Transition.CANCEL_AT_PERIOD_END, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub, moment = step.subscription, step.moment
        version = sub.plan_version
        plan_immediate = version.cancel_effect == version.CancelEffect.IMMEDIATELY
        immediately = effect == "immediately" or (effect is None and plan_immediate)
        rules = rules_for(sub, moment.today)
        if immediately and effect is None and actor is Actor.CUSTOMER:
            # The plan ends at once, but its notice or minimum term say later: the terms win (§1).
            term_end = rules.minimum_term_end
            if version.cancel_notice_days > 0 or (term_end is not None and moment.today < term_end):
                immediately = False
        if step.before is SubscriptionStatus.INCOMPLETE:
            immediately = True  # nothing was paid, so there is no period to run out
        if immediately:
            _cancel_now(step, credit=credit, rules=rules)
        else:
            step.allow(rules)
            why, effective = _effective_date_of_cancellation(sub, moment)
            sub.cancel_at_period_end = True
            sub.cancel_at = effective
            sub.cancel_reason = f"by_{actor.value}"
            step.data = {"cancel_at": effective, "effective_by": why}
    return sub


def _cancel_now(step: TransitionStep, *, credit: bool | None, rules: TransitionRules) -> None:
    sub, moment = step.subscription, step.moment
    step.transition = Transition.CANCEL_NOW
    step.enter(rules)
    wants_credit = sub.plan_version.cancel_credit if credit is None else credit
    amount = Decimal(0)
    note_number = None
    # Only an active subscription has paid for the period it is in; a trial, a pause or an unpaid period has
    # nothing to return.
    if wants_credit and step.before is SubscriptionStatus.ACTIVE:
        amount = _unused_credit(sub, moment)
        if amount > 0:
            unused = CreditReason("unused_period", moment.today, sub.current_period_end)
            note = issue_credit_note(sub, amount, reason=unused)
            note_number = note.number
    sub.cancel_at_period_end = False
    sub.cancel_at = moment.today
    sub.cancel_reason = f"by_{step.actor.value}"
    sub.cancelled_at = sub.ended_at = moment.now
    sub.next_billing_at = None
    step.data = {"credit": amount, "credit_note": note_number}


def undo_cancel(
    subscription: SubscriptionRef, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """Withdraw a pending cancellation, up to the day before it takes effect (§5)."""
    with transition_step(
        subscription, Transition.UNDO_CANCEL, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        rules = rules_for(sub, step.moment.today)
        if sub.cancel_at is not None and step.moment.today >= sub.cancel_at:
            rules = replace(rules, cancel_pending=False)  # it has taken effect: nothing left to undo
        step.allow(rules)
        step.data = {"cancel_at": sub.cancel_at}
        sub.cancel_at_period_end = False
        sub.cancel_at = None
        sub.cancel_reason = ""
    return sub


def finish_cancellation(
    subscription: SubscriptionRef, *, actor: Actor = Actor.SYSTEM, actor_id: str = ""
) -> Subscription:
    """A pending cancellation takes effect on its date: the subscription is `cancelled` (§5)."""
    with transition_step(
        subscription,
        Transition.FINISH_CANCELLATION,
        actor=actor,
        actor_id=actor_id,
        reason="pending cancellation took effect",
    ) as step:
        sub, moment = step.subscription, step.moment
        target = step.allow()
        if sub.cancel_at is not None and moment.today < sub.cancel_at:
            raise refuse(LifecycleErrorCode.NOT_DUE, f"the cancellation takes effect on {sub.cancel_at}")
        sub.status = target.value
        sub.cancel_at_period_end = False
        sub.cancelled_at = sub.ended_at = moment.now
        sub.next_billing_at = None
        step.data = {"cancel_at": sub.cancel_at}
    return sub


def expire_subscription(
    subscription: SubscriptionRef, *, actor: Actor = Actor.SYSTEM, actor_id: str = ""
) -> Subscription:
    """A fixed term has run out: after its `billing_cycles` paid periods, at the end of the last, the
    subscription is `expired`, a final state (§1, §5)."""
    with transition_step(
        subscription, Transition.EXPIRE, actor=actor, actor_id=actor_id, reason="fixed term completed"
    ) as step:
        sub, moment = step.subscription, step.moment
        target = step.allow()
        cycles = sub.plan_version.billing_cycles
        if cycles is None or sub.cycles_billed < cycles or moment.today < sub.current_period_end:
            raise refuse(LifecycleErrorCode.NOT_DUE, "the fixed term has not run out")
        sub.status = target.value
        sub.ended_at = moment.now
        sub.next_billing_at = None
        step.data = {"billing_cycles": cycles, "cycles_billed": sub.cycles_billed}
    return sub


def reactivate_subscription(
    subscription: SubscriptionRef, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """A cancelled subscription comes back within its reactivation window as a new period from today (§6.6,
    §7), once that period is paid: call it after the payment, like `activate_subscription`; the next charge
    is due at the new period's end. An expired one never comes back (its term is complete), nor a sign-up
    that lapsed unpaid."""
    with transition_step(
        subscription, Transition.REACTIVATE, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub = step.subscription
        step.enter()
        period = restart_calendar(sub, sub.plan_version, step.moment.today)
        sub.next_billing_at = renewal_at(sub, period.end)
        if not period.is_partial:
            sub.cycles_billed += 1
        previous = {"cancelled_at": sub.cancelled_at, "cancel_reason": sub.cancel_reason}
        sub.cancel_at_period_end = False
        sub.cancel_at = None
        sub.cancel_reason = ""
        sub.cancelled_at = sub.ended_at = None
        sub.past_due_since = None
        sub.suspended_at = None
        sub.dunning_days_done = None
        step.data = {**previous, "period_start": period.start, "period_end": period.end}
    return sub
