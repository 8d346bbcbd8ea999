"""Channel ids and variant facts read from Saleor, kept per process: every renewal order needs them and they
almost never change (an hour at most, so a channel made again under its old slug is found again)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

from saleor_subscriptions.saleor.client import SaleorClient, SaleorError

K = TypeVar("K")
V = TypeVar("V")

TTL_S = 3600.0


class NotInSaleor(SaleorError):
    """A channel or variant the renewal needs does not exist in the shop's Saleor (any more)."""


class TtlCache(Generic[K, V]):
    """A value per key, loaded on first use and kept for `ttl` seconds; thread-safe (loads may overlap)."""

    def __init__(self, ttl: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self.ttl = ttl
        self._clock = clock
        self._values: dict[K, tuple[float, V]] = {}
        self._lock = threading.Lock()

    def get(self, key: K, load: Callable[[], V]) -> V:
        now = self._clock()
        with self._lock:
            hit = self._values.get(key)
        if hit is not None and now - hit[0] < self.ttl:
            return hit[1]
        value = load()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def forget(self, key: K) -> None:
        with self._lock:
            self._values.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


@dataclass(frozen=True)
class VariantFacts:
    """What an order line of a variant needs besides its price."""

    variant_id: str
    name: str
    sku: str
    product_name: str
    tax_class_id: str | None
    shipping_required: bool


CHANNELS: TtlCache[tuple[str, str], str] = TtlCache()
VARIANTS: TtlCache[tuple[str, str], VariantFacts] = TtlCache()


def channel_id(client: SaleorClient, slug: str) -> str:
    """The global id of the channel `slug` in this Saleor (`channel` document)."""

    def load() -> str:
        channel = client.execute("channel", {"slug": slug}).get("channel")
        if not channel:
            raise NotInSaleor(f"channel {slug!r} does not exist in {client.api_url}")
        return str(channel["id"])

    return CHANNELS.get((client.api_url, slug), load)


def variant_facts(client: SaleorClient, variant_id: str) -> VariantFacts:
    """A variant's names, its product's tax class and whether it ships (`product_variant` document)."""

    def load() -> VariantFacts:
        variant = client.execute("product_variant", {"id": variant_id}).get("productVariant")
        if not variant:
            raise NotInSaleor(f"variant {variant_id} does not exist in {client.api_url}")
        product = variant["product"]
        tax_class = product.get("taxClass") or {}
        return VariantFacts(
            variant_id=str(variant["id"]),
            name=str(variant.get("name") or ""),
            sku=str(variant.get("sku") or ""),
            product_name=str(product.get("name") or ""),
            tax_class_id=str(tax_class["id"]) if tax_class.get("id") else None,
            shipping_required=bool((product.get("productType") or {}).get("isShippingRequired")),
        )

    return VARIANTS.get((client.api_url, variant_id), load)
