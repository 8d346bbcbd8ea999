"""Paying through a payment app, as Saleor 3.21's storefront and dashboard mutations do it: Python controls
standing in for `paymentGatewayInitialize`, `transactionInitialize`, `transactionProcess` (the customer) and
`transactionRequestAction` CHARGE / REFUND / CANCEL (staff), which are not in the app's schema subset.

Each one sends the app's SYNC webhook (payload made by the app's own subscription query, signed, with
Saleor's headers, POSTed at once and waited for) and applies its answer to the TransactionItem as Saleor does
(see `transaction_events`):

- `transactionInitialize` makes a TransactionItem owned by the app (the gateway id is the app's identifier)
  with a token, on the checkout (or order), and a `…_REQUEST` event for the amount (default: what is not yet
  charged, authorized or pending); the action is the channel's `default_transaction_flow_strategy`, the
  storefront cannot choose it. The same idempotency key on the same source reuses the transaction.
- `transactionProcess` needs that initialization; a transaction already charged or authorized is answered
  from its success event without calling the app (as Saleor does).
- `transactionRequestAction` asks for at most what the transaction holds (CHARGE and CANCEL: the authorized
  amount; REFUND: the charged amount), as Saleor caps it; the webhook's `issuingPrincipal` is null, as the
  captures show for staff requests. On an order, a charge that pays it in full sends ORDER_FULLY_PAID; a
  refund ORDER_REFUNDED, and ORDER_FULLY_REFUNDED once nothing is left charged.

Webhooks go out without the store lock held (the app may call Saleor meanwhile); the answer is applied under
it, and the async webhooks it causes are sent before the control returns.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from . import transaction_events as events
from .order_actions import paid_in_full
from .pricing import checkout_prices, total_charged
from .state import App, Checkout, Order, PendingEvent, Transaction, User
from .webhooks import Delivery, Prepared

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .state import Store
    from .webhooks import Dispatcher

SYNC_TIMEOUT = 20.0  # Saleor's WEBHOOK_SYNC_TIMEOUT
SESSION_FINAL = ("CHARGE_SUCCESS", "AUTHORIZATION_SUCCESS")
ACTIONS = {
    "CHARGE": ("TRANSACTION_CHARGE_REQUESTED", "TransactionChargeRequested"),
    "REFUND": ("TRANSACTION_REFUND_REQUESTED", "TransactionRefundRequested"),
    "CANCEL": ("TRANSACTION_CANCELATION_REQUESTED", "TransactionCancelationRequested"),
}


def _error(field: str | None, code: str, message: str) -> dict[str, Any]:
    return {"field": field, "code": code, "message": message}


@dataclass
class GatewayConfig:
    """`paymentGatewayInitialize`'s `gatewayConfigs[0]`: the app's `data` for the storefront, or errors."""

    id: str
    data: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    delivery: Delivery | None = None


@dataclass
class PaymentResult:
    """What a payment mutation answers: the transaction, the event the app's answer made (`result` is its
    type, e.g. CHARGE_SUCCESS; None when the PSP finishes later), `data` for the storefront, `errors` of the
    mutation itself, and the app's JSON answer with the delivery that carried it."""

    transaction: Transaction | None
    event: dict[str, Any] | None = None
    data: Any = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    response: dict[str, Any] | None = None
    delivery: Delivery | None = None

    @property
    def transaction_id(self) -> str | None:
        return self.transaction.id if self.transaction is not None else None

    @property
    def result(self) -> str | None:
        return str(self.event["type"]) if self.event is not None else None

    @property
    def message(self) -> str:
        return str(self.event["message"]) if self.event is not None else ""


class PaymentControls:
    store: Store

    def _acting(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _ref(self, cls: type[Any], value: Any) -> Any:
        raise NotImplementedError

    @property
    def dispatcher(self) -> Dispatcher:
        raise NotImplementedError

    # --- helpers ---------------------------------------------------------------------------------------

    def _source(self, value: Any) -> Checkout | Order:
        if isinstance(value, Checkout | Order):
            return value
        node = self.store.node(getattr(value, "id", None) or str(value))
        if isinstance(node, Checkout) and node.order is None:
            return node
        if isinstance(node, Order):
            return node
        raise LookupError(f"no open checkout or order {value!r}")

    def _payment_app(self, gateway_id: str, event_type: str) -> App | None:
        for app in self.store.all(App):
            usable = app.is_active and not app.removed and "HANDLE_PAYMENTS" in app.permissions
            if (
                usable
                and app.identifier == gateway_id
                and any(w.is_active and event_type in w.sync_events for w in app.webhooks)
            ):
                return app
        return None

    def _due(self, source: Checkout | Order) -> Decimal:
        """What is not yet charged, authorized or pending (Saleor's default amount)."""
        if isinstance(source, Checkout):
            total = checkout_prices(self.store, source).total.gross.amount
        else:
            total = source.total.gross.amount if source.total else Decimal(0)
        covered = sum(
            (
                t.charged_value
                + t.authorized_value
                + events.pending(t, "CHARGE")
                + events.pending(t, "AUTHORIZATION")
                for t in source.transactions
            ),
            Decimal(0),
        )
        return max(total - covered, Decimal(0))

    def _send(self, prepared: Prepared | None) -> Delivery:
        assert prepared is not None
        return self.dispatcher.send(prepared, timeout=SYNC_TIMEOUT)

    @staticmethod
    def _customer(source: Checkout | Order) -> User | None:
        return source.user

    def _settle_order(self, transaction: Transaction, paid_before: bool, charged_before: Decimal) -> None:
        """The order webhooks a changed transaction causes (call inside `_acting`)."""
        order = transaction.order
        if order is None or order.is_draft:
            return
        if not paid_before and paid_in_full(order):
            self.store.emit("ORDER_FULLY_PAID", "OrderFullyPaid", order=order)
        charged = total_charged(order)
        if charged < charged_before:
            self.store.emit("ORDER_REFUNDED", "OrderRefunded", order=order)
            if charged <= 0:
                self.store.emit("ORDER_FULLY_REFUNDED", "OrderFullyRefunded", order=order)

    def _order_state(self, transaction: Transaction) -> tuple[bool, Decimal]:
        order = transaction.order
        if order is None:
            return False, Decimal(0)
        return paid_in_full(order), total_charged(order)

    def _apply(
        self, transaction: Transaction, event_type: str, failure: str, amount: Decimal, delivery: Delivery
    ) -> PaymentResult:
        with self._acting():
            before = self._order_state(transaction)
            event, body = events.apply_answer(transaction, event_type, failure, amount, delivery)
            self._settle_order(transaction, *before)
        data = body.get("data") if body is not None else None
        return PaymentResult(transaction, event, data, [], body, delivery)

    # --- the storefront --------------------------------------------------------------------------------

    def payment_gateway_initialize(
        self,
        checkout: Any,
        gateway_id: str,
        data: Mapping[str, Any] | None = None,
        amount: Decimal | str | None = None,
    ) -> GatewayConfig:
        """`paymentGatewayInitialize(id, amount, paymentGateways: [{id, data}])` for one gateway."""
        event_type = "PAYMENT_GATEWAY_INITIALIZE_SESSION"
        with self.store.lock:
            source = self._source(checkout)
            app = self._payment_app(gateway_id, event_type)
            if app is None:
                message = "Active app with `HANDLE_PAYMENTS` permission or app webhook not found."
                return GatewayConfig(gateway_id, errors=[_error("id", "NOT_FOUND", message)])
            fields = {
                "amount": Decimal(str(amount)) if amount is not None else self._due(source),
                "data": dict(data) if data is not None else None,
                "sourceObject": source,
            }
            typename = "PaymentGatewayInitializeSession"
            pending = PendingEvent(event_type, typename, fields, self._customer(source))
            prepared = self.dispatcher.prepare_sync(app, pending)
        delivery = self._send(prepared)
        body, problem = events.read_answer(event_type, delivery)
        if body is None:
            return GatewayConfig(gateway_id, errors=[_error("id", "INVALID", problem)], delivery=delivery)
        return GatewayConfig(gateway_id, body.get("data"), delivery=delivery)

    def transaction_initialize(  # noqa: PLR0917 (the mutation's arguments)
        self,
        checkout: Any,
        gateway_id: str,
        data: Mapping[str, Any] | None = None,
        amount: Decimal | str | None = None,
        idempotency_key: str | None = None,
        customer_ip_address: str = "127.0.0.1",
    ) -> PaymentResult:
        """`transactionInitialize(id, amount, paymentGateway: {id, data}, idempotencyKey)`: a transaction
        owned by the app, then TRANSACTION_INITIALIZE_SESSION; the channel's flow strategy is the action."""
        event_type = "TRANSACTION_INITIALIZE_SESSION"
        with self.store.lock:
            source = self._source(checkout)
            app = self._payment_app(gateway_id, event_type)
            if app is None:
                message = "Active app with `HANDLE_PAYMENTS` permission or app webhook not found."
                return PaymentResult(None, errors=[_error("paymentGateway", "NOT_FOUND", message)])
            flow = source.channel.default_transaction_flow_strategy
            key = idempotency_key or str(uuid.uuid4())
            value = Decimal(str(amount)) if amount is not None else self._due(source)
            transaction = self._initialized(source, app, key)
            if transaction is None:
                transaction = self._new_transaction(source, app)
                events.add_event(transaction, f"{flow}_REQUEST", value, counted=False, idempotency_key=key)
            fields = {
                "action": {"amount": value, "currency": transaction.currency, "actionType": flow},
                "transaction": transaction,
                "data": dict(data) if data is not None else None,
                "merchantReference": transaction.id,
                "customerIpAddress": customer_ip_address,
                "idempotencyKey": key,
                "sourceObject": source,
            }
            pending = PendingEvent(event_type, "TransactionInitializeSession", fields, self._customer(source))
            prepared = self.dispatcher.prepare_sync(app, pending)
        return self._apply(transaction, event_type, f"{flow}_FAILURE", value, self._send(prepared))

    def _initialized(self, source: Checkout | Order, app: App, key: str) -> Transaction | None:
        for transaction in source.transactions:
            if transaction.app is app and any(e.get("idempotency_key") == key for e in transaction.events):
                return transaction
        return None

    def _new_transaction(self, source: Checkout | Order, app: App) -> Transaction:
        if isinstance(source, Checkout):
            currency = source.channel.currency_code
            transaction = self.store.add(Transaction(currency=currency, app=app, checkout=source))
        else:
            transaction = self.store.add(Transaction(currency=source.currency, app=app, order=source))
        source.transactions.append(transaction)
        return transaction

    def transaction_process(
        self, transaction: Any, data: Mapping[str, Any] | None = None, customer_ip_address: str = "127.0.0.1"
    ) -> PaymentResult:
        """`transactionProcess(id, data)`: TRANSACTION_PROCESS_SESSION for an initialized transaction."""
        event_type = "TRANSACTION_PROCESS_SESSION"
        with self.store.lock:
            item: Transaction = self._ref(Transaction, transaction)
            request = next(
                (
                    e
                    for e in item.events
                    if not e.get("counted", True) and e["type"] in ("CHARGE_REQUEST", "AUTHORIZATION_REQUEST")
                ),
                None,
            )
            if request is None or item.app is None:
                message = "Missing call of transactionInitialize mutation."
                return PaymentResult(item, errors=[_error("id", "INVALID", message)])
            done = next((e for e in events.counted_events(item) if e["type"] in SESSION_FINAL), None)
            if done is not None:
                return PaymentResult(item, done)
            flow = str(request["type"]).removesuffix("_REQUEST")
            source: Checkout | Order | None = item.order or item.checkout
            assert source is not None
            fields = {
                "action": {"amount": request["amount"], "currency": item.currency, "actionType": flow},
                "transaction": item,
                "data": dict(data) if data is not None else None,
                "merchantReference": item.id,
                "customerIpAddress": customer_ip_address,
                "sourceObject": source,
            }
            pending = PendingEvent(event_type, "TransactionProcessSession", fields, self._customer(source))
            prepared = self.dispatcher.prepare_sync(item.app, pending)
            if prepared is None:
                message = "Active app with `HANDLE_PAYMENTS` permission or app webhook not found."
                return PaymentResult(item, errors=[_error("id", "NOT_FOUND", message)])
        amount = Decimal(request["amount"])
        return self._apply(item, event_type, f"{flow}_FAILURE", amount, self._send(prepared))

    # --- staff: transactionRequestAction ---------------------------------------------------------------

    def _request_action(self, transaction: Any, action: str, amount: Decimal | str | None) -> PaymentResult:
        event_type, typename = ACTIONS[action]
        with self.store.lock:
            item: Transaction = self._ref(Transaction, transaction)
            most = item.charged_value if action == "REFUND" else item.authorized_value
            value = min(Decimal(str(amount)) if amount is not None else most, most)
            prepared = None
            if item.app is not None:
                fields = {
                    "action": {"amount": value, "currency": item.currency, "actionType": action},
                    "transaction": item,
                    "grantedRefund": None,
                }
                prepared = self.dispatcher.prepare_sync(item.app, PendingEvent(event_type, typename, fields))
            if prepared is None:
                message = f"No app or plugin is configured to handle payment action requests ({action})."
                code = "MISSING_TRANSACTION_ACTION_REQUEST_WEBHOOK"
                return PaymentResult(item, errors=[_error(None, code, message)])
            events.add_event(item, f"{action}_REQUEST", value, counted=False)
        return self._apply(item, event_type, f"{action}_FAILURE", value, self._send(prepared))

    def transaction_charge(self, transaction: Any, amount: Decimal | str | None = None) -> PaymentResult:
        """`transactionRequestAction(actionType: CHARGE)`: TRANSACTION_CHARGE_REQUESTED (at most the
        authorized amount, all of it by default)."""
        return self._request_action(transaction, "CHARGE", amount)

    def transaction_refund(self, transaction: Any, amount: Decimal | str | None = None) -> PaymentResult:
        """`transactionRequestAction(actionType: REFUND)`: TRANSACTION_REFUND_REQUESTED (at most the charged
        amount, all of it by default)."""
        return self._request_action(transaction, "REFUND", amount)

    def transaction_cancel(self, transaction: Any, amount: Decimal | str | None = None) -> PaymentResult:
        """`transactionRequestAction(actionType: CANCEL)`: TRANSACTION_CANCELATION_REQUESTED."""
        return self._request_action(transaction, "CANCEL", amount)

    def transaction_pending(self, transaction: Any, kind: str = "CHARGE") -> Decimal:
        """What the app said is under way for the transaction (`chargePendingAmount` and the like)."""
        with self.store.lock:
            return events.pending(self._ref(Transaction, transaction), kind)
