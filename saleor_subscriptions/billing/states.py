"""The states of a subscription, its transitions and who may make them (BILLING_RULES §1, §5, §7).

This module is the one place that knows which transition leads from which states to which, and which actors
may ask for it: `TRANSITIONS` is that table and `check_transition` reads it. The guards that depend on a
plan's rules are pure functions of plain values, so the lifecycle (which owns the database) computes the
facts and this module decides.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError


class SubscriptionStatus(StrEnum):
    INCOMPLETE = "incomplete"
    TRIALING = "trialing"
    ACTIVE = "active"
    PAST_DUE = "past_due"
    SUSPENDED = "suspended"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    EXPIRED = "expired"


class Actor(StrEnum):
    """Who acts: the customer (storefront), a staff user (dashboard), the app itself, or the scheduler."""

    CUSTOMER = "customer"
    STAFF = "staff"
    APP = "app"
    SYSTEM = "system"


class Transition(StrEnum):
    """Everything that can happen to a subscription's state, by name (BILLING_RULES §5, §7)."""

    START = "start"
    START_TRIAL = "start_trial"
    ACTIVATE = "activate"
    LAPSE = "lapse"
    CANCEL_NOW = "cancel_now"
    CANCEL_AT_PERIOD_END = "cancel_at_period_end"
    UNDO_CANCEL = "undo_cancel"
    FINISH_CANCELLATION = "finish_cancellation"
    PAUSE = "pause"
    RESUME = "resume"
    SKIP = "skip"
    SWITCH_PLAN = "switch_plan"
    CHANGE_QUANTITY = "change_quantity"
    EXPIRE = "expire"
    REACTIVATE = "reactivate"
    MARK_PAST_DUE = "mark_past_due"
    SUSPEND = "suspend"
    SETTLE = "settle"
    CANCEL_FOR_NONPAYMENT = "cancel_for_nonpayment"
    CHANGE_BILLING_DATE = "change_billing_date"


class RefusalCode(StrEnum):
    """Why a transition was refused; stable strings that the API maps to its error enum."""

    NOT_ALLOWED_IN_STATE = "not_allowed_in_state"
    ACTOR_NOT_ALLOWED = "actor_not_allowed"
    CUSTOMER_CANNOT_CANCEL = "customer_cannot_cancel"
    CUSTOMER_CANNOT_PAUSE = "customer_cannot_pause"
    CUSTOMER_CANNOT_SWITCH = "customer_cannot_switch"
    CUSTOMER_CANNOT_CHANGE_QUANTITY = "customer_cannot_change_quantity"
    IMMEDIATE_CANCEL_NOT_ALLOWED = "immediate_cancel_not_allowed"
    MINIMUM_TERM = "minimum_term"
    NOTICE_PERIOD = "notice_period"
    ALREADY_CANCELLING = "already_cancelling"
    NOTHING_TO_UNDO = "nothing_to_undo"
    NO_PENDING_CANCELLATION = "no_pending_cancellation"
    REACTIVATION_WINDOW_CLOSED = "reactivation_window_closed"


class TransitionRefused(CodedError):
    """A transition that the table or a plan rule does not allow, with a stable code."""

    code: RefusalCode

    def __init__(self, code: RefusalCode, message: str) -> None:
        super().__init__(code, message)


S = SubscriptionStatus
NEW = None
"""The pseudo-state before a subscription exists: only START leaves it."""

CUSTOMER_OR_STAFF = frozenset({Actor.CUSTOMER, Actor.STAFF})
AUTOMATIC = frozenset({Actor.APP, Actor.SYSTEM})
STAFF_OR_AUTOMATIC = frozenset({Actor.STAFF, Actor.APP, Actor.SYSTEM})
SIGN_UP = frozenset({Actor.CUSTOMER, Actor.STAFF, Actor.APP})
CUSTOMER_STAFF_OR_SCHEDULER = frozenset({Actor.CUSTOMER, Actor.STAFF, Actor.SYSTEM})
LIVE = frozenset({S.TRIALING, S.ACTIVE, S.PAST_DUE, S.SUSPENDED, S.PAUSED})
"""States that have not ended and have been paid for at least once (or are in a paid-for trial)."""


@dataclass(frozen=True)
class Rule:
    """One row of the table: from which states, to which state (None: the state does not change), by whom."""

    sources: frozenset[SubscriptionStatus | None]
    target: SubscriptionStatus | None
    actors: frozenset[Actor]


TRANSITIONS: dict[Transition, Rule] = {
    Transition.START: Rule(frozenset({NEW}), S.INCOMPLETE, SIGN_UP),
    # The first payment is made: into the trial, or straight to active (also at the end of a trial).
    Transition.START_TRIAL: Rule(frozenset({S.INCOMPLETE}), S.TRIALING, STAFF_OR_AUTOMATIC),
    Transition.ACTIVATE: Rule(frozenset({S.INCOMPLETE, S.TRIALING}), S.ACTIVE, STAFF_OR_AUTOMATIC),
    Transition.LAPSE: Rule(frozenset({S.INCOMPLETE}), S.CANCELLED, AUTOMATIC),
    Transition.CANCEL_NOW: Rule(frozenset({S.INCOMPLETE, *LIVE}), S.CANCELLED, CUSTOMER_OR_STAFF),
    # A customer must always be able to stop: suspended (on hold for nonpayment) too; dunning keeps running
    # and may end it earlier (cancelled for nonpayment); paying resumes it, the cancellation still pending.
    Transition.CANCEL_AT_PERIOD_END: Rule(LIVE, None, CUSTOMER_OR_STAFF),
    Transition.UNDO_CANCEL: Rule(LIVE, None, CUSTOMER_OR_STAFF),
    Transition.FINISH_CANCELLATION: Rule(LIVE, S.CANCELLED, AUTOMATIC),
    Transition.PAUSE: Rule(frozenset({S.ACTIVE}), S.PAUSED, CUSTOMER_OR_STAFF),
    # The scheduler resumes a pause of N periods when they have run out.
    Transition.RESUME: Rule(frozenset({S.PAUSED}), S.ACTIVE, CUSTOMER_STAFF_OR_SCHEDULER),
    Transition.SKIP: Rule(frozenset({S.ACTIVE}), None, CUSTOMER_OR_STAFF),
    Transition.SWITCH_PLAN: Rule(frozenset({S.TRIALING, S.ACTIVE}), None, CUSTOMER_OR_STAFF),
    Transition.CHANGE_QUANTITY: Rule(frozenset({S.TRIALING, S.ACTIVE}), None, CUSTOMER_OR_STAFF),
    # A fixed term also runs out during a pause (the paused periods are not billed, so the term was paid in
    # full). Not from past_due or suspended: the last period is unpaid, so dunning decides first (settle, then
    # expire; or cancel for nonpayment with the invoice uncollectible).
    Transition.EXPIRE: Rule(frozenset({S.ACTIVE, S.PAUSED}), S.EXPIRED, AUTOMATIC),
    Transition.REACTIVATE: Rule(frozenset({S.CANCELLED}), S.ACTIVE, CUSTOMER_OR_STAFF),
    Transition.MARK_PAST_DUE: Rule(frozenset({S.TRIALING, S.ACTIVE}), S.PAST_DUE, AUTOMATIC),
    Transition.SUSPEND: Rule(frozenset({S.TRIALING, S.ACTIVE, S.PAST_DUE}), S.SUSPENDED, AUTOMATIC),
    Transition.SETTLE: Rule(frozenset({S.PAST_DUE, S.SUSPENDED}), S.ACTIVE, STAFF_OR_AUTOMATIC),
    Transition.CANCEL_FOR_NONPAYMENT: Rule(frozenset({S.PAST_DUE, S.SUSPENDED}), S.CANCELLED, AUTOMATIC),
    # Staff move the next billing date (§7 "an admin may also"): only a running, paid-up subscription; a
    # trial's end, a pause, an unpaid period and an ended subscription have no billing date to move.
    Transition.CHANGE_BILLING_DATE: Rule(frozenset({S.ACTIVE}), None, frozenset({Actor.STAFF})),
}


@dataclass(frozen=True)
class TransitionRules:
    """The plain facts the guards need: the plan's self-service rules and where the subscription stands.

    `minimum_term_end` is the first day after the minimum term (None: no minimum term, or already served);
    `reactivation_deadline` the last day a cancelled subscription may be reactivated (None: never).
    """

    customer_can_cancel: bool = True
    customer_can_pause: bool = False
    customer_can_switch: bool = True
    customer_can_change_quantity: bool = True
    customer_cancels_immediately: bool = False
    cancel_notice_days: int = 0
    today: date | None = None
    minimum_term_end: date | None = None
    cancel_pending: bool = False
    reactivation_deadline: date | None = None


def _refuse(code: RefusalCode, message: str) -> TransitionRefused:
    return TransitionRefused(code, message)


def guard_customer_can_cancel(customer_can_cancel: bool) -> None:
    """A customer cancels only where the plan allows it; staff always may (§1)."""
    if not customer_can_cancel:
        raise _refuse(RefusalCode.CUSTOMER_CANNOT_CANCEL, "this plan does not let customers cancel")


def guard_customer_can_pause(customer_can_pause: bool) -> None:
    """A customer pauses, resumes or skips only where the plan allows it; staff always may (§1)."""
    if not customer_can_pause:
        raise _refuse(RefusalCode.CUSTOMER_CANNOT_PAUSE, "this plan does not let customers pause themselves")


def in_minimum_term(today: date, minimum_term_end: date | None) -> bool:
    """Whether `today` is still inside the minimum term, which ends the day before `minimum_term_end` (§1)."""
    return minimum_term_end is not None and today < minimum_term_end


def minimum_term_end(
    minimum_cycles: int, period_end: Callable[[int], date], first_full_index: int = 0
) -> date | None:
    """The day the minimum term is over: the end of the `minimum_cycles`-th full period (§1), or None.

    `period_end(k)` gives the exclusive end of period k; a partial first period (index below
    `first_full_index`) does not count as a cycle.
    """
    if minimum_cycles <= 0:
        return None
    return period_end(first_full_index + minimum_cycles - 1)


def cancellation_date(
    today: date,
    notice_days: int,
    minimum_term_end: date | None,
    period_end_containing: Callable[[date], date],
) -> date:
    """When a cancellation asked for `today` takes effect (§1): at the end of the period that contains
    `today + notice`, and no earlier than the end of the minimum term."""
    effective = period_end_containing(today + timedelta(days=notice_days))
    if minimum_term_end is not None and minimum_term_end > effective:
        return minimum_term_end
    return effective


def reactivation_window_open(today: date, deadline: date | None) -> bool:
    """A cancelled subscription may be reactivated up to and including its deadline (§6.6, §7)."""
    return deadline is not None and today <= deadline


def _check_guards(
    status: SubscriptionStatus | None, transition: Transition, actor: Actor, rules: TransitionRules
) -> None:
    today = rules.today
    if transition is Transition.CANCEL_NOW and status is S.INCOMPLETE:
        return  # an unpaid sign-up is no contract yet: its customer may always abandon it
    if transition is Transition.CANCEL_NOW and actor is Actor.CUSTOMER:
        guard_customer_can_cancel(rules.customer_can_cancel)
        if not rules.customer_cancels_immediately:
            raise _refuse(
                RefusalCode.IMMEDIATE_CANCEL_NOT_ALLOWED, "on this plan a cancellation ends the period"
            )
        if today is not None and in_minimum_term(today, rules.minimum_term_end):
            raise _refuse(RefusalCode.MINIMUM_TERM, f"the minimum term runs until {rules.minimum_term_end}")
        if rules.cancel_notice_days > 0:
            raise _refuse(
                RefusalCode.NOTICE_PERIOD, f"this plan needs {rules.cancel_notice_days} days' notice"
            )
    elif transition is Transition.CANCEL_AT_PERIOD_END:
        if actor is Actor.CUSTOMER:
            guard_customer_can_cancel(rules.customer_can_cancel)
        if rules.cancel_pending:
            raise _refuse(RefusalCode.ALREADY_CANCELLING, "a cancellation is already pending")
    elif transition is Transition.UNDO_CANCEL:
        if not rules.cancel_pending:
            raise _refuse(RefusalCode.NOTHING_TO_UNDO, "there is no pending cancellation to undo")
    elif transition is Transition.FINISH_CANCELLATION:
        if not rules.cancel_pending:
            raise _refuse(RefusalCode.NO_PENDING_CANCELLATION, "there is no pending cancellation")
    elif transition in (Transition.PAUSE, Transition.RESUME, Transition.SKIP) and actor is Actor.CUSTOMER:
        guard_customer_can_pause(rules.customer_can_pause)
    elif transition is Transition.SWITCH_PLAN and actor is Actor.CUSTOMER and not rules.customer_can_switch:
        raise _refuse(RefusalCode.CUSTOMER_CANNOT_SWITCH, "this shop does not let customers switch plans")
    elif (
        transition is Transition.CHANGE_QUANTITY
        and actor is Actor.CUSTOMER
        and not rules.customer_can_change_quantity
    ):
        raise _refuse(
            RefusalCode.CUSTOMER_CANNOT_CHANGE_QUANTITY, "this shop does not let customers change quantities"
        )
    elif transition is Transition.REACTIVATE and (
        today is None or not reactivation_window_open(today, rules.reactivation_deadline)
    ):
        raise _refuse(RefusalCode.REACTIVATION_WINDOW_CLOSED, "the reactivation window has closed")


def check_transition(
    status: SubscriptionStatus | None,
    transition: Transition,
    actor: Actor,
    rules: TransitionRules | None = None,
) -> SubscriptionStatus:
    """The state `transition` leads to from `status` when `actor` asks, or `TransitionRefused` (§5).

    Checked in this order: the actor may make this transition at all, it is allowed from this state, then
    the plan's guards. `status` None is a subscription that does not exist yet.
    """
    rule = TRANSITIONS[transition]
    if actor not in rule.actors:
        raise _refuse(RefusalCode.ACTOR_NOT_ALLOWED, f"a {actor} may not {transition.replace('_', ' ')}")
    if status not in rule.sources:
        raise _refuse(
            RefusalCode.NOT_ALLOWED_IN_STATE,
            f"cannot {transition.replace('_', ' ')} a subscription that is {status or 'not started'}",
        )
    _check_guards(status, transition, actor, rules or TransitionRules())
    if rule.target is not None:
        return rule.target
    assert status is not None  # only START leaves NEW, and START has a target
    return status
