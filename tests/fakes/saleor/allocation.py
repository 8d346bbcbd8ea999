"""Stock allocation at `draftOrderComplete`, as Saleor's `allocate_stocks`: each line of a variant that
tracks inventory takes its quantity from one warehouse of the order's channel (all warehouses when the
channel has none assigned) with enough stock left; otherwise the order stays a draft and the mutation answers
INSUFFICIENT_STOCK on `lines` ("Insufficient product stock: <variant>", with `orderLines` and `variants`)."""

from __future__ import annotations

from .auth import MutationError
from .state import Order, Stock, Store, Warehouse


def allocate_stocks(store: Store, order: Order) -> None:
    warehouses = order.channel.warehouses or store.all(Warehouse)
    taken: list[tuple[Stock, int]] = []
    for line in order.lines:
        variant = line.variant
        if variant is None or not variant.track_inventory:
            continue
        stocks = [store.stocks.get((str(variant.pk), str(warehouse.pk))) for warehouse in warehouses]
        stock = next((s for s in stocks if s is not None and s.quantity - s.allocated >= line.quantity), None)
        if stock is None:
            for held, quantity in taken:
                held.allocated -= quantity
            raise MutationError(
                "lines",
                "INSUFFICIENT_STOCK",
                f"Insufficient product stock: {variant.name or variant.id}",
                orderLines=[line.id],
                variants=[variant.id],
            )
        stock.allocated += line.quantity
        taken.append((stock, line.quantity))
