"""Old portal rows are deleted by the periodic task `portal.purge_old_rows` (beat, hourly): one-time links a
day after they expired, sessions a day after they ended (signed out, or their absolute end), guests' sign-in
requests after 7 days; anything younger stays, and a live session still opens pages after a purge."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from saleor_subscriptions.conf.celery import app
from saleor_subscriptions.portal import purge
from saleor_subscriptions.portal.models import GuestLinkRequest, PortalLink, PortalSession
from saleor_subscriptions.portal.tasks import purge_old_portal_rows
from saleor_subscriptions.tenants.models import Installation
from tests.portal.support import shop, signed_in
from tests.worker import tasks_inline

pytestmark = pytest.mark.django_db


def _link(installation: Installation, name: str, expires_at: datetime) -> PortalLink:
    return PortalLink.objects.create(
        installation=installation,
        customer_user_id="VXNlcjox",
        customer_email="anna@example.com",
        nonce_digest=name.ljust(64, "0"),
        return_url="https://shop.example.com/",
        created_at=expires_at - timedelta(minutes=5),
        expires_at=expires_at,
    )


def _session(
    installation: Installation, name: str, expires_at: datetime, ended_at: datetime | None = None
) -> PortalSession:
    return PortalSession.objects.create(
        installation=installation,
        customer_user_id="VXNlcjox",
        customer_email="anna@example.com",
        key_digest=name.ljust(64, "0"),
        return_url="https://shop.example.com/",
        created_at=expires_at - timedelta(hours=12),
        last_seen_at=expires_at - timedelta(hours=12),
        expires_at=expires_at,
        ended_at=ended_at,
    )


def _request(installation: Installation, created_at: datetime) -> GuestLinkRequest:
    return GuestLinkRequest.objects.create(
        installation=installation, email_digest="a" * 64, ip="203.0.113.7", created_at=created_at
    )


def test_rows_past_their_life_are_deleted_and_younger_ones_stay():
    installation = shop()
    now = timezone.now()
    day = timedelta(days=1)
    minute = timedelta(minutes=1)
    old_link = _link(installation, "old", now - day - minute)
    young_link = _link(installation, "young", now - day + minute)
    old_session = _session(installation, "old", now - day - minute)
    signed_out = _session(installation, "out", now + timedelta(hours=6), ended_at=now - day - minute)
    recently_out = _session(installation, "recent", now + timedelta(hours=6), ended_at=now - minute)
    live = _session(installation, "live", now + timedelta(hours=6))
    old_request = _request(installation, now - timedelta(days=7) - minute)
    young_request = _request(installation, now - timedelta(days=7) + minute)

    with tasks_inline():
        counted = purge_old_portal_rows.delay().get()

    assert counted == {"links": 1, "sessions": 2, "guest_requests": 1}
    assert set(PortalLink.objects.values_list("pk", flat=True)) == {young_link.pk}
    assert set(PortalSession.objects.values_list("pk", flat=True)) == {recently_out.pk, live.pk}
    assert set(GuestLinkRequest.objects.values_list("pk", flat=True)) == {young_request.pk}
    for gone in (old_link, old_session, signed_out, old_request):
        assert not type(gone).objects.filter(pk=gone.pk).exists()


def test_a_large_backlog_goes_in_batches(monkeypatch):
    installation = shop()
    monkeypatch.setattr(purge, "PURGE_BATCH", 3)
    long_ago = timezone.now() - timedelta(days=30)
    for n in range(7):
        _request(installation, long_ago + timedelta(seconds=n))
    assert purge.purge_old_rows().guest_requests == 7
    assert not GuestLinkRequest.objects.exists()


def test_a_live_session_still_works_after_a_purge():
    installation = shop()
    client = signed_in(installation, "VXNlcjox")
    purge.purge_old_rows(timezone.now() + timedelta(hours=1))
    assert client.get("/portal/").status_code == 200


def test_beat_runs_the_purge_hourly():
    [entry] = [e for e in app.conf.beat_schedule.values() if e["task"] == "portal.purge_old_rows"]
    assert entry["schedule"] == 3600.0
    assert "portal.purge_old_rows" in app.tasks
