"""The order webhooks: a checkout's order starts its subscriptions, its payment activates them, and its
cancellation or full refund ends them (`saleor.activation` does the work; docs/saleor.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.saleor import activation
from saleor_subscriptions.saleor.webhooks.base import Incoming, Payload, Webhook, nested_id


def start_order_subscriptions(incoming: Incoming) -> Mapping[str, Any]:
    """ORDER_CREATED: one subscription per subscription line, activated at once when the order's
    transactions already cover its total (a card charged at checkout), else waiting for ORDER_FULLY_PAID."""
    order = activation.order_of(incoming.payload)
    return activation.sign_up_from_order(incoming.installation, order, paid=False)


def activate_paid_order_subscriptions(incoming: Incoming) -> Mapping[str, Any]:
    """ORDER_FULLY_PAID: starts what ORDER_CREATED did not (the two may arrive in either order) and
    activates every subscription of the order still waiting for its first payment."""
    order = activation.order_of(incoming.payload)
    return activation.sign_up_from_order(incoming.installation, order, paid=True)


def end_order_subscriptions(incoming: Incoming) -> Mapping[str, Any]:
    """ORDER_CANCELLED and ORDER_FULLY_REFUNDED: ends now every subscription the order started, without a
    credit (a renewal order's cancellation ends nothing)."""
    order = activation.order_of(incoming.payload)
    return activation.end_order_subscriptions(incoming.installation, order, event=incoming.event)


def order_subject(payload: Payload) -> str:
    return nested_id(payload, "order")


ORDER_CREATED = Webhook(
    name="order-created",
    document="webhook_order_created",
    handle=start_order_subscriptions,
    subject=order_subject,
)
ORDER_FULLY_PAID = Webhook(
    name="order-fully-paid",
    document="webhook_order_fully_paid",
    handle=activate_paid_order_subscriptions,
    subject=order_subject,
)
ORDER_CANCELLED = Webhook(
    name="order-cancelled",
    document="webhook_order_cancelled",
    handle=end_order_subscriptions,
    subject=order_subject,
)
ORDER_FULLY_REFUNDED = Webhook(
    name="order-fully-refunded",
    document="webhook_order_fully_refunded",
    handle=end_order_subscriptions,
    subject=order_subject,
)
