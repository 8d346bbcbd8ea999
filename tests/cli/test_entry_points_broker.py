"""Every process sends its tasks to the configured broker: a real `serve` process and the `clock` command
queue tasks that a worker on the same broker runs, promptly, not minutes later by a sweeper. The broker is
what `make run` uses, the settings' file-system default under VAR_DIR: no CELERY_BROKER_URL in the
environment, which Celery's fallback app would read by itself."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from django.conf import settings

from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from tests.payments.stripe_webhooks.stripe_shop import (
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.renewals.support import at, plan, sandbox, signed_up
from tests.worker import app_worker, database_url, wait_for

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

JOURNAL = "saleor_subscriptions.renewals.wiring:journal_ports"


ADVANCE = [sys.executable, "-m", "saleor_subscriptions", "clock", "advance"]
UNSET = ("CELERY_BROKER_URL", "CELERY_TASK_ALWAYS_EAGER")


def _app_environ(var_dir: Path, **variables: str) -> dict[str, str]:
    """A process of the app on the test database and the file-system broker under `var_dir`."""
    return {
        **{key: value for key, value in os.environ.items() if key not in UNSET},
        "DATABASE_URL": database_url(),
        "VAR_DIR": str(var_dir),
        "SECRET_KEY": settings.SECRET_KEY,  # the Stripe keys are encrypted with a key derived from it
        "EMAIL_URL": "console://",
        **variables,
    }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def _serve(var_dir: Path, log: Path, **variables: str) -> Iterator[str]:
    port = _free_port()
    with log.open("w") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "saleor_subscriptions", "serve", "--port", str(port), "--workers", "1"],
            env=_app_environ(var_dir, **variables),
            cwd=var_dir,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            up = wait_for(lambda: True if _accepts(port) else None, seconds=60)
            assert up, log.read_text()[-3000:]
            yield f"http://127.0.0.1:{port}"
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=60)


def _accepts(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_a_task_queued_by_the_web_server_reaches_the_worker(tmp_path: Path, stripe_shop):
    shop = stripe_shop
    invoice = shop.renew(shop.subscriber(sepa=True))
    shop.fake.settle_processing()
    app = {"SECRET_KEY": settings.SECRET_KEY, "STRIPE_API_BASE": shop.fake.url, "STRIPE_NETWORK_RETRIES": "0"}
    with (
        app_worker(tmp_path, "", app, without=UNSET) as worker_log,
        _serve(tmp_path, tmp_path / "serve.log", **app) as base_url,
    ):
        request = shop.fake.webhook(shop.fake.events("payment_intent.succeeded")[-1])
        response = httpx.post(
            f"{base_url}/webhooks/stripe/{shop.installation.pk}/",
            content=request.payload,
            headers={"Content-Type": "application/json", "Stripe-Signature": request.signature},
        )
        assert response.json()["status"] == "accepted", response.text
        event_pk = response.json()["event"]
        applied = wait_for(lambda: StripeEvent.objects.exclude(status="received").filter(pk=event_pk).first())
        assert applied is not None, worker_log.read_text()[-3000:]
    assert applied.status == "processed", applied.outcome
    assert invoice.pk is not None
    assert "stripe_webhooks.process_event" in worker_log.read_text()


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_an_email_queued_by_the_clock_command_reaches_the_worker(tmp_path: Path):
    shop = sandbox(at(2026, 11, 16))
    signed_up(plan(shop, "30.00"))
    already = set(OutgoingEmail.objects.values_list("pk", flat=True))
    with app_worker(tmp_path, "", {}, without=UNSET) as worker_log:
        clock = subprocess.run(
            [*ADVANCE, "--installation", str(shop.pk), "--to", "2026-12-17T00:00:00"],
            env=_app_environ(tmp_path, RENEWAL_PORTS=JOURNAL),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert clock.returncode == 0, clock.stderr
        queued = list(OutgoingEmail.objects.filter(installation=shop).exclude(pk__in=already))
        assert queued, clock.stdout
        unsent = OutgoingEmail.objects.filter(pk__in=[e.pk for e in queued]).exclude(status="sent")
        sent = wait_for(lambda: None if unsent.exists() else True, seconds=60)
        assert sent, worker_log.read_text()[-3000:]
    assert "notifications.send_email" in worker_log.read_text()
