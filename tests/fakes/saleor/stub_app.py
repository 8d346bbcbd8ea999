"""A tiny Saleor App for tests of the fake itself (and any test that needs an app that only listens): serves a
manifest whose webhooks are documents of graphql/saleor/, records every request with its headers in arrival
order, and answers with the status each test sets."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from saleor_subscriptions.saleor.documents import document

DEFAULT_PERMISSIONS = (
    "MANAGE_PRODUCTS",
    "MANAGE_CHECKOUTS",
    "HANDLE_CHECKOUTS",
    "MANAGE_ORDERS",
    "MANAGE_ORDERS_IMPORT",
    "HANDLE_PAYMENTS",
    "MANAGE_USERS",
)


@dataclass(frozen=True)
class StubRequest:
    method: str
    path: str
    headers: list[tuple[str, str]]  # in arrival order, original case
    body: bytes

    def header(self, name: str) -> str | None:
        return next((v for k, v in self.headers if k.lower() == name.lower()), None)


class StubApp:
    """`StubApp(webhooks=["webhook_order_created"]).start()`; `manifest_url`; `requests`; set statuses."""

    def __init__(
        self,
        webhooks: Iterable[str] = (),
        permissions: Iterable[str] = DEFAULT_PERMISSIONS,
        identifier: str = "test.subscriptions",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.webhook_documents = list(webhooks)
        self.permissions = list(permissions)
        self.identifier = identifier
        self.extra = dict(extra or {})
        self.register_status = 200
        self.webhook_status = 200
        self.requests: list[StubRequest] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self) -> StubApp:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def manifest_url(self) -> str:
        return f"{self.base_url}/api/manifest"

    def manifest(self) -> dict[str, Any]:
        return {
            "id": self.identifier,
            "version": "1.0.0",
            "name": "Subscriptions (test)",
            "permissions": self.permissions,
            "appUrl": f"{self.base_url}/app",
            "tokenTargetUrl": f"{self.base_url}/api/register",
            "requiredSaleorVersion": ">=3.20",
            "webhooks": [
                {"name": name, "targetUrl": f"{self.base_url}/api/webhooks/{name}", "query": document(name)}
                for name in self.webhook_documents
            ],
            **self.extra,
        }

    def received(self, path_prefix: str) -> list[StubRequest]:
        return [r for r in self.requests if r.path.startswith(path_prefix)]


def _handler(app: StubApp) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def _answer(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self) -> None:
            app.requests.append(StubRequest("GET", self.path, list(self.headers.items()), b""))
            self._answer(200, app.manifest())

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            app.requests.append(StubRequest("POST", self.path, list(self.headers.items()), body))
            status = app.register_status if self.path == "/api/register" else app.webhook_status
            self._answer(status, {"success": 200 <= status < 300})

    return Handler
