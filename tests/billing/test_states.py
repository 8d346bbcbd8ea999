"""The transition table, cell by cell, and the plan guards (BILLING_RULES §1, §5, §7).

The expected grids below are written out by hand: each row is a state ("new" = not started yet), each
column an actor, each cell the state the transition leads to, "=" for "the state stays", or "!code" for a
refusal. The cross product of states, transitions and actors is generated, so a new state, transition or
actor without a row here fails the test.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saleor_subscriptions.billing.states import (
    TRANSITIONS,
    Actor,
    RefusalCode,
    SubscriptionStatus,
    Transition,
    TransitionRefused,
    TransitionRules,
    cancellation_date,
    check_transition,
    in_minimum_term,
    minimum_term_end,
    reactivation_window_open,
)

TODAY = date(2026, 11, 20)

# Everything a plan can allow is allowed, no minimum term, no notice, no pending cancellation, and a
# cancelled subscription is inside its reactivation window.
PERMISSIVE = TransitionRules(
    customer_can_cancel=True,
    customer_can_pause=True,
    customer_cancels_immediately=True,
    cancel_notice_days=0,
    today=TODAY,
    minimum_term_end=None,
    cancel_pending=False,
    reactivation_deadline=TODAY + timedelta(days=10),
)

SHORT = {
    "!actor": "actor_not_allowed",
    "!state": "not_allowed_in_state",
    "!undo": "nothing_to_undo",
    "!pending": "no_pending_cancellation",
    "!already": "already_cancelling",
}

STATES = [
    "new",
    "incomplete",
    "trialing",
    "active",
    "past_due",
    "suspended",
    "paused",
    "cancelled",
    "expired",
]
ACTORS = ["customer", "staff", "app", "system"]

EXPECTED = """
start                 customer    staff       app         system
  new                 incomplete  incomplete  incomplete  !actor
  incomplete          !state      !state      !state      !actor
  trialing            !state      !state      !state      !actor
  active              !state      !state      !state      !actor
  past_due            !state      !state      !state      !actor
  suspended           !state      !state      !state      !actor
  paused              !state      !state      !state      !actor
  cancelled           !state      !state      !state      !actor
  expired             !state      !state      !state      !actor

start_trial           customer    staff       app         system
  new                 !actor      !state      !state      !state
  incomplete          !actor      trialing    trialing    trialing
  trialing            !actor      !state      !state      !state
  active              !actor      !state      !state      !state
  past_due            !actor      !state      !state      !state
  suspended           !actor      !state      !state      !state
  paused              !actor      !state      !state      !state
  cancelled           !actor      !state      !state      !state
  expired             !actor      !state      !state      !state

activate              customer    staff       app         system
  new                 !actor      !state      !state      !state
  incomplete          !actor      active      active      active
  trialing            !actor      active      active      active
  active              !actor      !state      !state      !state
  past_due            !actor      !state      !state      !state
  suspended           !actor      !state      !state      !state
  paused              !actor      !state      !state      !state
  cancelled           !actor      !state      !state      !state
  expired             !actor      !state      !state      !state

lapse                 customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      cancelled   cancelled
  trialing            !actor      !actor      !state      !state
  active              !actor      !actor      !state      !state
  past_due            !actor      !actor      !state      !state
  suspended           !actor      !actor      !state      !state
  paused              !actor      !actor      !state      !state
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

cancel_now            customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          cancelled   cancelled   !actor      !actor
  trialing            cancelled   cancelled   !actor      !actor
  active              cancelled   cancelled   !actor      !actor
  past_due            cancelled   cancelled   !actor      !actor
  suspended           cancelled   cancelled   !actor      !actor
  paused              cancelled   cancelled   !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

cancel_at_period_end  customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            =           =           !actor      !actor
  active              =           =           !actor      !actor
  past_due            =           =           !actor      !actor
  suspended           =           =           !actor      !actor
  paused              =           =           !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

undo_cancel           customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            !undo       !undo       !actor      !actor
  active              !undo       !undo       !actor      !actor
  past_due            !undo       !undo       !actor      !actor
  suspended           !undo       !undo       !actor      !actor
  paused              !undo       !undo       !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

finish_cancellation   customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      !state      !state
  trialing            !actor      !actor      !pending    !pending
  active              !actor      !actor      !pending    !pending
  past_due            !actor      !actor      !pending    !pending
  suspended           !actor      !actor      !pending    !pending
  paused              !actor      !actor      !pending    !pending
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

pause                 customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            !state      !state      !actor      !actor
  active              paused      paused      !actor      !actor
  past_due            !state      !state      !actor      !actor
  suspended           !state      !state      !actor      !actor
  paused              !state      !state      !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

resume                customer    staff       app         system
  new                 !state      !state      !actor      !state
  incomplete          !state      !state      !actor      !state
  trialing            !state      !state      !actor      !state
  active              !state      !state      !actor      !state
  past_due            !state      !state      !actor      !state
  suspended           !state      !state      !actor      !state
  paused              active      active      !actor      active
  cancelled           !state      !state      !actor      !state
  expired             !state      !state      !actor      !state

skip                  customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            !state      !state      !actor      !actor
  active              =           =           !actor      !actor
  past_due            !state      !state      !actor      !actor
  suspended           !state      !state      !actor      !actor
  paused              !state      !state      !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

switch_plan           customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            =           =           !actor      !actor
  active              =           =           !actor      !actor
  past_due            !state      !state      !actor      !actor
  suspended           !state      !state      !actor      !actor
  paused              !state      !state      !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

change_quantity       customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            =           =           !actor      !actor
  active              =           =           !actor      !actor
  past_due            !state      !state      !actor      !actor
  suspended           !state      !state      !actor      !actor
  paused              !state      !state      !actor      !actor
  cancelled           !state      !state      !actor      !actor
  expired             !state      !state      !actor      !actor

expire                customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      !state      !state
  trialing            !actor      !actor      !state      !state
  active              !actor      !actor      expired     expired
  past_due            !actor      !actor      !state      !state
  suspended           !actor      !actor      !state      !state
  paused              !actor      !actor      expired     expired
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

reactivate            customer    staff       app         system
  new                 !state      !state      !actor      !actor
  incomplete          !state      !state      !actor      !actor
  trialing            !state      !state      !actor      !actor
  active              !state      !state      !actor      !actor
  past_due            !state      !state      !actor      !actor
  suspended           !state      !state      !actor      !actor
  paused              !state      !state      !actor      !actor
  cancelled           active      active      !actor      !actor
  expired             !state      !state      !actor      !actor

mark_past_due         customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      !state      !state
  trialing            !actor      !actor      past_due    past_due
  active              !actor      !actor      past_due    past_due
  past_due            !actor      !actor      !state      !state
  suspended           !actor      !actor      !state      !state
  paused              !actor      !actor      !state      !state
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

suspend               customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      !state      !state
  trialing            !actor      !actor      suspended   suspended
  active              !actor      !actor      suspended   suspended
  past_due            !actor      !actor      suspended   suspended
  suspended           !actor      !actor      !state      !state
  paused              !actor      !actor      !state      !state
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

settle                customer    staff       app         system
  new                 !actor      !state      !state      !state
  incomplete          !actor      !state      !state      !state
  trialing            !actor      !state      !state      !state
  active              !actor      !state      !state      !state
  past_due            !actor      active      active      active
  suspended           !actor      active      active      active
  paused              !actor      !state      !state      !state
  cancelled           !actor      !state      !state      !state
  expired             !actor      !state      !state      !state

cancel_for_nonpayment customer    staff       app         system
  new                 !actor      !actor      !state      !state
  incomplete          !actor      !actor      !state      !state
  trialing            !actor      !actor      !state      !state
  active              !actor      !actor      !state      !state
  past_due            !actor      !actor      cancelled   cancelled
  suspended           !actor      !actor      cancelled   cancelled
  paused              !actor      !actor      !state      !state
  cancelled           !actor      !actor      !state      !state
  expired             !actor      !actor      !state      !state

change_billing_date   customer    staff       app         system
  new                 !actor      !state      !actor      !actor
  incomplete          !actor      !state      !actor      !actor
  trialing            !actor      !state      !actor      !actor
  active              !actor      =           !actor      !actor
  past_due            !actor      !state      !actor      !actor
  suspended           !actor      !state      !actor      !actor
  paused              !actor      !state      !actor      !actor
  cancelled           !actor      !state      !actor      !actor
  expired             !actor      !state      !actor      !actor
"""


def _parse(text: str) -> dict[tuple[str, str, str], str]:
    cells: dict[tuple[str, str, str], str] = {}
    transition = ""
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        words = line.split()
        if not line.startswith(" "):
            transition = words[0]
            assert words[1:] == ACTORS, line
            continue
        state, *row = words
        assert len(row) == len(ACTORS), line
        for actor, cell in zip(ACTORS, row, strict=True):
            cells[(state, transition, actor)] = cell
    return cells


GRID = _parse(EXPECTED)


def _cases() -> list[tuple[str, str, str]]:
    return [
        (state, transition.value, actor.value)
        for transition in Transition
        for state in STATES
        for actor in Actor
    ]


def test_the_grid_covers_every_state_transition_and_actor_exactly_once():
    assert set(STATES) == {"new", *(s.value for s in SubscriptionStatus)}
    assert [a.value for a in Actor] == ACTORS
    assert set(GRID) == set(_cases())
    assert set(TRANSITIONS) == set(Transition)


@pytest.mark.parametrize(("state", "transition", "actor"), _cases())
def test_transition_cell(state: str, transition: str, actor: str):
    expected = GRID[(state, transition, actor)]
    status = None if state == "new" else SubscriptionStatus(state)
    if expected.startswith("!"):
        with pytest.raises(TransitionRefused) as refused:
            check_transition(status, Transition(transition), Actor(actor), PERMISSIVE)
        assert refused.value.code == SHORT[expected]
    else:
        target = check_transition(status, Transition(transition), Actor(actor), PERMISSIVE)
        assert target == (state if expected == "=" else expected)


PENDING = TransitionRules(customer_can_cancel=True, today=TODAY, cancel_pending=True)


@pytest.mark.parametrize("state", ["trialing", "active", "past_due", "suspended", "paused"])
def test_a_pending_cancellation_can_be_undone_or_finished_but_not_asked_again(state: str):
    status = SubscriptionStatus(state)
    for actor in (Actor.CUSTOMER, Actor.STAFF):
        assert check_transition(status, Transition.UNDO_CANCEL, actor, PENDING) == status
    for actor in (Actor.APP, Actor.SYSTEM):
        assert check_transition(status, Transition.FINISH_CANCELLATION, actor, PENDING) == "cancelled"
    with pytest.raises(TransitionRefused) as refused:
        check_transition(status, Transition.CANCEL_AT_PERIOD_END, Actor.CUSTOMER, PENDING)
    assert refused.value.code == RefusalCode.ALREADY_CANCELLING


def _to(state: str, transition: Transition, actor: Actor, rules: TransitionRules) -> str:
    return check_transition(SubscriptionStatus(state), transition, actor, rules)


def _refusal(transition: Transition, actor: Actor, rules: TransitionRules, state: str = "active") -> str:
    with pytest.raises(TransitionRefused) as refused:
        check_transition(SubscriptionStatus(state), transition, actor, rules)
    return refused.value.code


def test_a_customer_cannot_cancel_where_the_plan_forbids_it_but_staff_can():
    rules = TransitionRules(customer_can_cancel=False, customer_cancels_immediately=True, today=TODAY)
    assert _refusal(Transition.CANCEL_AT_PERIOD_END, Actor.CUSTOMER, rules) == "customer_cannot_cancel"
    assert _refusal(Transition.CANCEL_NOW, Actor.CUSTOMER, rules) == "customer_cannot_cancel"
    assert _to("active", Transition.CANCEL_NOW, Actor.STAFF, rules) == "cancelled"
    assert _to("active", Transition.CANCEL_AT_PERIOD_END, Actor.STAFF, rules) == "active"


def test_a_customer_cannot_pause_resume_or_skip_where_the_plan_forbids_it_but_staff_can():
    rules = TransitionRules(customer_can_pause=False)
    assert _refusal(Transition.PAUSE, Actor.CUSTOMER, rules) == "customer_cannot_pause"
    assert _refusal(Transition.SKIP, Actor.CUSTOMER, rules) == "customer_cannot_pause"
    assert _refusal(Transition.RESUME, Actor.CUSTOMER, rules, state="paused") == "customer_cannot_pause"
    assert _to("active", Transition.PAUSE, Actor.STAFF, rules) == "paused"
    assert _to("paused", Transition.RESUME, Actor.SYSTEM, rules) == "active"


def test_a_customer_cancels_immediately_only_on_a_plan_that_ends_at_once():
    rules = TransitionRules(customer_cancels_immediately=False, today=TODAY)
    assert _refusal(Transition.CANCEL_NOW, Actor.CUSTOMER, rules) == "immediate_cancel_not_allowed"
    assert _to("active", Transition.CANCEL_NOW, Actor.STAFF, rules) == "cancelled"


def test_an_immediate_cancellation_inside_the_minimum_term_is_refused_to_the_customer():
    term_end = date(2027, 1, 15)
    rules = TransitionRules(customer_cancels_immediately=True, today=TODAY, minimum_term_end=term_end)
    assert _refusal(Transition.CANCEL_NOW, Actor.CUSTOMER, rules) == "minimum_term"
    served = TransitionRules(customer_cancels_immediately=True, today=term_end, minimum_term_end=term_end)
    assert _to("active", Transition.CANCEL_NOW, Actor.CUSTOMER, served) == "cancelled"


def test_an_immediate_cancellation_with_a_notice_period_is_refused_to_the_customer():
    rules = TransitionRules(customer_cancels_immediately=True, today=TODAY, cancel_notice_days=30)
    assert _refusal(Transition.CANCEL_NOW, Actor.CUSTOMER, rules) == "notice_period"


def test_reactivation_closes_the_day_after_the_deadline():
    deadline = date(2026, 12, 20)
    open_rules = TransitionRules(today=deadline, reactivation_deadline=deadline)
    assert _to("cancelled", Transition.REACTIVATE, Actor.CUSTOMER, open_rules) == "active"
    closed = TransitionRules(today=deadline + timedelta(days=1), reactivation_deadline=deadline)
    assert _refusal(Transition.REACTIVATE, Actor.STAFF, closed, "cancelled") == "reactivation_window_closed"
    never = TransitionRules(today=TODAY, reactivation_deadline=None)
    assert _refusal(Transition.REACTIVATE, Actor.CUSTOMER, never, "cancelled") == "reactivation_window_closed"


def test_an_unpaid_sign_up_may_always_be_abandoned_by_its_customer():
    strict = TransitionRules(
        customer_can_cancel=False,
        customer_cancels_immediately=False,
        cancel_notice_days=30,
        today=TODAY,
        minimum_term_end=date(2027, 11, 20),
    )
    assert _to("incomplete", Transition.CANCEL_NOW, Actor.CUSTOMER, strict) == "cancelled"
    assert _refusal(Transition.CANCEL_NOW, Actor.CUSTOMER, strict, "active") == "customer_cannot_cancel"


def test_a_refusal_carries_a_readable_message():
    with pytest.raises(TransitionRefused) as refused:
        _to("expired", Transition.PAUSE, Actor.CUSTOMER, PERMISSIVE)
    assert str(refused.value) == "cannot pause a subscription that is expired"


# The guards on their own: a monthly plan from 15 January 2026 with a minimum of 12 cycles.
def _monthly_end(k: int) -> date:
    year, month = divmod(k + 1, 12)
    return date(2026 + year, 1 + month, 15)


def _end_containing(d: date) -> date:
    k = (d.year - 2026) * 12 + d.month - 1 - (1 if d.day < 15 else 0)
    return _monthly_end(k)


def test_the_minimum_term_of_12_monthly_cycles_ends_after_the_twelfth_period():
    assert minimum_term_end(12, _monthly_end) == date(2027, 1, 15)
    assert minimum_term_end(0, _monthly_end) is None
    # With a partial first period (index 0), the 12 cycles are periods 1..12.
    assert minimum_term_end(12, _monthly_end, first_full_index=1) == date(2027, 2, 15)
    assert in_minimum_term(date(2027, 1, 14), date(2027, 1, 15))
    assert not in_minimum_term(date(2027, 1, 15), date(2027, 1, 15))
    assert not in_minimum_term(date(2027, 1, 14), None)


def test_cancelling_in_march_of_a_12_cycle_term_with_30_days_notice_ends_at_the_term():
    assert cancellation_date(date(2026, 3, 1), 30, date(2027, 1, 15), _end_containing) == date(2027, 1, 15)


def test_cancelling_in_december_with_30_days_notice_ends_with_the_period_after_the_term():
    # 20 December + 30 days = 19 January 2027, inside the period 15 January .. 15 February.
    assert cancellation_date(date(2026, 12, 20), 30, date(2027, 1, 15), _end_containing) == date(2027, 2, 15)


def test_cancelling_without_notice_or_term_ends_with_the_current_period():
    assert cancellation_date(date(2026, 3, 1), 0, None, _end_containing) == date(2026, 3, 15)
    assert reactivation_window_open(date(2026, 3, 1), date(2026, 3, 1))
    assert not reactivation_window_open(date(2026, 3, 1), None)
