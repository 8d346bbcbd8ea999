"""Two transitions on one subscription at once: the row lock puts them one after the other (§5).

Each thread has its own database connection, so these tests commit for real (`transaction=True`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from itertools import pairwise

import pytest
from django.db import connection

from saleor_subscriptions.lifecycle import (
    cancel_subscription,
    pause_subscription,
    resume_subscription,
    settle_subscription,
)
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import STAFF, SYSTEM, active_since, at, events, plan, sandbox

pytestmark = pytest.mark.django_db(transaction=True)


def _race(*calls: Callable[[], object]) -> list[str]:
    """Run `calls` in threads released at the same moment; each outcome is "ok" or the error code."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = [""] * len(calls)

    def run(i: int, call: Callable[[], object]) -> None:
        try:
            barrier.wait()
            call()
            outcomes[i] = "ok"
        except LifecycleError as error:
            outcomes[i] = error.code
        except Exception as error:
            outcomes[i] = f"crash: {error!r}"
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def _chained(sub: Subscription) -> None:
    """Each event starts from the state the one before it left, so no two left the same state twice."""
    log = events(sub)
    for before, after in pairwise(log):
        assert after[1] == before[2], log


@pytest.mark.parametrize("attempt", range(3))
def test_cancel_now_and_pause_at_once_never_both_leave_active(attempt: int):
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    outcomes = _race(
        lambda: cancel_subscription(sub.pk, actor=STAFF, effect="immediately", credit=False),
        lambda: pause_subscription(sub.pk, actor=STAFF),
    )
    final = Subscription.objects.get(pk=sub.pk)
    log = events(final)
    assert final.status == "cancelled"
    if outcomes == ["ok", "ok"]:
        # The pause came first and the cancellation then ended the paused subscription.
        assert log == [("pause", "active", "paused", "staff"), ("cancel_now", "paused", "cancelled", "staff")]
    else:
        assert outcomes == ["ok", "not_allowed_in_state"]
        assert log == [("cancel_now", "active", "cancelled", "staff")]
    assert [from_ for _, from_, _, _ in log].count("active") == 1


def test_five_payments_settling_one_past_due_subscription_settle_it_once():
    shop = sandbox(at(2026, 12, 3))
    sub = active_since(
        plan(shop), date(2026, 11, 1), index=1, status="past_due", past_due_since=date(2026, 12, 1)
    )
    outcomes = _race(*[lambda: settle_subscription(sub.pk, actor=SYSTEM) for _ in range(5)])
    assert sorted(outcomes) == ["not_allowed_in_state"] * 4 + ["ok"]
    assert events(sub) == [("settle", "past_due", "active", "system")]


def test_pause_and_resume_racing_apply_in_one_order_or_the_other():
    shop = sandbox(at(2026, 11, 16))
    sub = active_since(plan(shop), date(2026, 11, 1))
    outcomes = _race(
        lambda: pause_subscription(sub.pk, actor=STAFF),
        lambda: resume_subscription(sub.pk, actor=STAFF),
    )
    final = Subscription.objects.get(pk=sub.pk)
    if outcomes == ["ok", "ok"]:
        assert final.status == "active"
    else:
        assert outcomes == ["ok", "not_allowed_in_state"]
        assert final.status == "paused"
    _chained(final)
