"""PRODUCT_VARIANT_DELETED: the variant is gone; its plans are archived."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.saleor.webhooks.base import BadPayload, Incoming, Payload, Webhook, nested_id


def handle(incoming: Incoming) -> Mapping[str, Any]:
    """Archives every plan of the variant (running subscriptions keep their plan version)."""
    variant_id = nested_id(incoming.payload, "productVariant")
    if not variant_id:
        raise BadPayload("the payload has no productVariant")
    plans = archive_plans(incoming.installation, variant_ids=[variant_id])
    return {"variant": variant_id, "archived_plans": [plan.pk for plan in plans]}


def subject(payload: Payload) -> str:
    return nested_id(payload, "productVariant")


WEBHOOK = Webhook(
    name="product-variant-deleted", document="webhook_product_variant_deleted", handle=handle, subject=subject
)
