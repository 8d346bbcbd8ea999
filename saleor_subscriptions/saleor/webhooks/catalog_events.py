"""The catalog webhooks: a product or variant deleted in Saleor archives its plans (running subscriptions
keep their plan version)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from saleor_subscriptions.catalog.archive import archive_plans
from saleor_subscriptions.saleor.webhooks.base import BadPayload, Incoming, Payload, Webhook, nested_id


def archive_product_plans(incoming: Incoming) -> Mapping[str, Any]:
    """PRODUCT_DELETED: archives every plan of the product and of the variants the payload lists."""
    product = incoming.payload.get("product")
    product_id = nested_id(incoming.payload, "product")
    if not isinstance(product, Mapping) or not product_id:
        raise BadPayload("the payload has no product")
    variants = product.get("variants") or []
    variant_ids = [str(v["id"]) for v in variants if isinstance(v, Mapping) and v.get("id")]
    plans = archive_plans(incoming.installation, product_id=product_id, variant_ids=variant_ids)
    return {"product": product_id, "archived_plans": [plan.pk for plan in plans]}


def archive_variant_plans(incoming: Incoming) -> Mapping[str, Any]:
    """PRODUCT_VARIANT_DELETED: archives every plan of the variant."""
    variant_id = nested_id(incoming.payload, "productVariant")
    if not variant_id:
        raise BadPayload("the payload has no productVariant")
    plans = archive_plans(incoming.installation, variant_ids=[variant_id])
    return {"variant": variant_id, "archived_plans": [plan.pk for plan in plans]}


def product_subject(payload: Payload) -> str:
    return nested_id(payload, "product")


def variant_subject(payload: Payload) -> str:
    return nested_id(payload, "productVariant")


PRODUCT_DELETED = Webhook(
    name="product-deleted",
    document="webhook_product_deleted",
    handle=archive_product_plans,
    subject=product_subject,
)
PRODUCT_VARIANT_DELETED = Webhook(
    name="product-variant-deleted",
    document="webhook_product_variant_deleted",
    handle=archive_variant_plans,
    subject=variant_subject,
)
