"""What can happen to an order, shared by the GraphQL mutations and the control API; each action records the
webhook events it causes on the store (`Store.emit`), as Saleor triggers them."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .addresses import copy_address
from .ids import TaxedMoney
from .pricing import checkout_prices, is_fully_paid, reprice_order, total_charged
from .state import App, Channel, Checkout, Order, OrderLine, Store, Transaction, Variant, now


def confirmed_status(channel: Channel) -> str:
    """A new order is UNFULFILLED, or UNCONFIRMED where the channel does not confirm orders automatically."""
    return "UNFULFILLED" if channel.automatically_confirm_all_new_orders else "UNCONFIRMED"


def variant_name(variant: Variant) -> str:
    # Saleor stores str(variant): the name, else (as the captures show) the variant's global id.
    return variant.name or variant.id


def line_for_variant(variant: Variant, quantity: int, currency: str, price: Decimal | None) -> OrderLine:
    product = variant.product
    return OrderLine(
        variant=variant,
        product_name=product.name,
        variant_name=variant_name(variant),
        product_sku=variant.sku,
        quantity=quantity,
        currency=currency,
        is_shipping_required=product.product_type.is_shipping_required,
        price_override=price,
        tax_class=product.tax_class or product.product_type.tax_class,
    )


def paid_in_full(order: Order) -> bool:
    return total_charged(order) > 0 and is_fully_paid(order)


def order_from_checkout(store: Store, checkout: Checkout, principal: Any = None) -> Order:
    """`checkoutComplete`: the order takes the checkout's prices, addresses (copied), delivery method,
    metadata,
    transactions and its lines with their metadata; sends ORDER_CREATED, then ORDER_FULLY_PAID when the
    transactions charged the whole total."""
    prices = checkout_prices(store, checkout)
    channel = checkout.channel
    order = store.add(
        Order(
            number=store.next_order_number(),
            channel=channel,
            status=confirmed_status(channel),
            origin="CHECKOUT",
            currency=channel.currency_code,
            user=checkout.user,
            user_email=checkout.email or (checkout.user.email if checkout.user else None),
            billing_address=copy_address(store, checkout.billing_address),
            shipping_address=copy_address(store, checkout.shipping_address),
            shipping_method=checkout.delivery_method,
            shipping_method_name=checkout.delivery_method.name if checkout.delivery_method else None,
            shipping_price=prices.shipping,
            shipping_tax_rate=prices.shipping_tax_rate,
            subtotal=prices.subtotal,
            total=prices.total,
            metadata=dict(checkout.metadata),
            private_metadata=dict(checkout.private_metadata),
            checkout=checkout,
        )
    )
    for line in checkout.lines:
        price = prices.lines[str(line.pk)]
        order_line = line_for_variant(line.variant, line.quantity, order.currency, line.price_override)
        order_line.unit_price = order_line.undiscounted_unit_price = price.unit
        order_line.total_price = order_line.undiscounted_total_price = price.total
        order_line.tax_rate = price.tax_rate
        order_line.metadata = dict(line.metadata)
        order_line.private_metadata = dict(line.private_metadata)
        order.lines.append(store.add(order_line))
    for transaction in checkout.transactions:
        transaction.order = order
        order.transactions.append(transaction)
    checkout.order = order
    store.emit("ORDER_CREATED", "OrderCreated", principal, order=order)
    if paid_in_full(order):
        store.emit("ORDER_FULLY_PAID", "OrderFullyPaid", principal, order=order)
    return order


def complete_draft(store: Store, order: Order, principal: Any = None) -> None:
    """`draftOrderComplete` after validation: prices recomputed, status UNFULFILLED (always: Saleor confirms
    a draft by completing it, whatever the channel's `automaticallyConfirmAllNewOrders`); sends ORDER_CREATED
    (and ORDER_FULLY_PAID when transactions already charged it all)."""
    reprice_order(store, order)
    order.status = "UNFULFILLED"
    if order.user is not None and not order.user_email:
        order.user_email = order.user.email
    store.emit("ORDER_CREATED", "OrderCreated", principal, order=order)
    if paid_in_full(order):
        store.emit("ORDER_FULLY_PAID", "OrderFullyPaid", principal, order=order)


def new_transaction(
    store: Store, currency: str, data: Mapping[str, Any], app: App | None = None, **links: Any
) -> Transaction:
    """A TransactionItem from `TransactionCreateInput` (camelCase keys): each amount given becomes an
    `…_SUCCESS` event, as `transactionCreate` records them."""
    amounts = {
        "amountAuthorized": ("authorized_value", "AUTHORIZATION_SUCCESS"),
        "amountCharged": ("charged_value", "CHARGE_SUCCESS"),
        "amountRefunded": ("refunded_value", "REFUND_SUCCESS"),
        "amountCanceled": ("canceled_value", "CANCEL_SUCCESS"),
    }
    transaction = Transaction(
        currency=currency,
        name=str(data.get("name") or ""),
        psp_reference=str(data.get("pspReference") or ""),
        message=str(data.get("message") or ""),
        available_actions=list(data.get("availableActions") or []),
        external_url=str(data.get("externalUrl") or ""),
        metadata={str(m["key"]): str(m["value"]) for m in data.get("metadata") or []},
        private_metadata={str(m["key"]): str(m["value"]) for m in data.get("privateMetadata") or []},
        app=app,
        **links,
    )
    for key, (attribute, event_type) in amounts.items():
        money = data.get(key)
        if money:
            setattr(transaction, attribute, Decimal(money["amount"]))
            transaction.events.append(
                {
                    "type": event_type,
                    "amount": Decimal(money["amount"]),
                    "psp_reference": "",  # Saleor's manual adjustments carry none
                    "message": "Manual adjustment of the transaction.",
                    "created_at": now(),
                }
            )
    return store.add(transaction)


def add_transaction(store: Store, order: Order, transaction: Transaction, principal: Any = None) -> None:
    """Attaches a transaction to an order; ORDER_FULLY_PAID when it makes a placed order paid in full."""
    was_paid = paid_in_full(order)
    transaction.order = order
    order.transactions.append(transaction)
    if not order.is_draft and not was_paid and paid_in_full(order):
        store.emit("ORDER_FULLY_PAID", "OrderFullyPaid", principal, order=order)


def cancel_order(store: Store, order: Order, principal: Any = None) -> None:
    if order.status in ("DRAFT", "CANCELED"):
        raise ValueError(f"an order in status {order.status} cannot be cancelled")
    order.status = "CANCELED"
    store.emit("ORDER_CANCELLED", "OrderCancelled", principal, order=order)


def refund_fully(store: Store, order: Order, principal: Any = None) -> None:
    """Refunds everything charged (each transaction's charged amount moves to refunded): ORDER_REFUNDED and
    ORDER_FULLY_REFUNDED."""
    if total_charged(order) <= 0:
        raise ValueError("nothing was charged on this order")
    for transaction in order.transactions:
        amount = transaction.charged_value
        if amount > 0:
            transaction.charged_value = Decimal(0)
            transaction.refunded_value += amount
            transaction.events.append(
                {
                    "type": "REFUND_SUCCESS",
                    "amount": amount,
                    "psp_reference": transaction.psp_reference,
                    "message": "",
                    "created_at": now(),
                }
            )
    store.emit("ORDER_REFUNDED", "OrderRefunded", principal, order=order)
    store.emit("ORDER_FULLY_REFUNDED", "OrderFullyRefunded", principal, order=order)


def zero_prices(line: OrderLine) -> None:
    zero = TaxedMoney.zero(line.currency)
    line.unit_price = line.undiscounted_unit_price = line.total_price = line.undiscounted_total_price = zero
