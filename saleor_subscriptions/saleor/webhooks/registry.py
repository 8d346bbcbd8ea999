"""Every webhook the app subscribes to, by name: the manifest registers these, the intake accepts these."""

from __future__ import annotations

from saleor_subscriptions.saleor.webhooks import catalog_events, order_events
from saleor_subscriptions.saleor.webhooks.base import Webhook

WEBHOOKS: dict[str, Webhook] = {
    webhook.name: webhook
    for webhook in (
        order_events.ORDER_CREATED,
        order_events.ORDER_FULLY_PAID,
        order_events.ORDER_CANCELLED,
        order_events.ORDER_FULLY_REFUNDED,
        catalog_events.PRODUCT_DELETED,
        catalog_events.PRODUCT_VARIANT_DELETED,
    )
}
