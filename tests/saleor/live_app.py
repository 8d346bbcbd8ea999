"""The app serving over HTTP for tests that drive it from the fake Saleor (and the fake Stripe).

Fixtures (import them into a test module and list them in `__all__`): `jwks_clock`, the process's JWKS cache
fetching from the real Saleor URL with a clock the test moves; `app_server`, the app on pytest-django's live
server at APP_URL, with Celery running tasks in the request's process."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.signatures import JwksCache
from tests.worker import tasks_inline


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def jwks_clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    clock = Clock()
    cache = JwksCache(saleor_jwks.fetch_jwks, clock=clock)
    monkeypatch.setattr(saleor_jwks, "jwks_cache", lambda: cache)
    return clock


@pytest.fixture
def app_server(live_server: Any, settings: Any, jwks_clock: Clock) -> Iterator[str]:
    settings.APP_URL = live_server.url
    with tasks_inline():
        yield str(live_server.url)
