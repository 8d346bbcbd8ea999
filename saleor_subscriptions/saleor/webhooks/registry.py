"""Every webhook the app subscribes to, by name: the manifest registers these, the intake accepts these."""

from __future__ import annotations

from saleor_subscriptions.saleor.webhooks import (
    order_cancelled,
    order_created,
    order_fully_paid,
    order_fully_refunded,
    product_deleted,
    product_variant_deleted,
)
from saleor_subscriptions.saleor.webhooks.base import Webhook

WEBHOOKS: dict[str, Webhook] = {
    webhook.name: webhook
    for webhook in (
        order_created.WEBHOOK,
        order_fully_paid.WEBHOOK,
        order_cancelled.WEBHOOK,
        order_fully_refunded.WEBHOOK,
        product_deleted.WEBHOOK,
        product_variant_deleted.WEBHOOK,
    )
}
