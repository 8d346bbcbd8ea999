"""What the checkout hook reads of Saleor: a checkout (its customer, channel and lines) and a variant in a
channel (its price), through the app's client."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from saleor_subscriptions.catalog.actions import VariantListing
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.client import SaleorClient, SaleorRequestError, TokenRejectedError
from saleor_subscriptions.saleor.install import PERMISSION_DENIED
from saleor_subscriptions.saleor.money import amount_of


@dataclass(frozen=True)
class CheckoutLineFacts:
    id: str
    variant_id: str
    quantity: int
    metadata: Mapping[str, str]

    def is_plan_line(self, variant_id: str, plan_id: int) -> bool:
        """Whether this line is the subscription to `plan_id` of `variant_id` (the hook wrote it)."""
        try:
            meta = line_metadata.decode(self.metadata)
        except line_metadata.BadLineMetadata:
            return False
        return self.variant_id == variant_id and meta is not None and meta.plan_id == plan_id


@dataclass(frozen=True)
class CheckoutFacts:
    """What the hook reads of a Saleor checkout."""

    id: str
    email: str | None
    user_id: str | None
    channel_slug: str
    currency: str
    lines: tuple[CheckoutLineFacts, ...]


def checkout_lines(data: Any) -> tuple[CheckoutLineFacts, ...]:
    """The `lines` of a checkout as Saleor answers them (a query or a mutation)."""
    return tuple(
        CheckoutLineFacts(
            id=str(line["id"]),
            variant_id=str((line.get("variant") or {}).get("id") or ""),
            quantity=int(line["quantity"]),
            metadata=line_metadata.as_dict(line.get("metadata") or []),
        )
        for line in data or []
    )


def _node(client: SaleorClient, document: str, node_id: str, field: str) -> dict[str, Any] | None:
    """`data[field]` of a query by id; None when Saleor has no such object (a malformed id is answered with a
    top-level error), while a refused token or permission is raised."""
    try:
        data = client.execute(document, {"id": node_id}).get(field)
    except SaleorRequestError as exc:
        if PERMISSION_DENIED in exc.codes or isinstance(exc, TokenRejectedError):
            raise
        return None
    return data if isinstance(data, dict) else None


def read_checkout(client: SaleorClient, checkout_id: str) -> CheckoutFacts | None:
    """The checkout `checkout_id` (the `checkout` document), or None when Saleor knows none by that id."""
    data = _node(client, "checkout", checkout_id, "checkout")
    if data is None:
        return None
    user = data.get("user") or {}
    channel = data.get("channel") or {}
    return CheckoutFacts(
        id=str(data["id"]),
        email=data.get("email") or user.get("email") or None,
        user_id=user.get("id") or None,
        channel_slug=str(channel.get("slug") or ""),
        currency=str(channel.get("currencyCode") or ""),
        lines=checkout_lines(data.get("lines")),
    )


def read_variant(client: SaleorClient, variant_id: str, channel_slug: str) -> VariantListing | None:
    """The variant in one channel (the `product_variant` document): None when Saleor has no such variant; a
    listing whose `price` is None when the variant is not sold in the channel."""
    data = _node(client, "product_variant", variant_id, "productVariant")
    if data is None:
        return None
    listing = next(
        (
            entry
            for entry in data.get("channelListings") or []
            if (entry.get("channel") or {}).get("slug") == channel_slug
        ),
        None,
    )
    price = (listing or {}).get("price") or {}
    return VariantListing(
        variant_id=str(data["id"]),
        product_id=str((data.get("product") or {}).get("id") or ""),
        channel_slug=channel_slug,
        currency=str((listing or {}).get("channel", {}).get("currencyCode") or ""),
        price=amount_of(price, f"the price of {variant_id}") if price.get("amount") is not None else None,
    )
