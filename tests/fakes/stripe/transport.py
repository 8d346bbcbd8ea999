"""The HTTP side: a threaded stdlib server on 127.0.0.1, API-key authentication (secret keys, and the
publishable key for what Stripe.js does: `publishable.py`), the request log, injected failures, and
idempotency keys (replay of the first response, 400 `idempotency_error` on other parameters)."""

from __future__ import annotations

import base64
import json
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs, urlencode, urlsplit

from . import errors, forms, outcomes, publishable, routes, setup_intents
from .state import Account, Request, SavedResponse, new_id, render

if TYPE_CHECKING:
    from .fake import FakeStripe


@dataclass
class RecordedRequest:
    """One API request as the fake received it, with what it answered."""

    method: str
    path: str
    params: dict[str, Any]
    idempotency_key: str | None
    secret_key: str | None
    stripe_version: str | None
    request_id: str
    at: float
    status: int | None = None
    replayed: bool = False
    failure: str | None = None


@dataclass
class Failure:
    """Make the next `remaining` matching requests fail.

    kind: `timeout` holds the response for `delay` seconds (the client gives up first), `server_error`
    answers 500 `api_error`, `disconnect` closes the connection without an answer. `executed`: the request
    takes effect first (and its idempotency key keeps the result, or the 500, for replay), as when Stripe did
    the work but the answer got lost; otherwise it never reaches the API and a retry runs it afresh.
    """

    kind: str
    remaining: int
    executed: bool
    delay: float
    method: str | None
    path_prefix: str
    seen: list[str] = field(default_factory=list)

    def matches(self, method: str, path: str) -> bool:
        return self.remaining > 0 and self.method in (None, method) and path.startswith(self.path_prefix)


@dataclass
class Answer:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False


def _json(status: int, payload: dict[str, Any], headers: dict[str, str] | None = None) -> Answer:
    return Answer(status, json.dumps(payload, indent=2).encode(), headers or {})


def _secret_key(headers: Any) -> str | None:
    value = headers.get("Authorization") or ""
    scheme, _, credentials = value.partition(" ")
    if scheme.lower() == "bearer":
        return credentials.strip() or None
    if scheme.lower() == "basic":
        try:
            return base64.b64decode(credentials).decode().split(":", 1)[0] or None
        except ValueError:
            return None
    return None


def _authenticate(fake: FakeStripe, key: str | None) -> Account:
    if key is None:
        raise errors.authentication(
            "No API key was provided: send it as a Bearer token (Authorization header)."
        )
    account = fake.accounts.get(key) or fake.restricted_keys.get(key)
    if account is None:
        raise errors.authentication(f"Invalid API key provided: {_shown(key)}")
    return account


def _shown(key: str) -> str:
    return key[:8] + "*" * max(len(key) - 12, 0) + key[-4:]


def _restricted(account: Account, key: str, method: str, path: str) -> None:
    """A restricted key (`rk_…`, `FakeStripe.add_restricted_key`) may do what the app does, but not read the
    account (`GET /v1/account`): Stripe offers no permission for it and answers 403 naming the account."""
    if key.startswith("rk_") and (method, path) == ("GET", "/v1/account"):
        raise errors.invalid_request(
            f"The provided key '{_shown(key)}' does not have the required permissions for this endpoint on "
            f"account '{account.id}'. This is a restricted API key, but the required permissions are not "
            "available for use by restricted keys.",
            status=403,
        )


def _execute(fake: FakeStripe, account: Account, record: RecordedRequest) -> Answer:
    endpoint, ids = routes.find(record.method, record.path)
    params = forms.Params(record.params)
    expand = params.array("expand")
    req = Request(
        account,
        record.request_id,
        record.idempotency_key,
        record.stripe_version or fake.api_version,
        fake.url,
    )
    with fake.lock:
        result = endpoint(req, params, *ids)
        return _json(200, render(account, result, expand))


def _answer(
    fake: FakeStripe, handler: BaseHTTPRequestHandler, method: str
) -> tuple[Answer, RecordedRequest | None]:
    split = urlsplit(handler.path)
    length = int(handler.headers.get("Content-Length") or 0)
    body = handler.rfile.read(length).decode() if length else ""
    if split.path.startswith("/fake/3ds/"):
        return _challenge(fake, method, split.path.removeprefix("/fake/3ds/"), split.query or body), None
    if split.path.startswith("/fake/bank/"):
        return _bank(fake, method, split.path.removeprefix("/fake/bank/"), split.query or body), None
    key = _secret_key(handler.headers)
    idempotency_key = handler.headers.get("Idempotency-Key") if method == "POST" else None
    record = RecordedRequest(
        method,
        split.path,
        {},
        idempotency_key,
        key,
        handler.headers.get("Stripe-Version"),
        new_id("req", 14),
        time.time(),
    )
    fake.record(record)
    try:
        record.params = forms.decode(body if method == "POST" else split.query)
        account = publishable.account_of(fake, key)
        if account is not None:  # Stripe.js in a browser: only what a publishable key may do
            publishable.check(account, method, split.path, record.params)
        else:
            account = _authenticate(fake, key)
            _restricted(account, str(key), method, split.path)
    except errors.StripeError as error:
        return _json(error.status, error.body()), record
    failure = fake.take_failure(method, split.path)
    if failure is not None:
        record.failure = failure.kind
        failure.seen.append(record.request_id)
        if not failure.executed:
            return _fail(fake, failure), record
    answer = _idempotent(fake, account, record)
    if failure is None:
        return answer, record
    failed = _fail(fake, failure, answer)
    saved = account.idempotency.get(idempotency_key or "")
    if failure.kind == "server_error" and saved is not None and saved.request_id == record.request_id:
        # Stripe keeps a 500 for the key too: retries replay the failure, not the work that was done.
        saved.status, saved.body = failed.status, failed.body
    return failed, record


def _idempotent(fake: FakeStripe, account: Account, record: RecordedRequest) -> Answer:
    key = record.idempotency_key
    with fake.lock:
        if key is not None:
            if len(key) > 255:
                error = errors.invalid_request("Idempotency keys can be at most 255 characters long.")
                return _json(error.status, error.body())
            saved = account.idempotency.get(key)
            if saved is not None:
                same = (saved.method, saved.path, saved.params) == (record.method, record.path, record.params)
                if not same:
                    error = errors.idempotency_mismatch(key)
                    return _json(error.status, error.body())
                record.replayed = True
                return Answer(
                    saved.status,
                    saved.body,
                    {"Idempotent-Replayed": "true", "Original-Request": saved.request_id},
                )
        try:
            answer = _execute(fake, account, record)
            keep = True
        except errors.StripeError as error:
            answer = _json(error.status, error.body(), error.headers)
            keep = error.saved
        except Exception:  # a bug in the fake: say so loudly, answer as Stripe's 500 would
            traceback.print_exc(file=sys.stderr)
            answer = _json(500, errors.api_error().body())
            keep = False
        if key is not None and keep:
            account.idempotency[key] = SavedResponse(
                record.method, record.path, record.params, answer.status, answer.body, record.request_id
            )
        return answer


def _fail(fake: FakeStripe, failure: Failure, answer: Answer | None = None) -> Answer:
    if failure.kind == "server_error":
        return _json(500, errors.api_error().body())
    if failure.kind == "timeout":
        # Interrupted when the fake stops, so a held response never outlives the test.
        fake.stopping.wait(failure.delay)
        if answer is not None:
            return answer
    return Answer(0, b"", drop=True)


def _challenge(fake: FakeStripe, method: str, intent_id: str, query: str) -> Answer:
    """The 3-D Secure page behind `next_action`: GET shows two buttons, POST `succeed=true|false` decides."""
    with fake.lock:
        owner = next((a for a in fake.accounts.values() if intent_id in a.objects), None)
        if owner is None:
            return Answer(404, b"unknown intent", {"Content-Type": "text/plain"})
        intent = owner.objects[intent_id]
        if method == "GET":
            page = (
                f"<!doctype html><title>Fake 3-D Secure</title><h1>Authenticate {intent_id}</h1>"
                f'<form method="post"><button name="succeed" value="true">Complete</button>'
                f'<button name="succeed" value="false">Fail</button></form>'
            )
            return Answer(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        succeed = parse_qs(query).get("succeed", ["true"])[0] == "true"
        target = ((intent.get("next_action") or {}).get("redirect_to_url") or {}).get("return_url")
        req = Request(owner, None, None, fake.api_version, fake.url)
        if intent["object"] == "payment_intent":
            outcomes.complete_authentication(req, intent, succeed)
        else:
            setup_intents.complete_authentication(req, intent, succeed)
    if target:
        separator = "&" if "?" in target else "?"
        kind = "payment_intent" if intent_id.startswith("pi_") else "setup_intent"
        return Answer(303, b"", {"Location": f"{target}{separator}{kind}={intent_id}"})
    return Answer(200, b"authentication done", {"Content-Type": "text/plain"})


def _bank(fake: FakeStripe, method: str, intent_id: str, query: str) -> Answer:
    """The iDEAL/Bancontact bank page behind `next_action.redirect_to_url.url`, as Stripe's test page: GET
    shows "Authorize test payment" and "Fail test payment", POST `succeed=true|false` decides and sends the
    customer back to the `return_url` with `payment_intent` and `payment_intent_client_secret` (or the
    SetupIntent's `setup_intent` and `setup_intent_client_secret`)."""
    with fake.lock:
        owner = next((a for a in fake.accounts.values() if intent_id in a.objects), None)
        intent = owner.objects[intent_id] if owner is not None else None
        if owner is None or intent is None or intent["object"] not in ("payment_intent", "setup_intent"):
            return Answer(404, b"unknown intent", {"Content-Type": "text/plain"})
        redirect = (intent.get("next_action") or {}).get("redirect_to_url") or {}
        pm = owner.objects.get(intent.get("payment_method") or "") or {}
        if intent["status"] != "requires_action" or pm.get("type") not in outcomes.REDIRECT_TYPES:
            return Answer(409, f"{intent_id} waits for no bank".encode(), {"Content-Type": "text/plain"})
        if method == "GET":
            page = (
                f"<!doctype html><title>Fake {pm['type']} test payment</title>"
                f"<h1>{pm['type']} test payment {intent_id}</h1>"
                f'<form method="post"><button name="succeed" value="true">Authorize test payment</button>'
                f'<button name="succeed" value="false">Fail test payment</button></form>'
            )
            return Answer(200, page.encode(), {"Content-Type": "text/html; charset=utf-8"})
        succeed = parse_qs(query).get("succeed", ["true"])[0] == "true"
        req = Request(owner, None, None, fake.api_version, fake.url)
        if intent["object"] == "payment_intent":
            outcomes.complete_redirect(req, intent, succeed)
        else:
            setup_intents.complete_authentication(req, intent, succeed)
        kind, secret = intent["object"], intent["client_secret"]
    target = str(redirect.get("return_url") or "")
    separator = "&" if "?" in target else "?"
    location = f"{target}{separator}{urlencode({kind: intent_id, f'{kind}_client_secret': secret})}"
    return Answer(303, b"", {"Location": location})


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def _serve(self, method: str) -> None:
        answer, record = _answer(self.server.fake, self, method)
        if record is not None:
            record.status = None if answer.drop else answer.status
        if answer.drop:
            self.close_connection = True
            return
        headers = {
            "Content-Type": "application/json",
            "Content-Length": str(len(answer.body)),
            "Access-Control-Allow-Origin": "*",  # Stripe.js calls the API from the shop's page (do_OPTIONS)
        }
        if record is not None:
            headers.update({"Request-Id": record.request_id, "Stripe-Version": self.server.fake.api_version})
            if record.idempotency_key:
                headers["Idempotency-Key"] = record.idempotency_key
        headers.update(answer.headers)
        try:
            self.send_response(answer.status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(answer.body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (an injected timeout): nothing to tell it any more

    def do_GET(self) -> None:
        self._serve("GET")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def do_OPTIONS(self) -> None:
        """A browser's CORS preflight: Stripe.js in a page calls the API cross-origin with the publishable key
        (as api.stripe.com allows any origin); not recorded as a request."""
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, DELETE")
        self.send_header(
            "Access-Control-Allow-Headers", "Authorization, Content-Type, Idempotency-Key, Stripe-Version"
        )
        self.send_header("Access-Control-Max-Age", "600")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log on the fake replaces the access log


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeStripe, host: str, port: int) -> None:
        super().__init__((host, port), _Handler)
        self.fake = fake

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self.fake.stopping.is_set():
            super().handle_error(request, client_address)


def serve(fake: FakeStripe, host: str, port: int) -> tuple[ThreadingHTTPServer, threading.Thread]:
    server = _Server(fake, host, port)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), name="fake-stripe", daemon=True)
    thread.start()
    return server, thread
