"""ORDER_FULLY_PAID: the sign-up order is paid; its subscriptions get their first payment and activate."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.saleor import activation
from saleor_subscriptions.saleor.webhooks.base import Incoming, Payload, Webhook, nested_id


def handle(incoming: Incoming) -> Mapping[str, Any]:
    """Starts what ORDER_CREATED did not (the two may arrive in either order) and activates every
    subscription of the order still waiting for its first payment."""
    order = activation.order_of(incoming.payload)
    return activation.sign_up_from_order(incoming.installation, order, paid=True)


def subject(payload: Payload) -> str:
    return nested_id(payload, "order")


WEBHOOK = Webhook(
    name="order-fully-paid", document="webhook_order_fully_paid", handle=handle, subject=subject
)
