"""The browser tests' set-up (README.md here): Debian's Chromium driven by Playwright, the app on
pytest-django's live server, the fake Stripe server, and a fake Stripe.js served in place of
https://js.stripe.com/v3/.

Playwright's sync API keeps an asyncio loop running in the thread that started it, and Django refuses ORM
calls from a thread with a running loop; so the browser lives in a thread of its own (`Browser.run` hands it
a function of a fresh page) and the test's thread keeps the database to itself.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import pytest

from saleor_subscriptions.paypage.views import STRIPE_JS
from tests.fakes.stripe import FakeStripe
from tests.payments.stripe_webhooks.stripe_shop import (
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.worker import tasks_inline

__all__ = ["app_url", "browser", "fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
FAKE_STRIPE_JS = Path(__file__).with_name("fake_stripe_v3.js")
TIMEOUT_MS = 10_000
T = TypeVar("T")

# Anything but the app, the fake Stripe (both on this machine) and Stripe.js (served here) is refused: the
# tests never reach the internet.
LOCAL = re.compile(r"^https?://(127\.0\.0\.1|localhost)[:/]")


class Browser:
    """One Chromium for the session, in its own thread. `run(fn)` calls `fn(page)` there on a fresh page (a
    new browser context: no cookies or storage from another test) whose https://js.stripe.com/v3/ is the fake
    Stripe.js aimed at `stripe_api`; it fails when the page raised a JavaScript error or tried to reach
    anything but this machine."""

    def __init__(self) -> None:
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix="playwright")
        self._playwright: Any = None
        self._chromium: Any = None
        self.stripe_api = ""
        self.run_in_thread(self._launch)

    def run_in_thread(self, fn: Callable[..., T], *args: Any) -> T:
        return self._thread.submit(fn, *args).result(timeout=120)

    def _launch(self) -> None:
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._chromium = self._playwright.chromium.launch(executable_path=CHROMIUM)
        except Exception:
            self._playwright.stop()
            raise

    def close(self) -> None:
        def stop() -> None:
            self._chromium.close()
            self._playwright.stop()

        try:
            self.run_in_thread(stop)
        finally:
            self._thread.shutdown()

    def run(self, fn: Callable[[Any], T]) -> T:
        return self.run_in_thread(self._on_a_fresh_page, fn)

    def _on_a_fresh_page(self, fn: Callable[[Any], T]) -> T:
        script = FAKE_STRIPE_JS.read_text().replace("__FAKE_STRIPE_API__", self.stripe_api)
        errors: list[str] = []
        outside: list[str] = []
        context = self._chromium.new_context(locale="en-GB")
        try:
            page = context.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.on("pageerror", lambda error: errors.append(f"{page.url}: {error}"))

            def serve(route: Any) -> None:
                request_url = route.request.url
                if request_url == STRIPE_JS:
                    route.fulfill(status=200, content_type="application/javascript", body=script)
                elif LOCAL.match(request_url):
                    route.fallback()
                else:
                    outside.append(request_url)
                    route.abort()

            page.route("**/*", serve)
            try:
                result = fn(page)
            except Exception as failed:
                if errors:  # most likely the cause: say so first
                    raise AssertionError(f"JavaScript errors on the page: {errors}") from failed
                raise
        finally:
            context.close()
        assert not errors, f"JavaScript errors on the page: {errors}"
        assert not outside, f"the page tried to reach beyond this machine: {outside}"
        return result


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, once per session. Missing Chromium fails (never skips) the tests that need it."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            f"the browser tests need Chromium at {CHROMIUM}: install Debian's chromium package "
            "(`apt-get install chromium`; .ci/run does it) or point CHROMIUM at a Chromium binary",
            pytrace=False,
        )
    started = Browser()
    yield started
    started.close()


@pytest.fixture
def app_url(live_server: Any, settings: Any, browser: Browser, stripe_settings: FakeStripe) -> Iterator[str]:
    """The app over HTTP (pytest-django's live server, committed data), Celery tasks run in the request's
    process, the browser's Stripe.js aimed at the fake Stripe."""
    browser.stripe_api = stripe_settings.url
    with tasks_inline():
        yield str(live_server.url)
