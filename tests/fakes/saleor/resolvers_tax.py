"""Taxes and warehouses as Saleor shows them: `Channel.taxConfiguration` (with its country exceptions),
`Channel.warehouses`, `ProductType.taxClass` and `taxCountryConfiguration(countryCode)` (the flat rates of a
country: one row per tax class with a rate there, and a row without tax class for the default rate).

Every one of them needs an authenticated app or staff user, as in Saleor 3.21.
"""

from __future__ import annotations

from typing import Any

from .auth import AUTHENTICATED_APP, AUTHENTICATED_STAFF_USER, Context
from .ids import global_id
from .resolvers_catalog import country
from .state import Channel, ProductType, TaxClass, TaxException, Warehouse


def _authenticated(info: Any) -> Context:
    context: Context = info.context
    context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
    return context


def resolve_warehouses(channel: Channel, info: Any) -> list[Warehouse]:
    _authenticated(info)
    return list(channel.warehouses)


def _exception(exception: TaxException, channel: Channel) -> dict[str, Any]:
    return {
        "country": country(exception.country),
        "chargeTaxes": exception.charge_taxes,
        "taxCalculationStrategy": exception.tax_calculation_strategy,
        "displayGrossPrices": channel.prices_entered_with_tax,
        "taxAppId": None,
        "useWeightedTaxForShipping": False,
    }


def resolve_tax_configuration(channel: Channel, info: Any) -> dict[str, Any]:
    _authenticated(info)
    return {
        "__typename": "TaxConfiguration",
        # Saleor's TaxConfiguration has its own pk; the fake has one per channel, so the channel's serves.
        "id": global_id("TaxConfiguration", channel.pk),
        "channel": channel,
        "chargeTaxes": channel.charge_taxes,
        "taxCalculationStrategy": channel.tax_calculation_strategy,
        "displayGrossPrices": channel.prices_entered_with_tax,
        "pricesEnteredWithTax": channel.prices_entered_with_tax,
        "countries": [_exception(e, channel) for e in channel.tax_exceptions.values()],
        "taxAppId": None,
        "useWeightedTaxForShipping": False,
        "metadata": [],
        "privateMetadata": [],
    }


def resolve_product_type_tax_class(product_type: ProductType, info: Any) -> TaxClass | None:
    _authenticated(info)
    return product_type.tax_class


def resolve_tax_country_configuration(_root: Any, info: Any, countryCode: str) -> dict[str, Any]:
    context = _authenticated(info)
    rates: list[dict[str, Any]] = [
        {"country": country(countryCode), "rate": float(tax_class.rates[countryCode]), "taxClass": tax_class}
        for tax_class in context.store.all(TaxClass)
        if countryCode in tax_class.rates
    ]
    default = context.store.default_rates.get(countryCode)
    if default is not None:
        rates.append({"country": country(countryCode), "rate": float(default), "taxClass": None})
    return {"country": country(countryCode), "taxClassCountryRates": rates}


RESOLVERS: dict[str, dict[str, Any]] = {
    "Query": {"taxCountryConfiguration": resolve_tax_country_configuration},
    "Channel": {"warehouses": resolve_warehouses, "taxConfiguration": resolve_tax_configuration},
    "ProductType": {"taxClass": resolve_product_type_tax_class},
}
