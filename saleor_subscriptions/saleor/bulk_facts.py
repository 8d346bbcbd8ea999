"""`SaleorBulkFacts`: the production `BulkFactsSource`, read from the shop's Saleor (see `bulk_orders`).

`orderBulkCreate` imports an order as given, so the app prices and taxes it itself, and that must give what
Saleor would compute for a draft order of the same lines. Saleor's flat-rate rule for an order (3.20+):

- the country is the shipping address's, else the billing address's (`get_active_country`);
- the channel's tax configuration (`Channel.taxConfiguration`) applies, unless it has an exception for that
  country (`countries`): then the exception's `chargeTaxes` and `taxCalculationStrategy` do;
  `pricesEnteredWithTax` is the channel's;
- a line's tax class is its product's, else its product type's; its rate is the class's rate for the country
  (`TaxClassCountryRate`), else the country's default rate (the rate without a tax class), else 0.

Read (documents `variant_tax_class`, only for a product without its own tax class; `channel_taxes`, per
channel; `tax_country_rates`, per country), each kept for `ttl` seconds, and the answer per channel, country
and tax class too: the renewals of one run share the reads. All of them need only an authenticated app.

The answer is None (the order goes as a draft: Saleor prices and taxes it) wherever the app's figures could
differ from Saleor's: no tax class on the product or its type (3.21's `orderBulkCreate` needs one), a
channel without warehouses, a tax app (or a strategy that is not set: Saleor's documentation and its code
read that differently), taxes not charged on prices entered with tax (Saleor then takes the tax out of the
entered gross), or no rate for the country at all (neither the class's nor a default one). Taxes not charged
on net prices are a rate of 0.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saleor_subscriptions.saleor.bulk_orders import BulkFacts
from saleor_subscriptions.saleor.catalog_cache import NotInSaleor, TtlCache, VariantFacts
from saleor_subscriptions.saleor.client import SaleorClient
from saleor_subscriptions.saleor.money import exact_number
from saleor_subscriptions.saleor.renewal_context import RenewalContext

logger = logging.getLogger(__name__)

FLAT_RATES = "FLAT_RATES"
TTL_S = 300.0  # short: a renewal run's orders share the reads, a changed tax set-up is seen soon after


@dataclass(frozen=True)
class CountryTaxes:
    """What the channel's tax configuration says for one country."""

    charge_taxes: bool
    strategy: str | None  # FLAT_RATES, TAX_APP, or None: not set, or not known for sure


@dataclass(frozen=True)
class ChannelTaxes:
    """A channel's warehouse for imported order lines and its tax configuration."""

    warehouse_id: str | None
    prices_entered_with_tax: bool
    charge_taxes: bool
    strategy: str | None
    exceptions: Mapping[str, Mapping[str, Any]]  # country code -> TaxConfigurationPerCountry

    def taxes_in(self, country: str) -> CountryTaxes:
        exception = self.exceptions.get(country)
        if exception is None:
            return CountryTaxes(self.charge_taxes, self.strategy)
        strategy = exception.get("taxCalculationStrategy")
        if strategy is None:
            # "use the value from the channel's tax configuration", says the schema; Saleor's code uses flat
            # rates. Only where both readings agree is the strategy known.
            strategy = FLAT_RATES if self.strategy == FLAT_RATES else None
        return CountryTaxes(bool(exception.get("chargeTaxes")), strategy)


@dataclass(frozen=True)
class CountryRates:
    """A country's flat rates in percent: per tax class id, and the default (for a class without one)."""

    by_class: Mapping[str, Decimal]
    default: Decimal | None

    def rate_of(self, tax_class_id: str) -> Decimal | None:
        return self.by_class.get(tax_class_id, self.default)


def _percent(value: Any) -> Decimal:
    """Saleor's Float rate as the exact Decimal it sent (`money.exact_number`)."""
    return exact_number(value, "a tax rate")


class SaleorBulkFacts:
    """The bulk facts of renewal orders, read through the installation's SaleorClient (module docstring)."""

    def __init__(self, ttl: float = TTL_S, clock: Callable[[], float] = time.monotonic) -> None:
        self._type_classes: TtlCache[tuple[str, str], str | None] = TtlCache(ttl, clock)
        self._channels: TtlCache[tuple[str, str], ChannelTaxes] = TtlCache(ttl, clock)
        self._rates: TtlCache[tuple[str, str], CountryRates] = TtlCache(ttl, clock)
        self._answers: TtlCache[tuple[str, str, str, str], BulkFacts | None] = TtlCache(ttl, clock)

    def bulk_facts(
        self, client: SaleorClient, context: RenewalContext, variant: VariantFacts, country: str
    ) -> BulkFacts | None:
        tax_class_id = variant.tax_class_id or self.product_type_tax_class(client, variant.variant_id)
        slug = context.channel_slug
        key = (client.api_url, slug, country, tax_class_id or "")
        return self._answers.get(key, lambda: self._answer(client, slug, country, tax_class_id))

    def _answer(
        self, client: SaleorClient, slug: str, country: str, tax_class_id: str | None
    ) -> BulkFacts | None:
        decided = self._decide(client, slug, country, tax_class_id)
        if isinstance(decided, BulkFacts):
            return decided
        logger.info(
            "renewal orders in channel %s to %s go as draft orders: %s", slug, country or "-", decided
        )
        return None

    def _decide(
        self, client: SaleorClient, slug: str, country: str, tax_class_id: str | None
    ) -> BulkFacts | str:
        """The facts, or why there are none."""
        if tax_class_id is None:
            return "neither the product nor its type has a tax class (orderBulkCreate needs one)"
        if not country:
            return "the order has no country"
        channel = self.channel_taxes(client, slug)
        if channel.warehouse_id is None:
            return "the channel has no warehouse"
        taxes = channel.taxes_in(country)
        if not taxes.charge_taxes:
            if channel.prices_entered_with_tax:
                return "taxes are not charged on prices entered with tax (Saleor takes the tax out)"
            return BulkFacts(channel.warehouse_id, tax_class_id, Decimal(0), prices_entered_with_tax=False)
        if taxes.strategy != FLAT_RATES:
            return f"taxes are computed by {taxes.strategy or 'a strategy that is not set'}, not flat rates"
        rate = self.country_rates(client, country).rate_of(tax_class_id)
        if rate is None:
            return f"no flat rate for {country}: neither the tax class's nor a default one"
        return BulkFacts(channel.warehouse_id, tax_class_id, rate / 100, channel.prices_entered_with_tax)

    # --- the reads, each cached ------------------------------------------------------------------------

    def product_type_tax_class(self, client: SaleorClient, variant_id: str) -> str | None:
        """The tax class of the variant's product, else of its product type (`variant_tax_class`)."""

        def load() -> str | None:
            variant = client.execute("variant_tax_class", {"id": variant_id}).get("productVariant")
            if not variant:
                raise NotInSaleor(f"variant {variant_id} does not exist in {client.api_url}")
            product = variant["product"]
            tax_class = product.get("taxClass") or (product.get("productType") or {}).get("taxClass") or {}
            return str(tax_class["id"]) if tax_class.get("id") else None

        return self._type_classes.get((client.api_url, variant_id), load)

    def channel_taxes(self, client: SaleorClient, slug: str) -> ChannelTaxes:
        """The channel's first warehouse and its tax configuration (`channel_taxes`)."""

        def load() -> ChannelTaxes:
            channel = client.execute("channel_taxes", {"slug": slug}).get("channel")
            if not channel:
                raise NotInSaleor(f"channel {slug!r} does not exist in {client.api_url}")
            warehouses = channel.get("warehouses") or []
            config = channel["taxConfiguration"]
            return ChannelTaxes(
                warehouse_id=str(warehouses[0]["id"]) if warehouses else None,
                prices_entered_with_tax=bool(config["pricesEnteredWithTax"]),
                charge_taxes=bool(config["chargeTaxes"]),
                strategy=config.get("taxCalculationStrategy"),
                exceptions={str(c["country"]["code"]): c for c in config.get("countries") or ()},
            )

        return self._channels.get((client.api_url, slug), load)

    def country_rates(self, client: SaleorClient, country: str) -> CountryRates:
        """The flat rates of a country, per tax class and the default (`tax_country_rates`)."""

        def load() -> CountryRates:
            answer = client.execute("tax_country_rates", {"countryCode": country}).get(
                "taxCountryConfiguration"
            )
            by_class: dict[str, Decimal] = {}
            default: Decimal | None = None
            for row in (answer or {}).get("taxClassCountryRates") or ():
                tax_class = row.get("taxClass")
                if tax_class:
                    by_class[str(tax_class["id"])] = _percent(row["rate"])
                else:
                    default = _percent(row["rate"])
            return CountryRates(by_class, default)

        return self._rates.get((client.api_url, country), load)
