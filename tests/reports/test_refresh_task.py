"""The MRR change table built ahead of time: beat's task builds every active installation's table, a report
after it rebuilds only the subscriptions with newer events, and does not wait for a refresh running
elsewhere."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from saleor_subscriptions.conf.celery import app
from saleor_subscriptions.reports.changes import LOCK_CLASS, refresh
from saleor_subscriptions.reports.models import MrrChange, RefreshMark
from saleor_subscriptions.reports.tasks import refresh_mrr_changes
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from saleor_subscriptions.tenants.models import InstallationStatus
from tests.factories import make_installation, make_plan_version
from tests.reports.history import History, at
from tests.worker import database_url, tasks_inline

pytestmark = pytest.mark.django_db


def two_paying(installation_url: str = "https://shop.example.com/graphql/") -> tuple[History, History]:
    installation = make_installation(installation_url)
    version = make_plan_version(installation, price=Decimal("30.00"))
    made = []
    for email in ("one@example.com", "two@example.com"):
        history = History.start(version, date(2027, 1, 5), email=email)
        history.event(date(2027, 1, 5), "activate", "active")
        history.invoice(date(2027, 1, 5), date(2027, 2, 5), "30.00", index=0, reason="signup", charge=False)
        made.append(history)
    return made[0], made[1]


def rows(history: History) -> list[tuple[int, date, int]]:
    return list(
        MrrChange.objects.filter(subscription=history.subscription)
        .order_by("day")
        .values_list("pk", "day", "mrr_after_micros")
    )


def test_beat_runs_the_refresh_every_minute():
    entry = app.conf.beat_schedule["refresh-mrr-changes"]
    assert (entry["task"], entry["schedule"]) == ("reports.refresh_mrr_changes", 60.0)
    assert app.tasks["reports.refresh_mrr_changes"].name == refresh_mrr_changes.name


def test_the_task_builds_every_active_installation_and_skips_removed_ones():
    one, _ = two_paying()
    gone, _ = two_paying("https://gone.example.com/graphql/")
    gone.subscription.installation.__class__.objects.filter(pk=gone.subscription.installation_id).update(
        status=InstallationStatus.REMOVED
    )

    with tasks_inline():
        refresh_mrr_changes.delay()

    assert [(day, mrr) for _, day, mrr in rows(one)] == [(date(2027, 1, 5), 30_000_000)]
    assert RefreshMark.objects.get(installation_id=one.subscription.installation_id).last_event_id > 0
    assert rows(gone) == []


def test_a_report_after_the_task_rebuilds_only_the_subscriptions_with_newer_events():
    one, two = two_paying()
    refresh_mrr_changes()
    kept, rebuilt = rows(one), rows(two)
    two.event(date(2027, 1, 20), "cancel_now", "cancelled")

    assert refresh(two.subscription.installation_id, wait=False)

    assert rows(one) == kept  # the same rows, not written again
    after = rows(two)
    assert [(day, mrr) for _, day, mrr in after] == [(date(2027, 1, 5), 30_000_000), (date(2027, 1, 20), 0)]
    assert {pk for pk, _, _ in after}.isdisjoint(pk for pk, _, _ in rebuilt)


def test_an_event_committed_late_below_the_mark_is_taken_in_at_the_next_refresh():
    one, two = two_paying()
    late = SubscriptionEvent.objects.create(
        installation_id=one.subscription.installation_id, subscription=one.subscription,
        at=at(date(2027, 1, 25)), actor_type="system", kind="cancel_now", from_status="active",
        to_status="cancelled",
    )  # fmt: skip
    two.event(date(2027, 1, 10), "invoiced")  # an event after it, taken in first
    SubscriptionEvent.objects.filter(pk=late.pk).delete()  # not committed yet
    refresh_mrr_changes()
    late.save(force_insert=True)  # committed now, with its id below the mark
    two.event(date(2027, 1, 12), "invoiced")

    refresh(one.subscription.installation_id, wait=False)

    assert [(day, mrr) for _, day, mrr in rows(one)] == [
        (date(2027, 1, 5), 30_000_000),
        (date(2027, 1, 25), 0),
    ]


@pytest.mark.django_db(transaction=True)  # each refresh commits, and lets go of its lock, as in production
def test_a_report_does_not_wait_for_a_refresh_running_elsewhere_once_the_table_is_built():
    one, two = two_paying()
    installation = one.subscription.installation_id
    with psycopg.connect(database_url(), autocommit=True) as other:  # the beat task, mid-refresh
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, installation])
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '2s'")
            # Never built: a report waits for the build (here it gives up: the other holds the lock).
            with pytest.raises(Exception, match="lock timeout"):
                refresh(installation, wait=False)
            cursor.execute("RESET lock_timeout")
        other.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, installation])
        assert refresh(installation)  # built
        two.event(date(2027, 1, 20), "cancel_now", "cancelled")
        other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_CLASS, installation])

        assert refresh(installation, wait=False) is False
        assert [mrr for _, _, mrr in rows(two)] == [30_000_000]  # as the running refresh will leave it

        other.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_CLASS, installation])
    assert refresh(installation, wait=False)
    assert [mrr for _, _, mrr in rows(two)] == [30_000_000, 0]
