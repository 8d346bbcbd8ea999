"""ORDER_FULLY_REFUNDED: the shop refunded a whole order; the subscriptions it started end."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.saleor import activation
from saleor_subscriptions.saleor.webhooks.base import Incoming, Payload, Webhook, nested_id


def handle(incoming: Incoming) -> Mapping[str, Any]:
    """Ends now, without a credit (the refund returned the money), every subscription the order started."""
    order = activation.order_of(incoming.payload)
    return activation.end_order_subscriptions(incoming.installation, order, event=incoming.event)


def subject(payload: Payload) -> str:
    return nested_id(payload, "order")


WEBHOOK = Webhook(
    name="order-fully-refunded", document="webhook_order_fully_refunded", handle=handle, subject=subject
)
