"""Bulk actions on the subscriptions list (dashboard_extension/, built) in Chromium, inside the test
dashboard, against the app on the live server and a real Celery worker on the machine's Redis: the owner
selects the page's rows, confirms a pause naming how many, and watches the job's progress until the worker
has paused two subscriptions and refused the one already paused, with its reason; the CSV export of the list
is saved with the dashboard's token. In English (light) and Dutch (dark), checked with axe-core, screenshots
kept."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import redis
from playwright.sync_api import expect

from saleor_subscriptions.jobs.models import BackgroundJob
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from tests.browser.conftest import Browser
from tests.browser.test_dashboard_pages import _open, built, dashboard
from tests.browser.test_dashboard_subscriptions import _checked
from tests.factories import make_plan_version, make_subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.payments.stripe_webhooks.test_worker import app_on_redis
from tests.worker import celery_worker

__all__ = ["app_on_redis", "built", "dashboard", "fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/13")
JOB_SECONDS_MS = 60_000
TEXTS = {
    "en": {
        "select_page": "Select every subscription on this page",
        "selected": "3 subscriptions selected",
        "pause": "Pause",
        "confirm_text": "Pause 3 subscriptions?",
        "reason": "Reason (kept on each event)",
        "confirm": "Confirm",
        "progress": "Progress",
        "done": "Done",
        "counts": "3 of 3 done, 1 refused",
        "export": "Export CSV",
    },
    "nl": {
        "select_page": "Alle abonnementen op deze pagina selecteren",
        "selected": "3 abonnementen geselecteerd",
        "pause": "Pauzeren",
        "confirm_text": "3 abonnementen pauzeren?",
        "reason": "Reden (bewaard bij elke gebeurtenis)",
        "confirm": "Bevestigen",
        "progress": "Voortgang",
        "done": "Klaar",
        "counts": "3 van 3 klaar, 1 geweigerd",
        "export": "CSV exporteren",
    },
}


@pytest.fixture
def broker(dashboard: dict[str, Any], app_on_redis: None) -> Iterator[redis.Redis]:
    """The app (the live server's thread included) sends its tasks to the test Redis, not eagerly."""
    client = redis.Redis.from_url(REDIS_URL)
    client.ping()  # the suite needs Redis (README); fail loudly rather than skip
    client.flushdb()
    yield client
    client.flushdb()


def _seed(dashboard: dict[str, Any]) -> dict[str, Subscription]:
    version = make_plan_version(
        dashboard["installation"], currency="USD", name="Coffee monthly", price=Decimal("30.00")
    )
    people = {"anna": "active", "bob": "active", "cas": "paused"}
    return {
        name: make_subscription(
            version,
            status=status,
            customer_email=f"{name}@example.com",
            next_billing_at=datetime(2026, 12, 16, 9, tzinfo=UTC),
        )
        for name, status in people.items()
    }


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_owner_pauses_the_selected_subscriptions_and_sees_the_worker_s_progress_and_refusals(  # noqa: PLR0917
    browser: Browser, dashboard: dict[str, Any], broker: redis.Redis, tmp_path: Path, locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    subs = _seed(dashboard)

    def bulk_pause(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/subscriptions", theme=theme, locale=locale)
        frame = opened.frame
        expect(frame.locator("[data-subscriptions] tbody tr")).to_have_count(3)
        frame.get_by_role("checkbox", name=text["select_page"]).check()
        expect(frame.locator("[data-selected-count]")).to_have_text(text["selected"])
        with page.expect_download() as saved:
            frame.get_by_role("button", name=text["export"]).click()
        csv_text = Path(saved.value.path()).read_text(encoding="utf-8")
        frame.locator("[data-bulk=PAUSE]").click()
        dialog = frame.get_by_role("dialog")
        expect(dialog.locator("[data-confirm-text]")).to_have_text(text["confirm_text"])
        dialog.get_by_label(text["reason"]).fill("winter break")
        dialog.get_by_role("button", name=text["confirm"]).click()
        progress = frame.get_by_role("region", name=text["progress"])
        expect(progress.locator("[data-job-state]")).to_have_text(text["done"], timeout=JOB_SECONDS_MS)
        expect(progress.locator("[data-job-counts]")).to_have_text(text["counts"])
        expect(progress.locator(f"[data-failure='{subs['cas'].pk}']")).to_contain_text("NOT_ALLOWED_IN_STATE")
        expect(frame.locator("[data-subscription][data-status=PAUSED]")).to_have_count(3)
        _checked(page, f"subscriptions-bulk-{locale}-{theme}")
        page.wait_for_function(
            "window.dashboardActions.some(a => a.type === 'notification' && a.payload.status === 'success')"
        )
        return {"csv": csv_text}

    with celery_worker(tmp_path, REDIS_URL) as log:
        try:
            seen = browser.run(bulk_pause)
        except Exception:
            print(log.read_text()[-3000:])
            raise

    job = BackgroundJob.objects.get()
    assert (job.kind, job.status, job.total, job.done, job.failed) == ("pause", "done", 3, 3, 1)
    for name in ("anna", "bob"):
        assert Subscription.objects.get(pk=subs[name].pk).status == "paused"
        event = SubscriptionEvent.objects.get(subscription=subs[name])
        assert (event.kind, event.actor_type, event.reason) == ("pause", "staff", "winter break")
        assert event.actor_id == job.started_by != ""
    assert not SubscriptionEvent.objects.filter(subscription=subs["cas"]).exists()
    lines = seen["csv"].splitlines()
    assert lines[0].startswith("number,")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(str(s.pk) for s in subs.values())
