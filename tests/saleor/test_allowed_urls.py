"""Issue 13, item 2: which Saleor the app may install from and fetch from. The allow-list matches scheme,
host (`*.` as whole leftmost labels), port and path; URLs with user-info or that cannot be read are refused
with 400; without an allow-list private, loopback and link-local Saleors are refused (unless allowed); nothing
is fetched from a Saleor that is not allowed, redirects are not followed, and refusals carry no network
details."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.test import Client

from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.allowed_urls import UrlRefused, check_api_url
from saleor_subscriptions.tenants.models import Installation


class Recorder:
    """A local HTTP server that records every path asked and answers `status` (with `location`, if set)."""

    def __init__(self, status: int = 404, location: str = "") -> None:
        self.paths: list[str] = []
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                recorder.paths.append(self.path)
                body = json.dumps({"keys": [{"kty": "RSA", "kid": "k"}]}).encode()
                self.send_response(status)
                if location:
                    self.send_header("Location", location)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder()
    yield server
    server.stop()


def register(client: Client, api_url: str, token: str = "t0k3n") -> Any:
    return client.post(
        "/api/register",
        {"auth_token": token},
        content_type="application/json",
        headers={"Saleor-Api-Url": api_url},
    )


def refusal(response: Any) -> tuple[int, str, str]:
    error = response.json()["error"]
    return response.status_code, error["code"], error["message"]


# --- the allow-list -----------------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_star_in_the_allow_list_does_not_cross_a_slash_and_nothing_is_fetched(client, settings, recorder):
    settings.SALEOR_ALLOWED_API_URLS = ["http://*.saleor.test/graphql/"]

    response = register(client, f"{recorder.origin}/.saleor.test/graphql/")

    assert refusal(response)[:2] == (403, "not_allowed")
    assert recorder.paths == []
    assert not Installation.objects.exists()


PATTERN = "https://*.saleor.cloud/graphql/"


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.saleor.cloud/graphql/",
        "https://shop.eu.saleor.cloud/graphql/",
        "https://SHOP.Saleor.Cloud/graphql/",
        "https://shop.saleor.cloud:443/graphql/",
    ],
)
def test_the_wildcard_stands_for_whole_leftmost_labels(url):
    assert check_api_url(url, [PATTERN]) == url


@pytest.mark.parametrize(
    "url",
    [
        "https://saleor.cloud/graphql/",
        "https://evilsaleor.cloud/graphql/",
        "https://shop.saleor.cloud.evil.com/graphql/",
        "http://shop.saleor.cloud/graphql/",
        "https://shop.saleor.cloud:8443/graphql/",
        "https://shop.saleor.cloud/x/graphql/",
        "https://shop.saleor.cloud/graphql",
    ],
)
def test_another_host_scheme_port_or_path_is_not_allowed(url):
    with pytest.raises(UrlRefused) as refused:
        check_api_url(url, [PATTERN])
    assert (refused.value.status, refused.value.code) == (403, "not_allowed")


@pytest.mark.parametrize("pattern", ["https://shop*.saleor.cloud/graphql/", "https://*/graphql/", "nonsense"])
def test_a_pattern_with_a_star_elsewhere_or_that_is_no_url_matches_nothing(pattern):
    with pytest.raises(UrlRefused):
        check_api_url("https://shop.saleor.cloud/graphql/", [pattern])


# --- URLs that are not Saleor API URLs ----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "http://[::1/graphql/",
        "http://127.0.0.1:abc/graphql/",
        "https://user:secret@shop.saleor.cloud/graphql/",
        "https://shop.saleor.cloud@127.0.0.1/graphql/",
        "https://shop.saleor.cloud/graph ql/graphql/",
    ],
)
def test_malformed_urls_and_user_info_are_refused_with_400(client, url):
    assert refusal(register(client, url))[:2] == (400, "invalid")


# --- private networks ---------------------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",
        "10.1.2.3",
        "192.168.0.10",
        "169.254.169.254",
        "[::1]",
        "[fe80::1]",
        "[::ffff:127.0.0.1]",
        "100.64.0.1",
        "0.0.0.0",
    ],
)
def test_without_an_allow_list_private_loopback_and_link_local_saleors_are_refused(
    client, settings, recorder, host
):
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    port = recorder.origin.rsplit(":", 1)[1]

    response = register(client, f"http://{host}:{port}/graphql/")

    assert refusal(response)[:2] == (403, "not_allowed")
    assert recorder.paths == []


def test_a_public_address_is_allowed_without_an_allow_list(settings):
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False

    assert check_api_url("https://93.184.216.34/graphql/", []) == "https://93.184.216.34/graphql/"


def test_every_address_a_name_resolves_to_is_checked(settings, monkeypatch):
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    answers = [
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.216.34", 443)),
        (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("10.0.0.7", 443)),
    ]
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers)

    with pytest.raises(UrlRefused):
        check_api_url("https://shop.example.com/graphql/", [])
    monkeypatch.setattr(socket, "getaddrinfo", lambda *args, **kwargs: answers[:1])
    assert check_api_url("https://shop.example.com/graphql/", [])


# --- fetching -----------------------------------------------------------------------------------------------


def test_no_jwks_is_fetched_from_a_saleor_off_the_allow_list(settings, recorder):
    settings.SALEOR_ALLOWED_API_URLS = ["https://*.saleor.cloud/graphql/"]

    with pytest.raises(saleor_jwks.JwksUnavailable):
        saleor_jwks.fetch_jwks(f"{recorder.origin}/graphql/")

    assert recorder.paths == []


def test_no_jwks_is_fetched_from_a_private_saleor_when_private_networks_are_off(settings, recorder):
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False

    with pytest.raises(saleor_jwks.JwksUnavailable):
        saleor_jwks.fetch_jwks(f"{recorder.origin}/graphql/")

    assert recorder.paths == []


def test_a_redirect_from_saleor_is_not_followed():
    target = Recorder(status=200)
    redirecting = Recorder(status=302, location=f"{target.origin}/.well-known/jwks.json")
    try:
        with pytest.raises(saleor_jwks.JwksUnavailable):
            saleor_jwks.fetch_jwks(f"{redirecting.origin}/graphql/")
        assert redirecting.paths == ["/.well-known/jwks.json"]
        assert target.paths == []
    finally:
        target.stop()
        redirecting.stop()


@pytest.mark.django_db
def test_a_closed_port_and_an_open_one_get_the_same_answer(client, recorder):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed = f"http://127.0.0.1:{probe.getsockname()[1]}/graphql/"

    answers = {refusal(register(client, url)) for url in (closed, f"{recorder.origin}/graphql/")}

    assert len(answers) == 1
    ((status, code, message),) = answers
    assert (status, code) == (400, "jwks_unavailable")
    assert "127.0.0.1" not in message and "404" not in message and "refused" not in message.lower()
