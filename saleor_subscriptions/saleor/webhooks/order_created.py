"""ORDER_CREATED: a checkout became an order; its subscription lines start (and activate when it is paid)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.saleor import activation
from saleor_subscriptions.saleor.webhooks.base import Incoming, Payload, Webhook, nested_id


def handle(incoming: Incoming) -> Mapping[str, Any]:
    """One subscription per subscription line, activated at once when the order's transactions already
    cover its total (a card charged at checkout), else waiting for ORDER_FULLY_PAID."""
    order = activation.order_of(incoming.payload)
    return activation.sign_up_from_order(incoming.installation, order, paid=False)


def subject(payload: Payload) -> str:
    return nested_id(payload, "order")


WEBHOOK = Webhook(name="order-created", document="webhook_order_created", handle=handle, subject=subject)
