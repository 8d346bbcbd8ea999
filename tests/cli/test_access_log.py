"""Issue 13, item 7: pay and payment-method links are bearer links, so the server's logs keep them without
their token: gunicorn's access log as `serve` runs it, and Django's request logging through the configured
console handler. Also the intent client secrets Stripe appends to the return URL."""

from __future__ import annotations

import io
import logging
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from saleor_subscriptions.paypage.log_redaction import RedactLinkTokens, redact_links
from tests.cli.test_commands import _embedded_env, _free_port

TOKEN = "eyJpbnZvaWNlIjo0Mn0:1tBearer:SecretPartOfTheLink"
CLIENT_SECRET = "pi_3Abc_secret_TopSecret"
PATHS = [
    f"/pay/{TOKEN}/",
    f"/pay/method/{TOKEN}/complete/?setup_intent=seti_1&setup_intent_client_secret={CLIENT_SECRET}",
]


def test_links_keep_their_shape_without_the_token():
    assert redact_links(f"GET {PATHS[0]} HTTP/1.1") == "GET /pay/[redacted]/ HTTP/1.1"
    assert redact_links(PATHS[1]) == (
        "/pay/method/[redacted]/complete/?setup_intent=seti_1&setup_intent_client_secret=[redacted]"
    )
    assert redact_links("/api/register") == "/api/register"


@pytest.mark.django_db
def test_djangos_request_log_line_of_a_pay_link_has_no_token(client):
    (handler,) = [
        h for h in logging.getLogger().handlers if any(isinstance(f, RedactLinkTokens) for f in h.filters)
    ]
    stream = io.StringIO()
    # A handler like the configured one (its filters, its format) that writes where the test reads.
    copy = logging.StreamHandler(stream)
    copy.setFormatter(handler.formatter)
    for log_filter in handler.filters:
        copy.addFilter(log_filter)
    root = logging.getLogger()
    root.addHandler(copy)
    try:
        for path in PATHS:
            assert client.get(path).status_code >= 400
    finally:
        root.removeHandler(copy)

    logged = stream.getvalue()
    assert "/pay/[redacted]/" in logged and "/pay/method/[redacted]/" in logged
    assert TOKEN not in logged and "SecretPartOfTheLink" not in logged and CLIENT_SECRET not in logged


@pytest.mark.slow
def test_gunicorns_access_log_of_serve_has_no_pay_link_token(tmp_path: Path):
    port = _free_port()
    log_path = tmp_path / "serve.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "saleor_subscriptions", "serve", "--port", str(port), "--workers", "1"],
            env=_embedded_env(tmp_path),
            cwd=tmp_path,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        try:
            deadline = time.monotonic() + 120
            answered = 0
            while time.monotonic() < deadline and answered < len(PATHS):
                try:
                    urllib.request.urlopen(f"http://127.0.0.1:{port}{PATHS[answered]}", timeout=5)
                    answered += 1
                except urllib.error.HTTPError:
                    answered += 1
                except OSError:
                    time.sleep(0.3)
            while time.monotonic() < deadline and log_path.read_text().count('"GET /pay/') < len(PATHS):
                time.sleep(0.2)
        finally:
            server.send_signal(15)
            try:
                server.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, 9)
                server.wait()

    logged = log_path.read_text()
    assert answered == len(PATHS), logged[-3000:]
    assert '"GET /pay/[redacted]/ HTTP/1.1"' in logged, logged[-3000:]
    assert (
        "/pay/method/[redacted]/complete/?setup_intent=seti_1&setup_intent_client_secret=[redacted]" in logged
    )
    assert TOKEN not in logged and "SecretPartOfTheLink" not in logged and CLIENT_SECRET not in logged
