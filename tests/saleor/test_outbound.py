"""Issue 13, item 2: every request to a Saleor connects to an address that was checked. The JWKS fetch, the
GraphQL client and the token check of `/api/register` resolve the host once at connect time, check every
address with the allow-list's rule, and connect to a checked address, keeping the host for TLS and `Host`:
a DNS answer that changes between the check and the connection (DNS rebinding) reaches no private address."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from django.test import Client

from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.client import SaleorClient, SaleorUnavailable
from saleor_subscriptions.saleor.outbound import AddressRefused, saleor_http_client
from saleor_subscriptions.tenants.models import Installation
from tests.saleor.test_allowed_urls import Recorder, refusal, register

PUBLIC = "93.184.216.34"
HOST = "rebind.example"


class Resolver:
    """`socket.getaddrinfo` for HOST: the first `public_answers` calls answer PUBLIC, later ones 127.0.0.1.
    Other names go to the real resolver."""

    def __init__(self, real: Callable[..., Any], public_answers: int) -> None:
        self.real = real
        self.public_answers = public_answers
        self.calls = 0

    def __call__(self, host: Any, port: Any, *args: Any, **kwargs: Any) -> Any:
        if host != HOST:
            return self.real(host, port, *args, **kwargs)
        self.calls += 1
        address = PUBLIC if self.calls <= self.public_answers else "127.0.0.1"
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (address, int(port or 80)))]


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder(status=200)
    yield server
    server.stop()


def rebinding(monkeypatch: pytest.MonkeyPatch, public_answers: int = 1) -> Resolver:
    resolver = Resolver(socket.getaddrinfo, public_answers)
    monkeypatch.setattr(socket, "getaddrinfo", resolver)
    return resolver


@pytest.mark.django_db
def test_a_dns_answer_that_changes_after_the_check_does_not_reach_a_local_server(
    client: Client, settings: Any, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    port = recorder.origin.rsplit(":", 1)[1]
    resolver = rebinding(monkeypatch, public_answers=2)  # the checks of /api/register and of the JWKS fetch

    response = register(client, f"http://{HOST}:{port}/graphql/")

    assert resolver.calls == 3
    assert recorder.paths == []
    assert refusal(response) == (400, "jwks_unavailable", saleor_jwks.UNAVAILABLE)
    assert not Installation.objects.exists()


def test_the_jwks_fetch_connects_only_to_a_checked_address(
    settings: Any, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    port = recorder.origin.rsplit(":", 1)[1]
    resolver = rebinding(monkeypatch, public_answers=1)

    with pytest.raises(saleor_jwks.JwksUnavailable) as refused:
        saleor_jwks.fetch_jwks(f"http://{HOST}:{port}/graphql/")

    assert resolver.calls == 2

    assert str(refused.value) == saleor_jwks.UNAVAILABLE
    assert recorder.paths == []


def test_the_graphql_client_connects_only_to_a_checked_address(
    settings: Any, monkeypatch: pytest.MonkeyPatch, recorder: Recorder
) -> None:
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    port = recorder.origin.rsplit(":", 1)[1]
    rebinding(monkeypatch, public_answers=0)

    saleor = SaleorClient(f"http://{HOST}:{port}/graphql/", "t0k3n", retries=0)
    with saleor, pytest.raises(SaleorUnavailable) as unavailable:
        saleor.execute("app")

    assert isinstance(unavailable.value.__cause__, AddressRefused)
    assert "127.0.0.1" not in str(unavailable.value)
    assert recorder.paths == []


class Recording(httpx.BaseTransport):
    """Answers 200 to every request and keeps what it was asked."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str, int | None, str, dict[str, Any]]] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        url, host_header = request.url, request.headers["Host"]
        self.requests.append((url.scheme, url.host, url.port, host_header, dict(request.extensions)))
        return httpx.Response(200, json={})


def test_https_connects_to_the_checked_address_and_verifies_the_certificate_for_the_host(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    resolver = rebinding(monkeypatch, public_answers=1)
    inner = Recording()

    with saleor_http_client(inner) as http:
        response = http.post(f"https://{HOST}/graphql/", json={})

    assert resolver.calls == 1
    ((scheme, host, port, host_header, extensions),) = inner.requests
    assert (scheme, host, port, host_header) == ("https", PUBLIC, None, HOST)
    assert extensions["sni_hostname"] == HOST
    assert response.request.url == f"https://{HOST}/graphql/"


def test_with_private_networks_allowed_the_request_passes_unchanged(
    settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = True
    resolver = rebinding(monkeypatch)
    inner = Recording()

    with saleor_http_client(inner) as http:
        http.get(f"https://{HOST}:8443/.well-known/jwks.json")

    assert resolver.calls == 0
    ((scheme, host, port, host_header, extensions),) = inner.requests
    assert (scheme, host, port, host_header) == ("https", HOST, 8443, f"{HOST}:8443")
    assert "sni_hostname" not in extensions
