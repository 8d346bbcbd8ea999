"""Webhooks: registered from an app's manifest, their payloads made by the app's own subscription queries, and
delivered signed, with Saleor's headers in Saleor's order.

- Events are inferred from the subscription query (`... on OrderCreated` -> ORDER_CREATED) unless the manifest
  lists `asyncEvents`/`syncEvents`; an app receives an event only with the permission it needs (ORDER_* needs
  MANAGE_ORDERS, PRODUCT_* MANAGE_PRODUCTS, …), and an inactive or removed app receives nothing.
- The body is `json.dumps` of the subscription's `event` (default separators, keys in the query's order),
  executed against the state when the event happened, with the receiving app's permissions.
- Headers, in order: User-Agent, Accept-Encoding, Accept, Connection, Content-Type, X-Saleor-Event,
  X-Saleor-Domain, X-Saleor-Signature, Saleor-Event, Saleor-Domain, Saleor-Signature, Saleor-Api-Url,
  Content-Length, Host; `Saleor-Signature` is the detached JWS (RS256) over the exact body bytes.
- Async deliveries go through one worker thread, in order, one attempt each (Saleor retries failures later;
  `FakeSaleor.redeliver` sends one again). Sync webhooks (payments, `payments_sync.py`) are made by
  `prepare_sync` and sent at once by `send`, which returns the app's answer.
"""

from __future__ import annotations

import json
import queue
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLObjectType,
    GraphQLSchema,
    InlineFragmentNode,
    OperationDefinitionNode,
    OperationType,
    SelectionSetNode,
    parse,
    validate,
)

from . import outbound
from .auth import Env, Principal
from .engine import run_subscription
from .state import App, PendingEvent, User, Webhook, now

ASYNC_TIMEOUT = 10.0

# The permission an app needs to receive an event, by the event's prefix (Saleor's WebhookEventAsyncType map).
EVENT_PERMISSIONS = (
    ("DRAFT_ORDER_", "MANAGE_ORDERS"),
    ("ORDER_", "MANAGE_ORDERS"),
    ("INVOICE_", "MANAGE_ORDERS"),
    ("PRODUCT_", "MANAGE_PRODUCTS"),
    ("CHECKOUT_", "MANAGE_CHECKOUTS"),
    ("APP_", "MANAGE_APPS"),
    ("TRANSACTION_", "HANDLE_PAYMENTS"),
    ("PAYMENT_", "HANDLE_PAYMENTS"),
)

SYNC_EVENTS = frozenset(
    {
        "PAYMENT_GATEWAY_INITIALIZE_SESSION",
        "TRANSACTION_INITIALIZE_SESSION",
        "TRANSACTION_PROCESS_SESSION",
        "TRANSACTION_CHARGE_REQUESTED",
        "TRANSACTION_REFUND_REQUESTED",
        "TRANSACTION_CANCELATION_REQUESTED",
    }
)


class InvalidSubscription(ValueError):
    """A webhook query Saleor would refuse at install: it does not validate, or names no event."""


def event_name(typename: str) -> str:
    """`OrderFullyPaid` -> `ORDER_FULLY_PAID`."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", typename).upper()


def subscription_events(schema: GraphQLSchema, query: str) -> list[str]:
    """The events a subscription query is for: the event types its `event { ... on X }` selects."""
    try:
        document = parse(query)
    except Exception as exc:
        raise InvalidSubscription(f"the subscription does not parse: {exc}") from exc
    errors = validate(schema, document)
    if errors:
        raise InvalidSubscription("; ".join(e.message for e in errors))
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation != OperationType.SUBSCRIPTION:
        raise InvalidSubscription("a webhook query is exactly one subscription operation")
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    event_interface = schema.get_type("Event")
    found: list[str] = []

    def collect(selection_set: SelectionSetNode | None) -> None:
        for selection in selection_set.selections if selection_set else ():
            condition = None
            if isinstance(selection, InlineFragmentNode):
                condition, inner = selection.type_condition, selection.selection_set
            elif isinstance(selection, FragmentSpreadNode):
                fragment = fragments[selection.name.value]
                condition, inner = fragment.type_condition, fragment.selection_set
            else:
                continue
            graphql_type = schema.get_type(condition.name.value) if condition else None
            if isinstance(graphql_type, GraphQLObjectType) and event_interface in graphql_type.interfaces:
                if event_name(graphql_type.name) not in found:
                    found.append(event_name(graphql_type.name))
            else:
                collect(inner)

    for selection in operations[0].selection_set.selections:
        if isinstance(selection, FieldNode) and selection.name.value == "event":
            collect(selection.selection_set)
    if not found:
        raise InvalidSubscription("the subscription selects no event type")
    return found


def may_receive(app: App, event_type: str) -> bool:
    needed = next((perm for prefix, perm in EVENT_PERMISSIONS if event_type.startswith(prefix)), None)
    return app.is_active and not app.removed and (needed is None or needed in app.permissions)


@dataclass
class Delivery:
    """One webhook request the fake sent, and the app's answer (status None: no answer, see `error`)."""

    event: str
    webhook: str
    app_id: str
    url: str
    headers: dict[str, str]
    body: bytes
    payload_errors: list[dict[str, Any]] = field(default_factory=list)
    status: int | None = None
    response_body: bytes = b""
    error: str | None = None
    attempt: int = 1
    sent_at: datetime | None = None

    @property
    def payload(self) -> Any:
        return json.loads(self.body)

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


@dataclass
class Prepared:
    event: str
    webhook: Webhook
    body: bytes
    payload_errors: list[dict[str, Any]]


def principal_object(principal: Any) -> App | User | None:
    if isinstance(principal, Principal):
        return principal.app or principal.user
    return principal if isinstance(principal, App | User) else None


class Dispatcher:
    """Makes payloads for events and sends them, recording every delivery in `deliveries`."""

    def __init__(
        self, schema: GraphQLSchema, env: Env, domain: Callable[[], str], user_agent: Callable[[], str]
    ):
        self.schema = schema
        self.env = env
        self.domain = domain
        self.user_agent = user_agent
        self.deliveries: list[Delivery] = []
        self._documents: dict[str, DocumentNode] = {}
        self._queue: queue.Queue[tuple[Prepared, threading.Event] | None] = queue.Queue()
        self._pending = 0
        self._idle = threading.Condition()
        self._thread = threading.Thread(target=self._work, name="fake-saleor-webhooks", daemon=True)
        self._thread.start()

    def prepare(self, events: list[PendingEvent]) -> list[Prepared]:
        """Each event's payload for every webhook that receives it (call with the store locked)."""
        prepared: list[Prepared] = []
        for pending in events:
            for app in self.env.store.all(App):
                if not may_receive(app, pending.event_type):
                    continue
                for webhook in app.webhooks:
                    if webhook.is_active and pending.event_type in webhook.async_events:
                        prepared.append(self._payload(app, webhook, pending))
        return prepared

    def prepare_sync(self, app: App, pending: PendingEvent) -> Prepared | None:
        """The payload of a sync event for the app's webhook registered for it; None when the app may not
        receive it or has no active webhook for it (call with the store locked)."""
        if not may_receive(app, pending.event_type):
            return None
        for webhook in app.webhooks:
            if webhook.is_active and pending.event_type in webhook.sync_events:
                return self._payload(app, webhook, pending)
        return None

    def _payload(self, app: App, webhook: Webhook, pending: PendingEvent) -> Prepared:
        document = self._documents.get(webhook.id)
        if document is None:
            document = self._documents[webhook.id] = parse(webhook.query)
        event = {
            "__typename": pending.typename,
            "issuedAt": now(),
            "version": self.env.saleor_version,
            "recipient": app,
            "issuingPrincipal": principal_object(pending.issuing_principal),
            **pending.fields,
        }
        principal = Principal(app=app, permissions=frozenset(app.permissions))
        data, errors = run_subscription(self.schema, self.env, document, event, principal)
        return Prepared(pending.event_type, webhook, json.dumps(data).encode(), errors)

    def headers(self, event: str, body: bytes) -> list[tuple[str, str]]:
        signature = self.env.keys.sign_body(body)
        domain = self.domain()
        return [
            ("User-Agent", self.user_agent()),
            ("Accept-Encoding", "gzip, deflate"),
            ("Accept", "*/*"),
            ("Connection", "keep-alive"),
            ("Content-Type", "application/json"),
            ("X-Saleor-Event", event.lower()),
            ("X-Saleor-Domain", domain),
            ("X-Saleor-Signature", signature),
            ("Saleor-Event", event.lower()),
            ("Saleor-Domain", domain),
            ("Saleor-Signature", signature),
            ("Saleor-Api-Url", self.env.api_url),
            ("Content-Length", str(len(body))),
        ]

    def send(self, prepared: Prepared, attempt: int = 1, timeout: float = ASYNC_TIMEOUT) -> Delivery:
        """Sends one payload now and records the delivery with the app's answer."""
        headers = self.headers(prepared.event, prepared.body)
        host = urlsplit(prepared.webhook.target_url).hostname or ""
        delivery = Delivery(
            event=prepared.event,
            webhook=prepared.webhook.name,
            app_id=prepared.webhook.app.id,
            url=prepared.webhook.target_url,
            headers=dict([*headers, ("Host", host)]),
            body=prepared.body,
            payload_errors=prepared.payload_errors,
            attempt=attempt,
            sent_at=now(),
        )
        try:
            answer = outbound.request("POST", prepared.webhook.target_url, headers, prepared.body, timeout)
            delivery.status, delivery.response_body = answer.status, answer.body
        except OSError as exc:
            delivery.error = f"{type(exc).__name__}: {exc}"
        self.deliveries.append(delivery)
        return delivery

    def reserve(self, count: int) -> None:
        """Counts deliveries that will be submitted soon (after a response is written), so that `wait_idle`
        called by a client that already has the response still waits for them."""
        with self._idle:
            self._pending += count

    def submit(self, prepared: list[Prepared], wait: bool, reserved: bool = False) -> None:
        """Queues deliveries for the worker (in order); `wait` blocks until these ones are sent."""
        done: list[threading.Event] = []
        for item in prepared:
            flag = threading.Event()
            if not reserved:
                with self._idle:
                    self._pending += 1
            self._queue.put((item, flag))
            done.append(flag)
        if wait:
            for flag in done:
                flag.wait()

    def wait_idle(self, timeout: float = 30.0) -> bool:
        """Waits until every queued delivery was sent; False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout)

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            prepared, flag = item
            try:
                self.send(prepared)
            finally:
                flag.set()
                with self._idle:
                    self._pending -= 1
                    self._idle.notify_all()

    def stop(self) -> None:
        self._queue.put(None)
        self._thread.join(timeout=ASYNC_TIMEOUT + 5)
