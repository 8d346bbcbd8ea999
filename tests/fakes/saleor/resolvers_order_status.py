"""`orderConfirm` and `orderCancel`, as Saleor 3.21 rules them (both need MANAGE_ORDERS).

- `orderConfirm`: only an UNCONFIRMED order with lines (INVALID otherwise: "Provided order id belongs to
  non-unconfirmed order." / "… an order with no lines."); it becomes UNFULFILLED, so it can be fulfilled.
- `orderCancel`: not a draft nor an order cancelled already (CANNOT_CANCEL_ORDER, "This order can't be
  canceled."); it becomes CANCELED and ORDER_CANCELLED is sent (`order_actions.cancel_order`).
"""

from __future__ import annotations

from typing import Any

from .auth import Context, MutationError, mutation
from .ids import parse_global_id
from .order_actions import cancel_order
from .state import Order


def _order(context: Context, id: str) -> Order:
    order = context.store.find(Order, id)
    if order is None:
        code = "GRAPHQL_ERROR" if parse_global_id(id) is None else "NOT_FOUND"
        raise MutationError("id", code, f"Couldn't resolve to a node: {id}")
    return order


@mutation("order", "MANAGE_ORDERS")
def order_confirm(context: Context, id: str) -> Order:
    order = _order(context, id)
    if order.status != "UNCONFIRMED":
        raise MutationError("id", "INVALID", "Provided order id belongs to non-unconfirmed order.")
    if not order.lines:
        raise MutationError("id", "INVALID", "Provided order id belongs to an order with no lines.")
    order.status = "UNFULFILLED"
    return order


@mutation("order", "MANAGE_ORDERS")
def order_cancel(context: Context, id: str) -> Order:
    order = _order(context, id)
    if order.status in ("DRAFT", "CANCELED", "EXPIRED"):
        raise MutationError("order", "CANNOT_CANCEL_ORDER", "This order can't be canceled.")
    cancel_order(context.store, order, context.principal)
    return order


RESOLVERS: dict[str, dict[str, Any]] = {
    "Mutation": {"orderConfirm": order_confirm, "orderCancel": order_cancel},
}
