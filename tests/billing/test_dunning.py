"""The failed-payment policy as data (BILLING_RULES §6)."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.billing.dunning import (
    DunningAction,
    DunningPolicy,
    DunningPolicyError,
    DunningStep,
    FirstFailure,
)

R, T, S, W, C = (
    DunningAction.REMIND,
    DunningAction.RETRY,
    DunningAction.SUSPEND,
    DunningAction.WARN_TERMINATION,
    DunningAction.CANCEL,
)


def test_the_default_steps_are_seed_002s():
    assert DunningPolicy().steps() == (
        DunningStep(0, R),
        DunningStep(1, T),
        DunningStep(3, T),
        DunningStep(5, T),
        DunningStep(7, S),
        DunningStep(14, W),
        DunningStep(21, C),
    )


def test_next_step_walks_the_policy_day_by_day():
    policy = DunningPolicy()
    done: int | None = None
    walked = []
    while (step := policy.next_step(done)) is not None:
        walked.append((step.day, step.action))
        done = step.day
    assert walked == [(0, R), (1, T), (3, T), (5, T), (7, S), (14, W), (21, C)]


def test_next_step_is_the_first_after_the_last_day_done():
    policy = DunningPolicy()
    assert policy.next_step(None) == DunningStep(0, R)
    assert policy.next_step(2) == DunningStep(3, T)
    assert policy.next_step(7) == DunningStep(14, W)
    assert policy.next_step(21) is None


def test_suspending_on_the_first_failure_leaves_out_the_later_suspension():
    policy = DunningPolicy(on_first_failure=FirstFailure.SUSPEND)
    assert [step.action for step in policy.steps()] == [S, T, T, T, W, C]
    assert policy.next_step(None) == DunningStep(0, S)


def test_a_policy_without_retries():
    assert [s.day for s in DunningPolicy(retry_days=()).steps()] == [0, 7, 14, 21]


def test_the_reactivation_deadline_is_the_last_day_to_pay():
    assert DunningPolicy().reactivation_deadline(date(2026, 1, 1)) == date(2026, 1, 31)
    assert DunningPolicy(reactivation_window_days=0).reactivation_deadline(date(2026, 1, 1)) == date(
        2026, 1, 1
    )


@pytest.mark.parametrize(
    ("settings", "field"),
    [
        ({"on_first_failure": "shout"}, "on_first_failure"),
        ({"retry_days": (3, 1)}, "retry_days"),
        ({"retry_days": (1, 1)}, "retry_days"),
        ({"retry_days": (0, 2)}, "retry_days"),
        ({"retry_days": (1, 3, 9)}, "suspend_day"),
        ({"retry_days": "135"}, "retry_days"),
        ({"suspend_day": 0}, "suspend_day"),
        ({"suspend_day": 14}, "termination_warning_day"),
        ({"termination_warning_day": 21}, "cancel_day"),
        ({"cancel_day": -1}, "cancel_day"),
        ({"cancel_day": "21"}, "cancel_day"),
        ({"reactivation_window_days": -1}, "reactivation_window_days"),
    ],
)
def test_a_bad_setting_names_its_field(settings, field):
    with pytest.raises(DunningPolicyError) as raised:
        DunningPolicy.from_mapping(settings)
    assert raised.value.field == field
    assert str(raised.value).startswith(f"{field}: ")


def test_a_plan_overrides_the_installation_default():
    installation = DunningPolicy.from_mapping({"retry_days": [2, 4], "cancel_day": 30})
    plan = DunningPolicy.from_mapping({"on_first_failure": "suspend"}, base=installation)
    assert plan.retry_days == (2, 4)
    assert plan.cancel_day == 30
    assert plan.on_first_failure is FirstFailure.SUSPEND


def test_an_empty_mapping_is_the_default_policy():
    assert DunningPolicy.from_mapping({}) == DunningPolicy()


def test_an_unknown_setting_is_named():
    with pytest.raises(DunningPolicyError) as raised:
        DunningPolicy.from_mapping({"retry_dayz": [1]})
    assert raised.value.field == "retry_dayz"
    assert "unknown" in raised.value.reason


def test_to_mapping_reads_back():
    policy = DunningPolicy(on_first_failure=FirstFailure.SUSPEND, retry_days=(2,), suspend_day=4)
    mapping = policy.to_mapping()
    assert mapping["retry_days"] == [2]
    assert DunningPolicy.from_mapping(mapping) == policy
