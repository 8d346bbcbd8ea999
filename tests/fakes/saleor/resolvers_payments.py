"""`transactionCreate` (HANDLE_PAYMENTS) and `invoiceCreate` (MANAGE_ORDERS).

`transactionCreate` on an order or a checkout: amounts must be in its currency (INCORRECT_CURRENCY), metadata
keys must not be empty (METADATA_KEY_REQUIRED); each amount given is recorded as an `…_SUCCESS` event and the
order's charge and authorize statuses follow; ORDER_FULLY_PAID is sent when it makes a placed order paid in
full. `invoiceCreate` refuses drafts and unconfirmed orders (INVALID_STATUS), an empty number
(NUMBER_NOT_SET) or URL (URL_NOT_SET).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .auth import Context, MutationError, mutation
from .ids import parse_global_id
from .order_actions import add_transaction, new_transaction
from .resolvers_meta import is_gone
from .state import Checkout, Invoice, Order, Transaction, now

_AMOUNTS = ("amountAuthorized", "amountCharged", "amountRefunded", "amountCanceled")


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
    "Mutation": {"transactionCreate": transaction_create, "invoiceCreate": invoice_create},
}
