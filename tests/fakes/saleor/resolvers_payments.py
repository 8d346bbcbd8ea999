"""`transactionCreate`, `transactionEventReport` (HANDLE_PAYMENTS) and `invoiceCreate` (MANAGE_ORDERS).

`transactionCreate` on an order or a checkout: amounts must be in its currency (INCORRECT_CURRENCY), metadata
keys must not be empty (METADATA_KEY_REQUIRED); each amount given is recorded as an `…_SUCCESS` event
("Manual adjustment of the transaction.", without a PSP reference, as Saleor 3.21 writes it) and the order's
charge and authorize statuses follow; ORDER_FULLY_PAID is sent when it makes a placed order paid in full.
`transactionEventReport` (Saleor 3.21's `TransactionEventReport`): only the app that owns the transaction
may report (else PermissionDenied); `amount` is required for `…_REQUEST`/`_SUCCESS`/`_ACTION_REQUIRED`/
`_ADJUSTMENT` events (REQUIRED); an event of the same type and PSP reference already held is answered
`alreadyProcessed` when its amount is the same, refused (INCORRECT_DETAILS, plus a `…_FAILURE` event) when it
is not; a new event moves the amounts (and sets an empty `pspReference` of the transaction on a charge or an
authorization), and ORDER_FULLY_PAID is sent when it makes a placed order paid in full.
`TransactionItem.events` lists the events newest first, as Saleor answers them.
`invoiceCreate` refuses drafts and unconfirmed orders (INVALID_STATUS), an empty number
(NUMBER_NOT_SET) or URL (URL_NOT_SET).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .auth import Context, MutationError, mutation, permission_denied
from .ids import Money, parse_global_id
from .order_actions import add_transaction, new_transaction, paid_in_full
from .resolvers_meta import is_gone
from .state import Checkout, Invoice, Order, Transaction, now
from .transaction_events import add_event

_AMOUNTS = ("amountAuthorized", "amountCharged", "amountRefunded", "amountCanceled")
# Saleor's OPTIONAL_AMOUNT_EVENTS: the others need an `amount` in `transactionEventReport`.
_AMOUNT_OPTIONAL = frozenset(
    {"INFO", "CHARGE_BACK", "REFUND_REVERSE"}
    | {f"{kind}_FAILURE" for kind in ("AUTHORIZATION", "CHARGE", "REFUND", "CANCEL")}
)


def _metadata_ok(data: Mapping[str, Any]) -> None:
    for field in ("metadata", "privateMetadata"):
        if any(not str(entry["key"]).strip() for entry in data.get(field) or []):
            raise MutationError(field, "METADATA_KEY_REQUIRED", "Metadata key cannot be empty.")


@mutation("transaction", "HANDLE_PAYMENTS")
def transaction_create(
    context: Context,
    id: str,
    transaction: Mapping[str, Any],
    transactionEvent: Mapping[str, Any] | None = None,
) -> Transaction:
    node = context.store.node(id) if parse_global_id(id) else None
    if not isinstance(node, Order | Checkout) or is_gone(node):
        raise MutationError("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}")
    currency = node.currency if isinstance(node, Order) else node.channel.currency_code
    kind = "order" if isinstance(node, Order) else "checkout"
    for key in _AMOUNTS:
        money = transaction.get(key)
        if money and str(money["currency"]).upper() != currency:
            raise MutationError(key, "INCORRECT_CURRENCY", f"Currency needs to be the same as for {kind}.")
    _metadata_ok(transaction)
    created = new_transaction(context.store, currency, transaction, app=context.principal.app)
    if transactionEvent:
        created.events.append(
            {
                "type": "INFO",
                "amount": None,
                "psp_reference": transactionEvent.get("pspReference") or "",
                "message": transactionEvent.get("message") or "",
                "created_at": now(),
            }
        )
    if isinstance(node, Order):
        add_transaction(context.store, node, created, context.principal)
    else:
        created.checkout = node
        node.transactions.append(created)
    return created


@mutation("transaction", "HANDLE_PAYMENTS")
def transaction_event_report(
    context: Context,
    *,
    pspReference: str,
    type: str,
    id: str | None = None,
    amount: Decimal | None = None,
    message: str | None = None,
    availableActions: list[str] | None = None,
) -> dict[str, Any]:
    transaction = context.store.find(Transaction, id)
    if transaction is None:
        raise MutationError("id", "NOT_FOUND", f"Couldn't resolve to a node: {id}")
    app = context.principal.app
    if transaction.app is not None and transaction.app is not app:
        raise permission_denied(["OWNER", "HANDLE_PAYMENTS"])
    if amount is None:
        if type not in _AMOUNT_OPTIONAL:
            raise MutationError("amount", "REQUIRED", f"The `amount` field is required for {type} event.")
        amount = Decimal(0)
    existing = next(
        (e for e in transaction.events if (e["type"], e["psp_reference"]) == (type, pspReference)), None
    )
    if existing is not None and existing["amount"] != amount:
        failure = type.rsplit("_", 1)[0] + "_FAILURE"
        why = "The transaction with provided `pspReference` and `type` already exists with different amount."
        add_event(transaction, failure, amount, pspReference, why)
        raise MutationError("pspReference", "INCORRECT_DETAILS", why)
    if existing is not None:
        return {
            "errors": [],
            "alreadyProcessed": True,
            "transaction": transaction,
            "transactionEvent": event_node(existing, transaction),
        }
    order = transaction.order
    was_paid = order is not None and paid_in_full(order)
    event = add_event(transaction, type, amount, pspReference, message or "")
    if type.startswith(("AUTHORIZATION_", "CHARGE_")) and type.endswith(("_REQUEST", "_SUCCESS")):
        transaction.psp_reference = transaction.psp_reference or pspReference
    if availableActions is not None:
        transaction.available_actions = sorted(set(availableActions))
    if order is not None and not order.is_draft and not was_paid and paid_in_full(order):
        context.store.emit("ORDER_FULLY_PAID", "OrderFullyPaid", context.principal, order=order)
    return {
        "errors": [],
        "alreadyProcessed": False,
        "transaction": transaction,
        "transactionEvent": event_node(event, transaction),
    }


def event_node(event: dict[str, Any], transaction: Transaction) -> dict[str, Any]:
    """A stored event as Saleor's `TransactionEvent` type answers it."""
    return {
        "id": f"event-{transaction.id}-{transaction.events.index(event)}",
        "type": event["type"],
        "pspReference": event["psp_reference"],
        "amount": Money(Decimal(event["amount"] or 0), transaction.currency),
        "message": event["message"],
        "createdAt": event["created_at"],
    }


def transaction_events(transaction: Transaction, _info: Any) -> list[dict[str, Any]]:
    return [event_node(event, transaction) for event in reversed(transaction.events)]


@mutation("invoice", "MANAGE_ORDERS")
def invoice_create(context: Context, orderId: str, input: Mapping[str, Any]) -> Invoice:
    order = context.store.find(Order, orderId)
    if order is None:
        raise MutationError("orderId", "NOT_FOUND", f"Couldn't resolve to a node: {orderId}")
    if order.status in ("DRAFT", "UNCONFIRMED"):
        raise MutationError(
            "orderId", "INVALID_STATUS", "Cannot create invoice for draft or unconfirmed order."
        )
    if not str(input.get("number") or "").strip():
        raise MutationError("number", "NUMBER_NOT_SET", "Invoice number cannot be empty.")
    if not str(input.get("url") or "").strip():
        raise MutationError("url", "URL_NOT_SET", "URL cannot be empty.")
    _metadata_ok(input)
    invoice = context.store.add(
        Invoice(
            order=order,
            number=str(input["number"]),
            url=str(input["url"]),
            metadata={str(m["key"]): str(m["value"]) for m in input.get("metadata") or []},
            private_metadata={str(m["key"]): str(m["value"]) for m in input.get("privateMetadata") or []},
        )
    )
    order.invoices.append(invoice)
    return invoice


RESOLVERS: dict[str, dict[str, Any]] = {
    "Mutation": {
        "transactionCreate": transaction_create,
        "transactionEventReport": transaction_event_report,
        "invoiceCreate": invoice_create,
    },
    "TransactionItem": {"events": transaction_events},
}
