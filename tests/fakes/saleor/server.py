"""The fake Saleor's HTTP server: `POST /graphql/`, `GET /.well-known/jwks.json`, and faults for crash tests.

A fault is armed per GraphQL operation name (`fail_next("DraftOrderComplete", …)`):
- `mode="status"` (default): answer `status` (500) without acting;
- `mode="drop_before"`: close the connection without acting or answering;
- `mode="drop_after"`: act, then close the connection without answering (the caller cannot know it worked);
- `mode="timeout"`: act, then answer only after `seconds` (the caller times out first).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any

from .engine import Outcome, operation_name_of

if TYPE_CHECKING:
    from .fake import FakeSaleor

FAULT_MODES = ("status", "drop_before", "drop_after", "timeout")


@dataclass
class Fault:
    operation: str
    mode: str = "status"
    status: int = 500
    seconds: float = 5.0
    times: int = 1


@dataclass
class RecordedRequest:
    """One GraphQL request the fake received (`status` None: the connection was dropped)."""

    operation_name: str | None
    query: str
    variables: dict[str, Any]
    token: str | None
    app_id: str | None
    status: int | None = None
    response: dict[str, Any] = field(default_factory=dict)
    fault: str | None = None


class Faults:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._armed: list[Fault] = []
        self.released = threading.Event()  # set on stop, so sleeping "timeout" faults end

    def arm(self, fault: Fault) -> None:
        if fault.mode not in FAULT_MODES:
            raise ValueError(f"mode must be one of {FAULT_MODES}")
        with self._lock:
            self._armed.append(fault)

    def take(self, operation: str | None) -> Fault | None:
        with self._lock:
            for fault in self._armed:
                if fault.operation in (operation, "*"):
                    fault.times -= 1
                    if fault.times <= 0:
                        self._armed.remove(fault)
                    return fault
        return None

    def clear(self) -> None:
        with self._lock:
            self._armed.clear()


class Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], fake: FakeSaleor) -> None:
        self.fake = fake
        super().__init__(address, Handler)


class Handler(BaseHTTPRequestHandler):
    server: Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # quiet: the fake records requests itself

    def _send_json(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(data)
        self.wfile.flush()

    def _drop(self) -> None:
        self.close_connection = True
        with contextlib.suppress(OSError):
            self.connection.shutdown(socket.SHUT_RDWR)

    def do_OPTIONS(self) -> None:
        """A CORS preflight, answered as Saleor answers it: any origin (the dashboard pages call it)."""
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "POST, GET, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Authorization, Content-Type")
        self.send_header("Access-Control-Max-Age", "600")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self) -> None:
        if self.path.split("?")[0] == "/.well-known/jwks.json":
            self.server.fake.jwks_fetches += 1
            self._send_json(200, self.server.fake.jwks())
            return
        page = self.server.fake.pages.get(self.path.split("?")[0])
        if page is not None:
            data = page.encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if self.path.split("?")[0] == "/graphql/":
            self._send_json(405, {"errors": [{"message": "Use POST."}]})
            return
        self._send_json(404, {"errors": [{"message": "Not found."}]})

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length)
        if self.path.split("?")[0] != "/graphql/":
            self._send_json(404, {"errors": [{"message": "Not found."}]})
            return
        try:
            payload = json.loads(raw)
        except ValueError:
            payload = None
        authorization = self.headers.get("Authorization") or ""
        token = authorization[7:].strip() if authorization.lower().startswith("bearer ") else None
        fake = self.server.fake
        query = payload.get("query") if isinstance(payload, dict) else None
        name = operation_name_of(query, payload.get("operationName")) if isinstance(query, str) else None
        record = RecordedRequest(
            operation_name=name,
            query=query if isinstance(query, str) else "",
            variables=dict(payload.get("variables") or {}) if isinstance(payload, dict) else {},
            token=token,
            app_id=fake.app_id_for_token(token),
        )
        fake.requests.append(record)
        fault = fake.faults.take(name)
        if fault is not None:
            record.fault = fault.mode
        if fault is not None and fault.mode == "status":
            record.status = fault.status
            self._send_json(fault.status, {"errors": [{"message": "Internal Server Error"}]})
            return
        if fault is not None and fault.mode == "drop_before":
            self._drop()
            return
        outcome: Outcome = fake.handle_graphql(payload, token)
        record.response = outcome.body
        if fault is not None and fault.mode == "drop_after":
            self._drop()
            fake.dispatch_after_response(outcome)
            return
        if fault is not None and fault.mode == "timeout":
            fake.faults.released.wait(fault.seconds)
        record.status = outcome.status
        try:
            self._send_json(outcome.status, outcome.body)
        except OSError:
            record.status = None  # the caller gave up waiting
        fake.dispatch_after_response(outcome)
