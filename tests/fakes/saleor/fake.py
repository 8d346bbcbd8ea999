"""`FakeSaleor`: the server object tests drive (see README.md in this folder for the whole control API)."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from saleor_subscriptions.saleor.documents import SCHEMA_PATH, UnknownDocumentError, document

from .apps import AppControls
from .auth import Env, Principal
from .engine import Outcome, build_fake_schema, run_in_process, run_request
from .server import Fault, Faults, RecordedRequest, Server
from .shop import ShopControls, all_permissions
from .state import App, Checkout, Order, Store, Variant
from .storefront import StorefrontControls
from .tokens import KeyRing
from .webhooks import Delivery, Dispatcher, Prepared


class FakeSaleor(ShopControls, StorefrontControls, AppControls):
    """A Saleor 3.21 on 127.0.0.1: GraphQL at `api_url`, JWKS, signed webhooks, and Python controls."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        schema_path: Path = SCHEMA_PATH,
        saleor_version: str = "3.21.69",
        schema_version: str = "3.21",
    ) -> None:
        self.host = host
        self._wanted_port = port
        self.saleor_version = saleor_version
        self.schema_version = schema_version
        self.store = Store()
        self.keys = KeyRing()
        self.schema = build_fake_schema(schema_path)
        self.env = Env(self.store, self.keys, api_url="", saleor_version=saleor_version)
        self.requests: list[RecordedRequest] = []
        self.faults = Faults()
        self.jwks_fetches = 0
        self.pages: dict[str, str] = {}
        """HTML served on GET at a path of the fake's origin, as Saleor serves its dashboard (the browser
        tests' test dashboard, tests/browser/dashboard_host.py)."""
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._dispatcher: Dispatcher | None = None

    # --- life ------------------------------------------------------------------------------------------

    def start(self) -> FakeSaleor:
        self._server = Server((self.host, self._wanted_port), self)
        self.env.api_url = f"http://{self.domain}/graphql/"
        self.env.saleor_version = self.saleor_version
        self._dispatcher = Dispatcher(self.schema, self.env, lambda: self.domain, self.user_agent)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-saleor", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self.faults.released.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._dispatcher is not None:
            self._dispatcher.stop()

    def __enter__(self) -> FakeSaleor:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("the fake Saleor is not started")
        return int(self._server.server_address[1])

    @property
    def domain(self) -> str:
        """`127.0.0.1:<port>`: what Saleor sends as `Saleor-Domain`."""
        return f"{self.host}:{self.port}"

    @property
    def api_url(self) -> str:
        """`http://127.0.0.1:<port>/graphql/`: `Saleor-Api-Url`, and the `iss` of its JWTs."""
        return f"http://{self.domain}/graphql/"

    def user_agent(self) -> str:
        return f"Saleor/{self.schema_version}"

    @property
    def dispatcher(self) -> Dispatcher:
        if self._dispatcher is None:
            raise RuntimeError("the fake Saleor is not started")
        return self._dispatcher

    # --- keys ------------------------------------------------------------------------------------------

    def jwks(self) -> dict[str, Any]:
        """The JWKS served at `/.well-known/jwks.json`."""
        return self.keys.jwks()

    def rotate_key(self, keep_old: bool = True) -> str:
        """Signs with a new key (a new `kid`) from now on; returns the new kid."""
        return self.keys.rotate(keep_old)

    # --- GraphQL ---------------------------------------------------------------------------------------

    def handle_graphql(self, payload: Any, token: str | None) -> Outcome:
        """One request of the HTTP server: executed, and its webhooks prepared (sent after the answer)."""
        self.env.saleor_version = self.saleor_version
        with self.store.lock:
            outcome = run_request(self.schema, self.env, payload, token)
            outcome.prepared = self.dispatcher.prepare(outcome.events)
            self.dispatcher.reserve(len(outcome.prepared))
        return outcome

    def dispatch_after_response(self, outcome: Outcome) -> None:
        self.dispatcher.submit(outcome.prepared, wait=False, reserved=True)

    def post_graphql(
        self, query: str, variables: Mapping[str, Any] | None = None, token: str | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POSTs to the fake over HTTP as a client would; `query` may name a document of graphql/saleor/."""
        if "{" not in query:
            with contextlib.suppress(UnknownDocumentError):
                query = document(query)
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            self.api_url,
            json={"query": query, "variables": dict(variables or {})},
            headers=headers,
            timeout=30,
        )
        return response.status_code, response.json()

    def execute(
        self, query: str, variables: Mapping[str, Any] | None = None, *, app_id: str | None = None
    ) -> dict[str, Any]:
        """Runs a document in-process (no HTTP, no faults) as the app `app_id`, else as a staff user holding
        every permission; webhooks it causes are sent before it returns."""
        with self.store.lock:
            if app_id is not None:
                app = self._get(App, app_id)
                principal = Principal(app=app, permissions=frozenset(app.permissions))
            else:
                principal = Principal(user=self.staff_user(), permissions=all_permissions(), is_staff=True)
            body, events = run_in_process(self.schema, self.env, query, variables, principal)
            prepared = self.dispatcher.prepare(events)
        self.dispatcher.submit(prepared, wait=True)
        return body

    def app_id_for_token(self, token: str | None) -> str | None:
        if not token:
            return None
        with self.store.lock:
            app = self.store.app_by_token(token)
            return app.id if app else None

    # --- webhooks --------------------------------------------------------------------------------------

    @contextmanager
    def _acting(self) -> Iterator[None]:
        """A control call: changes under the lock, then its webhooks sent before the call returns."""
        with self.store.lock:
            try:
                yield
            except BaseException:
                self.store.take_events()
                raise
            prepared: list[Prepared] = self.dispatcher.prepare(self.store.take_events())
        self.dispatcher.submit(prepared, wait=True)

    @property
    def deliveries(self) -> list[Delivery]:
        """Every webhook sent: event, url, headers, body, the app's status and answer."""
        return self.dispatcher.deliveries

    def wait_for_webhooks(self, timeout: float = 30.0) -> None:
        """Waits until the webhooks caused by GraphQL requests (sent after their answers) are all sent."""
        if not self.dispatcher.wait_idle(timeout):
            raise TimeoutError("webhooks still being sent")

    def redeliver(self, delivery: Delivery) -> Delivery:
        """Sends a delivery's body again (as Saleor's retry of a failed async webhook does)."""
        with self.store.lock:
            webhook = next(
                w
                for a in self.store.all(App)
                for w in a.webhooks
                if w.name == delivery.webhook and a.id == delivery.app_id
            )
        return self.dispatcher.send(
            Prepared(delivery.event, webhook, delivery.body, []), attempt=delivery.attempt + 1
        )

    # --- faults ----------------------------------------------------------------------------------------

    def fail_next(
        self, operation: str, status: int = 500, times: int = 1, mode: str = "status", seconds: float = 5.0
    ) -> None:
        """The next `times` requests of this GraphQL operation (by name; "*" for any) fail: see server.py."""
        self.faults.arm(Fault(operation, mode=mode, status=status, seconds=seconds, times=times))

    def clear_faults(self) -> None:
        self.faults.clear()

    # --- inspection ------------------------------------------------------------------------------------

    def _get(self, cls: type[Any], gid: str) -> Any:
        node = self.store.find(cls, gid)
        if node is None:
            raise LookupError(f"no {cls.TYPE} with id {gid!r}")
        return node

    def orders(self) -> list[Order]:
        """Every order, drafts too, oldest first."""
        with self.store.lock:
            return sorted(self.store.all(Order), key=lambda o: int(o.number))

    def order(self, order_id: str) -> Order:
        with self.store.lock:
            order: Order = self._get(Order, order_id)
            return order

    def order_by_external_reference(self, reference: str) -> Order | None:
        with self.store.lock:
            return self.store.order_by_external_reference(reference)

    def variant(self, variant_id: str) -> Variant:
        with self.store.lock:
            variant: Variant = self._get(Variant, variant_id)
            return variant

    def apps(self) -> list[App]:
        with self.store.lock:
            return self.store.all(App)

    def app(self, app_id: str) -> App:
        with self.store.lock:
            app: App = self._get(App, app_id)
            return app

    def checkout_object(self, checkout_id: str) -> Checkout:
        with self.store.lock:
            checkout: Checkout = self._get(Checkout, checkout_id)
            return checkout
