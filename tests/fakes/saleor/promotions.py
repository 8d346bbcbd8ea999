"""Catalogue promotions on draft order lines, and `orderLineDiscountUpdate` (as Saleor 3.21 keeps them).

Saleor applies a variant's catalogue promotion to the lines of editable orders (drafts and UNCONFIRMED
orders) as an OrderLineDiscount of type PROMOTION, also to a line with a custom `price` (on that price); the
line's `unitPrice` is then discounted, `undiscountedUnitPrice` is not, and `unitDiscount` is the difference
(per unit, as entered). A MANUAL line discount (`orderLineDiscountUpdate`, FIXED or PERCENTAGE, 0 included)
replaces it: manual line discounts do not stack with catalogue ones. `orderBulkCreate` imports prices as
given and applies no promotion. `pricing.line_discounted_base` does the arithmetic."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .auth import Context, MutationError, mutation
from .ids import Money, parse_global_id
from .pricing import reprice_order
from .state import OrderLine


@mutation("orderLine", "MANAGE_ORDERS")
def order_line_discount_update(context: Context, orderLineId: str, input: Mapping[str, Any]) -> Any:
    line = context.store.find(OrderLine, orderLineId)
    if line is None:
        code = "GRAPHQL_ERROR" if parse_global_id(orderLineId) is None else "NOT_FOUND"
        raise MutationError("orderLineId", code, f"Couldn't resolve to a node: {orderLineId}")
    order = next((o for o in context.store.all_orders() if line in o.lines), None)
    if order is None or order.status not in ("DRAFT", "UNCONFIRMED"):
        raise MutationError("orderId", "CANNOT_DISCOUNT", "Only draft and unconfirmed orders are discounted.")
    value = Decimal(str(input["value"]))
    if input["valueType"] == "PERCENTAGE" and value > 100:
        raise MutationError("value", "INVALID", "Percentage discount cannot be higher than 100.")
    line.discounts = [
        {
            "type": "MANUAL",
            "value_type": input["valueType"],
            "value": value,
            "reason": input.get("reason") or "",
            "name": "",
        }
    ]
    reprice_order(context.store, order)
    return {"errors": [], "orderLine": line, "order": order}


RESOLVERS: dict[str, dict[str, Any]] = {
    "Mutation": {"orderLineDiscountUpdate": order_line_discount_update},
    "OrderLine": {
        "unitDiscount": lambda line, _info: line.unit_discount or Money(Decimal(0), line.currency),
    },
}
