"""Issue 13, item 2: over https, a request pinned to a checked address still presents the URL's host (SNI)
and verifies that the certificate is the host's, against a real TLS server."""

from __future__ import annotations

import datetime
import ssl
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from saleor_subscriptions.saleor import allowed_urls
from saleor_subscriptions.saleor.outbound import saleor_http_client
from tests.saleor.test_outbound import HOST, Resolver, rebinding


def _name(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])


def _certificate(
    subject: str, issuer: str, key: Any, signer: Any, *, ca: bool, dns: str | None = None
) -> x509.Certificate:
    now = datetime.datetime.now(datetime.UTC)
    builder = (
        x509.CertificateBuilder()
        .subject_name(_name(subject))
        .issuer_name(_name(issuer))
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(hours=1))
        .not_valid_after(now + datetime.timedelta(hours=1))
        .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
    )
    if dns:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.DNSName(dns)]), critical=False)
    return builder.sign(signer, hashes.SHA256())


class TlsServer:
    """An https server on 127.0.0.1 whose certificate (signed by a test CA) names `dns` only."""

    def __init__(self, tmp_path: Path, dns: str) -> None:
        ca_key = ec.generate_private_key(ec.SECP256R1())
        ca = _certificate("test CA", "test CA", ca_key, ca_key, ca=True)
        key = ec.generate_private_key(ec.SECP256R1())
        leaf = _certificate(dns, "test CA", key, ca_key, ca=False, dns=dns)
        (tmp_path / "ca.pem").write_bytes(ca.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "leaf.pem").write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "leaf.key").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        self.ca_file = str(tmp_path / "ca.pem")
        self.server_names: list[str | None] = []
        self.hosts: list[str | None] = []
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "leaf.pem", tmp_path / "leaf.key")
        context.sni_callback = lambda _sock, name, _ctx: self.server_names.append(name)
        hosts = self.hosts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                hosts.append(self.headers["Host"])
                self.send_response(200)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def as_public(settings: Any, monkeypatch: pytest.MonkeyPatch) -> Resolver:
    """Addresses are checked, HOST resolves to 127.0.0.1, and 127.0.0.1 stands in for a public address (the
    TLS server of the test runs there)."""
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    resolver = rebinding(monkeypatch, public_answers=0)
    is_public = allowed_urls.is_public_address
    monkeypatch.setattr(allowed_urls, "is_public_address", lambda a: a == "127.0.0.1" or is_public(a))
    return resolver


@pytest.fixture
def tls_server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[TlsServer]:
    server = TlsServer(tmp_path, request.param)
    yield server
    server.stop()


@pytest.mark.parametrize("tls_server", [HOST], indirect=True)
def test_https_to_a_checked_address_sends_the_host_as_sni_and_accepts_its_certificate(
    as_public: Resolver, tls_server: TlsServer
) -> None:
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=tls_server.ca_file))

    with saleor_http_client(transport) as http:
        response = http.post(f"https://{HOST}:{tls_server.port}/graphql/", json={})

    assert response.status_code == 200
    assert as_public.calls == 1  # resolved once, by the transport; the connection went to the checked address
    assert tls_server.server_names == [HOST]
    assert tls_server.hosts == [f"{HOST}:{tls_server.port}"]


@pytest.mark.parametrize("tls_server", ["other.example"], indirect=True)
def test_https_to_a_checked_address_refuses_a_certificate_for_another_name(
    as_public: Resolver, tls_server: TlsServer
) -> None:
    transport = httpx.HTTPTransport(verify=ssl.create_default_context(cafile=tls_server.ca_file))

    with saleor_http_client(transport) as http, pytest.raises(httpx.ConnectError) as refused:
        http.post(f"https://{HOST}:{tls_server.port}/graphql/", json={})

    assert "certificate verify failed" in str(refused.value)
    assert tls_server.hosts == []
