"""The guests' rate limits hold under concurrency, on PostgreSQL: requests arriving at the same instant
(threads released together, each on its own connection) are counted one after the other, so no more than
the limit pass, per email and per IP address. The count is slowed between reading and writing (`_limited`
then a pause), the window in which two unserialized requests would both pass."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test import Client

from saleor_subscriptions.portal.models import GuestLinkRequest
from saleor_subscriptions.portal.views import guests
from tests.portal.support import shop

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture
def slow_count(monkeypatch: pytest.MonkeyPatch) -> None:
    counted = guests._limited

    def slowly(*args: Any) -> bool:
        answer = counted(*args)
        time.sleep(0.3)  # the moment a concurrent request would count the same rows
        return answer

    monkeypatch.setattr(guests, "_limited", slowly)


def _at_once(ask: Callable[[int], int]) -> list[int]:
    start = threading.Barrier(THREADS)
    statuses: list[int] = []

    def run(n: int) -> None:
        try:
            start.wait()
            statuses.append(ask(n))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return sorted(statuses)


def test_requests_for_one_email_at_the_same_instant_pass_only_up_to_the_limit(slow_count):
    assert connection.vendor == "postgresql"
    installation = shop()

    def ask(n: int) -> int:
        response = Client().post(
            f"/portal/guest/{installation.pk}/", {"email": "guest@example.com"}, REMOTE_ADDR=f"198.51.100.{n}"
        )
        return response.status_code

    statuses = _at_once(ask)
    assert statuses == [200] * guests.PER_EMAIL + [429] * (THREADS - guests.PER_EMAIL)
    assert GuestLinkRequest.objects.count() == guests.PER_EMAIL


def test_requests_from_one_ip_address_at_the_same_instant_pass_only_up_to_the_limit(slow_count, monkeypatch):
    monkeypatch.setattr(guests, "PER_IP", 2)
    installation = shop()

    def ask(n: int) -> int:
        response = Client().post(
            f"/portal/guest/{installation.pk}/", {"email": f"guest{n}@example.com"}, REMOTE_ADDR="203.0.113.9"
        )
        return response.status_code

    statuses = _at_once(ask)
    assert statuses == [200] * 2 + [429] * (THREADS - 2)
    assert GuestLinkRequest.objects.filter(ip="203.0.113.9").count() == 2
