"""In-memory OrderSink and PaymentGateway that record every call: for tests, the test clock and benchmarks.

They behave like the real systems where it matters to the renewal: an order is made once per invoice number,
a charge once per idempotency key (a repeat replays the first result; the same key with another amount is
refused, as Stripe does), and each call can wait a given latency. A `JournalStore` keeps their records in a
SQLite file, so they outlive a process killed mid-renewal (the crash tests) and can be shared by several
worker processes; the default `DictStore` lives in one process.
"""

from __future__ import annotations

import json
import logging
import sqlite3
import threading
import time
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from saleor_subscriptions.billing.money import round_to_minor_unit
from saleor_subscriptions.renewals.ports import (
    ChargeOutcome,
    ChargeRequest,
    ChargeResult,
    OrderRequest,
    PlacedOrder,
)

if TYPE_CHECKING:
    from saleor_subscriptions.invoicing.models import Invoice

logger = logging.getLogger(__name__)


class Store(Protocol):
    def put_if_absent(self, kind: str, key: str, value: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        """Store `value` under `key` unless something is there: (what is stored, whether it was new)."""
        ...

    def all(self, kind: str) -> list[tuple[str, dict[str, Any]]]: ...


class DictStore:
    """Records in this process's memory."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._data: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)

    def put_if_absent(self, kind: str, key: str, value: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        with self._lock:
            existing = self._data[kind].get(key)
            if existing is not None:
                return existing, False
            self._data[kind][key] = value
            return value, True

    def all(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        with self._lock:
            return list(self._data[kind].items())


class JournalStore:
    """Records in a SQLite file, durable across processes and crashes (each write commits at once)."""

    def __init__(self, path: Path | str) -> None:
        self.path = str(path)
        self._local = threading.local()
        with self._connection() as conn:
            conn.execute(
                "CREATE TABLE IF NOT EXISTS record (kind TEXT, key TEXT, value TEXT, PRIMARY KEY (kind, key))"
            )

    def _connection(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = sqlite3.connect(self.path, timeout=60, isolation_level=None)
            conn.execute("PRAGMA journal_mode=WAL")
            self._local.conn = conn
        return conn

    def put_if_absent(self, kind: str, key: str, value: dict[str, Any]) -> tuple[dict[str, Any], bool]:
        conn = self._connection()
        cursor = conn.execute(
            "INSERT OR IGNORE INTO record (kind, key, value) VALUES (?, ?, ?)", (kind, key, json.dumps(value))
        )
        if cursor.rowcount == 1:
            return value, True
        row = conn.execute("SELECT value FROM record WHERE kind = ? AND key = ?", (kind, key)).fetchone()
        return json.loads(row[0]), False

    def all(self, kind: str) -> list[tuple[str, dict[str, Any]]]:
        rows = self._connection().execute("SELECT key, value FROM record WHERE kind = ?", (kind,)).fetchall()
        return [(key, json.loads(value)) for key, value in rows]


class IdempotencyMismatch(Exception):
    """The same idempotency key was sent with other parameters (Stripe answers 400)."""


class InMemoryOrderSink:
    """Makes one order per invoice number, with a flat tax rate on the net lines (Saleor's flat rates)."""

    def __init__(
        self, store: Store | None = None, *, tax_rate: Decimal = Decimal("0.21"), latency_ms: float = 0
    ) -> None:
        self.store = store or DictStore()
        self.tax_rate = tax_rate
        self.latency = latency_ms / 1000
        self.calls: list[str] = []

    def place_order(self, request: OrderRequest) -> PlacedOrder:
        if self.latency:
            time.sleep(self.latency)
        self.calls.append(request.invoice_number)
        key = f"{request.installation_id}:{request.invoice_number}"
        net = sum((line.amount for line in request.lines), Decimal(0))
        tax = sum(
            (round_to_minor_unit(line.amount * self.tax_rate, request.currency) for line in request.lines),
            Decimal(0),
        )
        value = {
            "order_id": f"order-{request.installation_id}-{request.invoice_id}",
            "net": str(net),
            "tax": str(tax),
            "gross": str(net + tax),
            "lines": [[line.description, str(line.amount)] for line in request.lines],
        }
        stored, _ = self.store.put_if_absent("order", key, value)
        return PlacedOrder(
            order_id=stored["order_id"],
            net=Decimal(stored["net"]),
            tax=Decimal(stored["tax"]),
            gross=Decimal(stored["gross"]),
        )

    def orders(self) -> dict[str, dict[str, Any]]:
        return dict(self.store.all("order"))


class InMemoryGateway:
    """Charges saved payment methods: succeeds unless told otherwise for a customer.

    `script(customer_key, outcomes)` queues the outcomes of that customer's next new charges; a replayed key
    never takes a new outcome.
    """

    def __init__(self, store: Store | None = None, *, latency_ms: float = 0) -> None:
        self.store = store or DictStore()
        self.latency = latency_ms / 1000
        self._scripts: dict[str, deque[ChargeOutcome]] = defaultdict(deque)
        self._lock = threading.Lock()
        self.calls: list[str] = []
        self.refunds: list[dict[str, str]] = []

    def script(self, customer_key: str, outcomes: Iterable[ChargeOutcome]) -> None:
        with self._lock:
            self._scripts[customer_key].extend(outcomes)

    def _next_outcome(self, customer_key: str) -> ChargeOutcome:
        with self._lock:
            queue = self._scripts.get(customer_key)
            return queue.popleft() if queue else ChargeOutcome.SUCCEEDED

    def charge(self, request: ChargeRequest) -> ChargeResult:
        if self.latency:
            time.sleep(self.latency)
        self.calls.append(request.idempotency_key)
        outcome = self._next_outcome(request.customer_key)
        value = {
            "amount": str(request.amount),
            "currency": request.currency,
            "customer": request.customer_key,
            "invoice": request.invoice_number,
            "outcome": outcome.value,
            "reference": f"pi_{request.idempotency_key}",
            "decline_code": "card_declined" if outcome is ChargeOutcome.DECLINED else "",
        }
        stored, created = self.store.put_if_absent("charge", request.idempotency_key, value)
        if not created:
            self._give_back(request.customer_key, outcome)
            if stored["amount"] != value["amount"] or stored["currency"] != value["currency"]:
                raise IdempotencyMismatch(
                    f"idempotency key {request.idempotency_key} was used with other parameters"
                )
        return ChargeResult(
            outcome=ChargeOutcome(stored["outcome"]),
            reference=stored["reference"],
            decline_code=stored["decline_code"],
        )

    def void_open_payments(self, invoices: Sequence[Invoice], reason: str) -> None:
        """Nothing to void: a charge here is a record (even one answered `requires_action`), with no payment
        behind it that a customer could still complete."""

    def refund_unneeded(self, invoice: Invoice, reference: str, amount: Decimal, why: str) -> None:
        """Recorded (`refunds`) and logged at ERROR, as the real gateway does."""
        self.refunds.append({"invoice": invoice.number or "", "reference": reference, "amount": str(amount)})
        logger.error("invoice %s: %s received by %s is refunded (%s)", invoice.number, amount, reference, why)

    def finish_voiding(self, invoice: Invoice) -> bool:
        """Nothing to void (see `void_open_payments`)."""
        return True

    def _give_back(self, customer_key: str, outcome: ChargeOutcome) -> None:
        if outcome is ChargeOutcome.SUCCEEDED and not self._scripts.get(customer_key):
            return
        with self._lock:
            self._scripts[customer_key].appendleft(outcome)

    def charges(self) -> dict[str, dict[str, Any]]:
        """Every charge made, by idempotency key: what the gateway holds, whoever asked how often."""
        return dict(self.store.all("charge"))
