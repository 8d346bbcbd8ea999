"""The lifecycle's events send the lifecycle emails once their transaction commits (docs/notifications.md)."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.db import transaction

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.lifecycle import (
    activate_subscription,
    cancel_for_nonpayment,
    cancel_subscription,
    expire_subscription,
    finish_cancellation,
    mark_past_due,
    start_subscription,
    suspend_subscription,
    switch_plan,
    undo_cancel,
)
from saleor_subscriptions.lifecycle.transition import lock, record_event
from saleor_subscriptions.notifications import notifier as notifier_module
from saleor_subscriptions.notifications.dispatch import send_for_event
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import (
    APP,
    CUSTOMER,
    STAFF,
    SYSTEM,
    active_since,
    at,
    last_event,
    plan,
    reload,
    sandbox,
    set_clock,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def enqueued(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The outbox rows handed to Celery after their commit (no broker in these tests)."""
    ids: list[int] = []
    monkeypatch.setattr(notifier_module, "enqueue", ids.append)
    return ids


def emails() -> list[tuple[str, str]]:
    return list(OutgoingEmail.objects.order_by("pk").values_list("kind", "to_email"))


def text(kind: str) -> str:
    return re.sub(r"\s+", " ", OutgoingEmail.objects.get(kind=kind).text_body)


def _signed_up(shop, version) -> Subscription:
    return start_subscription(
        shop,
        version,
        customer_user_id="VXNlcjox",
        customer_email="piet@example.com",
        quantity=1,
        channel_slug="default-channel",
        actor=CUSTOMER,
    )


def test_the_first_payment_of_a_sign_up_sends_the_confirmation_once(
    django_capture_on_commit_callbacks, enqueued
):
    shop = sandbox(at(2026, 11, 16))
    sub = _signed_up(shop, plan(shop))
    with django_capture_on_commit_callbacks(execute=True):
        activate_subscription(sub, actor=APP)
    assert emails() == [("signup_confirmed", "piet@example.com")]
    assert "Next payment: 16 December 2026" in text("signup_confirmed")
    assert enqueued == [OutgoingEmail.objects.get().pk]


def test_a_sign_up_with_a_trial_is_confirmed_when_the_trial_starts_not_when_it_ends(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    sub = _signed_up(shop, plan(shop, trial_days=14))
    with django_capture_on_commit_callbacks(execute=True):
        sub = activate_subscription(sub, actor=APP)
    assert (sub.status, emails()) == ("trialing", [("signup_confirmed", "piet@example.com")])
    assert "Free trial until: 30 November 2026" in text("signup_confirmed")
    set_clock(shop, at(2026, 11, 30))
    with django_capture_on_commit_callbacks(execute=True):
        sub = activate_subscription(sub, actor=SYSTEM)
    assert sub.status == "active"
    assert emails() == [("signup_confirmed", "piet@example.com")]


def test_a_cancellation_at_period_end_says_it_is_scheduled_and_until_when_access_lasts(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(sub, actor=CUSTOMER)
    assert emails() == [("cancellation_scheduled", "piet@example.com")]
    said = text("cancellation_scheduled")
    assert "is cancelled as of 1 December 2026" in said
    assert "you keep access up to and including 30 November 2026" in said


def test_cancel_undo_cancel_sends_three_distinct_emails_each_once(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(sub, actor=CUSTOMER)
        undo_cancel(sub, actor=CUSTOMER)
        cancel_subscription(sub, actor=CUSTOMER)
    assert [kind for kind, _ in emails()] == [
        "cancellation_scheduled",
        "cancellation_undone",
        "cancellation_scheduled",
    ]
    assert "no longer ends on 1 December 2026" in text("cancellation_undone")
    # A retried delivery of any of the three events writes nothing more.
    for event in sub.events.filter(kind__in=["cancel_at_period_end", "undo_cancel"]):
        send_for_event(event.pk)
    assert len(emails()) == 3
    assert OutgoingEmail.objects.values("idempotency_key").distinct().count() == 3


def test_an_undo_asked_in_its_own_commit_says_the_subscription_continues(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16), language="nl")
    sub = active_since(plan(shop), date(2026, 11, 1))
    cancel_subscription(sub, actor=CUSTOMER)
    with django_capture_on_commit_callbacks(execute=True):
        undo_cancel(sub, actor=CUSTOMER)
    assert emails() == [("cancellation_undone", "piet@example.com")]
    email = OutgoingEmail.objects.get()
    assert (email.language, email.subject) == (
        "nl",
        "Je abonnement Standard monthly loopt door: de opzegging is ingetrokken",
    )
    assert "stopt niet op 1 december 2026" in text("cancellation_undone")


def test_an_immediate_cancellation_says_it_ended_today(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(sub, actor=STAFF, effect="immediately", credit=False)
    assert emails() == [("cancelled", "piet@example.com")]
    assert "has been cancelled and ended on 16 November 2026" in text("cancelled")


def test_a_pending_cancellation_that_takes_effect_says_the_subscription_is_cancelled(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(sub, actor=CUSTOMER)
    set_clock(shop, at(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        finish_cancellation(sub)
    assert [kind for kind, _ in emails()] == ["cancellation_scheduled", "cancelled"]
    assert "has been cancelled and ended on 1 December 2026" in text("cancelled")


def test_a_fixed_term_that_runs_out_sends_expired(django_capture_on_commit_callbacks):
    shop = sandbox(at(2027, 2, 1))
    sub = active_since(plan(shop, billing_cycles=3), date(2026, 11, 1), index=2, cycles_billed=3)
    with django_capture_on_commit_callbacks(execute=True):
        expire_subscription(sub)
    assert emails() == [("expired", "piet@example.com")]
    assert "after 3 periods" in text("expired")


def test_an_upgrade_now_says_the_plan_has_changed(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop, "30.00", name="Basic"), date(2026, 11, 1))
    pro = plan(shop, "60.00", name="Pro")
    with django_capture_on_commit_callbacks(execute=True):
        switch_plan(sub, pro, actor=CUSTOMER)
    assert emails() == [("plan_changed", "piet@example.com")]
    body = text("plan_changed")
    assert "has changed from Basic to Pro on 16 November 2026" in body
    assert "New price: €60.00 per month" in body


def test_a_downgrade_at_period_end_is_told_once_not_again_when_the_renewal_applies_it(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    pro = plan(shop, "60.00", name="Pro")
    basic = plan(shop, "30.00", name="Basic")
    sub = active_since(pro, date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        switch_plan(sub, basic, actor=CUSTOMER)
    assert "will change from Pro to Basic on 1 December 2026" in text("plan_changed")
    set_clock(shop, at(2026, 12, 1))
    with django_capture_on_commit_callbacks(execute=True):
        _renewal_applies_pending_version(sub, date(2026, 12, 1), date(2027, 1, 1))
    assert emails() == [("plan_changed", "piet@example.com")]


def test_a_pending_version_applied_without_a_switch_says_the_plan_changed_on_the_boundary(
    django_capture_on_commit_callbacks,
):
    """A price migration: the customer had the price notice; the change is confirmed at the boundary."""
    shop = sandbox(at(2026, 11, 28))
    old = plan(shop, "30.00", name="Basic")
    new = plan(shop, "35.00", name="Basic")
    sub = active_since(old, date(2026, 11, 1), pending_plan_version=new)
    with django_capture_on_commit_callbacks(execute=True):
        _renewal_applies_pending_version(sub, date(2026, 12, 1), date(2027, 1, 1))
    assert emails() == [("plan_changed", "piet@example.com")]
    body = text("plan_changed")
    assert "will change from Basic to Basic on 1 December 2026" in body  # made 3 days ahead
    assert "New price: €35.00 per month" in body


def test_a_seat_decrease_applied_at_the_boundary_sends_no_plan_email(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1), quantity=3, pending_quantity=2)
    with django_capture_on_commit_callbacks(execute=True):
        _renewal_applies_pending_version(sub, date(2026, 12, 1), date(2027, 1, 1))
    assert emails() == []


def test_dunning_transitions_send_nothing_here(django_capture_on_commit_callbacks):
    """The renewals send these themselves, with the pay link."""
    shop = sandbox(at(2026, 12, 1))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        mark_past_due(sub, due_on=date(2026, 12, 1))
        suspend_subscription(sub)
        cancel_for_nonpayment(sub)
    assert reload(sub).status == "cancelled"
    assert emails() == []


def test_a_rolled_back_transition_sends_nothing(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        cancel_subscription(sub, actor=CUSTOMER)
        raise RuntimeError("the caller's work failed after the cancellation")
    assert (reload(sub).cancel_at_period_end, callbacks, emails()) == (False, [], [])


def test_an_event_sent_twice_writes_one_email(django_capture_on_commit_callbacks):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    with django_capture_on_commit_callbacks(execute=True):
        cancel_subscription(sub, actor=CUSTOMER)
    send_for_event(last_event(sub).pk)
    assert emails() == [("cancellation_scheduled", "piet@example.com")]


def _renewal_applies_pending_version(sub: Subscription, boundary: date, next_end: date) -> None:
    """What the renewal's boundary does (renewals.boundary): apply the pending change, record it, and move
    the subscription into the next period, in one transaction."""
    with transaction.atomic():
        locked = lock(sub)
        old_version, old_quantity = locked.plan_version_id, locked.quantity
        if locked.pending_plan_version is not None:
            locked.plan_version = locked.pending_plan_version
        if locked.pending_quantity is not None:
            locked.quantity = locked.pending_quantity
        locked.pending_plan_version = None
        locked.pending_quantity = None
        locked.current_period_index += 1
        locked.current_period_start, locked.current_period_end = boundary, next_end
        locked.save()
        record_event(
            locked,
            "pending_change_applied",
            actor=Actor.SYSTEM,
            actor_id="",
            from_status=locked.status,
            at=locked.installation.now(),
            data={
                "plan_version": [old_version, locked.plan_version_id],
                "quantity": [old_quantity, locked.quantity],
            },
        )


def test_a_trial_sign_up_says_the_trial_started_not_that_it_is_active():
    from saleor_subscriptions.notifications import messages
    from saleor_subscriptions.notifications.rendering import render
    from tests.renewals.support import at, plan, sandbox, signed_up

    shop = sandbox(at(2026, 11, 1), url="https://trial-mail.example.com/graphql/")
    subscription = signed_up(plan(shop, "30.00", trial_days=14))
    text = render(messages.signup_confirmed(subscription)).text
    assert "Your free trial has started." in text
    assert "now active" not in text
