"""PRODUCT_DELETED: the product is gone; the plans of its variants are archived."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.saleor.webhooks.base import BadPayload, Incoming, Payload, Webhook, nested_id


def handle(incoming: Incoming) -> Mapping[str, Any]:
    """Archives every plan of the product and of the variants the payload lists (running subscriptions
    keep their plan version)."""
    product = incoming.payload.get("product")
    product_id = nested_id(incoming.payload, "product")
    if not isinstance(product, Mapping) or not product_id:
        raise BadPayload("the payload has no product")
    variants = product.get("variants") or []
    variant_ids = [str(v["id"]) for v in variants if isinstance(v, Mapping) and v.get("id")]
    plans = archive_plans(incoming.installation, product_id=product_id, variant_ids=variant_ids)
    return {"product": product_id, "archived_plans": [plan.pk for plan in plans]}


def subject(payload: Payload) -> str:
    return nested_id(payload, "product")


WEBHOOK = Webhook(name="product-deleted", document="webhook_product_deleted", handle=handle, subject=subject)
