"""Queries of the shop itself (`app`, `channel`, `productVariant`), `tokenVerify`, and catalog fields."""

from __future__ import annotations

from typing import Any

from .auth import AUTHENTICATED_APP, AUTHENTICATED_STAFF_USER, Context, mutation, saleor_error
from .ids import Money, country_name, parse_global_id
from .resolvers_meta import is_gone
from .state import Address, App, Channel, Product, Variant
from .tokens import TokenProblem


def permission_name(code: str) -> str:
    return code.replace("_", " ").capitalize() + "."


def resolve_app(_root: Any, info: Any) -> App | None:
    """The calling app (Saleor: `app` without id needs an authenticated app or staff user; a staff user
    without an id gets null, and needs MANAGE_APPS even for that)."""
    context: Context = info.context
    context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
    if context.principal.app is not None:
        return context.principal.app
    context.require("MANAGE_APPS")
    return None


def resolve_shop(_root: Any, info: Any) -> dict[str, Any]:
    """Saleor's `shop`: public; the fake knows its site name only."""
    return {"name": info.context.store.shop_name}


def resolve_app_permissions(app: App, _info: Any) -> list[dict[str, str]]:
    return [{"code": code, "name": permission_name(code)} for code in sorted(app.permissions)]


def resolve_channel(_root: Any, info: Any, slug: str | None = None, id: str | None = None) -> Channel | None:
    store = info.context.store
    if id is not None:
        return store.find(Channel, id)
    return store.channel_by_slug(slug)


def country(code: str) -> dict[str, str]:
    return {"code": code, "country": country_name(code)}


def resolve_default_country(channel: Channel, _info: Any) -> dict[str, str]:
    return country(channel.default_country)


def resolve_order_settings(channel: Channel, info: Any) -> dict[str, Any]:
    info.context.require("MANAGE_CHANNELS", "MANAGE_ORDERS")
    return {
        "markAsPaidStrategy": channel.mark_as_paid_strategy,
        "automaticallyConfirmAllNewOrders": channel.automatically_confirm_all_new_orders,
        "allowUnpaidOrders": channel.allow_unpaid_orders,
    }


def resolve_payment_settings(channel: Channel, info: Any) -> dict[str, Any]:
    info.context.require("MANAGE_CHANNELS", "HANDLE_PAYMENTS")
    return {"defaultTransactionFlowStrategy": channel.default_transaction_flow_strategy}


def resolve_product_variant(
    _root: Any, info: Any, id: str | None = None, channel: str | None = None, **_ignored: Any
) -> Variant | None:
    """A variant by id. Staff and apps with MANAGE_PRODUCTS see every variant; others only one with a price in
    the channel asked for (or in the only channel)."""
    context: Context = info.context
    if id is None:
        return None
    parsed = parse_global_id(id)
    if parsed is None:
        raise saleor_error(f"Couldn't resolve id: {id}.")
    if parsed[0] != Variant.TYPE:
        raise saleor_error(f"Invalid ID: {id}. Expected: ProductVariant, received: {parsed[0]}.")
    variant = context.store.find(Variant, id)
    if variant is None or is_gone(variant):
        return None
    if context.has("MANAGE_PRODUCTS"):
        return variant
    channels = context.store.all(Channel)
    wanted = (
        context.store.channel_by_slug(channel) if channel else (channels[0] if len(channels) == 1 else None)
    )
    if wanted is None or variant.price_in(wanted) is None:
        return None
    return variant


def resolve_product(_root: Any, info: Any, id: str | None = None, **_ignored: Any) -> Product | None:
    """A product by id, for staff and apps with MANAGE_PRODUCTS (the dashboard's pages); None otherwise."""
    context: Context = info.context
    parsed = parse_global_id(id) if id else None
    if parsed is None or parsed[0] != Product.TYPE or not context.has("MANAGE_PRODUCTS"):
        return None
    product = context.store.find(Product, id)
    return None if product is None or product.deleted else product


def resolve_channels(_root: Any, info: Any) -> list[Channel]:
    """Every channel, for staff and apps (Saleor: AUTHENTICATED_STAFF_USER or AUTHENTICATED_APP)."""
    info.context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
    return list(info.context.store.all(Channel))


def resolve_channel_listings(variant: Variant, info: Any) -> list[dict[str, Any]]:
    info.context.require("MANAGE_PRODUCTS")
    listings = []
    for slug, price in variant.prices.items():
        channel = info.context.store.channel_by_slug(slug)
        if channel is not None:
            listings.append(
                {
                    "__typename": "ProductVariantChannelListing",
                    "id": f"{variant.id}:{channel.slug}",
                    "channel": channel,
                    "price": Money(price, channel.currency_code),
                }
            )
    return listings


def resolve_tax_class(product: Product, info: Any) -> Any:
    info.context.require(AUTHENTICATED_STAFF_USER, AUTHENTICATED_APP)
    return product.tax_class


def resolve_variants(product: Product, _info: Any) -> list[Variant]:
    return [v for v in product.variants if not v.deleted]


def resolve_address_country(address: Address, _info: Any) -> dict[str, str]:
    return country(address.country)


_TOKEN_ERRORS = {
    "ExpiredSignatureError": ("JWT_SIGNATURE_EXPIRED", "Signature has expired"),
    "DecodeError": ("JWT_DECODE_ERROR", "Error decoding signature."),
}


@mutation("payload")
def token_verify(context: Context, token: str) -> dict[str, Any]:
    """Saleor's `tokenVerify`: isValid, the claims and the user; a bad token: an AccountError on `token`."""

    def refused(code: str, message: str) -> dict[str, Any]:
        error = {"field": "token", "code": code, "message": message}
        return {"errors": [error], "isValid": False, "payload": None, "user": None}

    try:
        claims = context.env.keys.decode(token)
    except TokenProblem as problem:
        code, message = _TOKEN_ERRORS.get(problem.code, ("JWT_INVALID_TOKEN", "Invalid token."))
        return refused(code, message)
    user = context.store.user_by_email(claims.get("email"))
    if user is None or not user.is_active or user.jwt_token_key != claims.get("token"):
        return refused("JWT_INVALID_TOKEN", "Invalid token.")
    return {"errors": [], "isValid": True, "payload": claims, "user": user}


RESOLVERS: dict[str, dict[str, Any]] = {
    "Query": {
        "app": resolve_app,
        "channel": resolve_channel,
        "productVariant": resolve_product_variant,
        "product": resolve_product,
        "channels": resolve_channels,
        "shop": resolve_shop,
    },
    "Mutation": {"tokenVerify": token_verify},
    "App": {"permissions": resolve_app_permissions},
    "Channel": {
        "defaultCountry": resolve_default_country,
        "orderSettings": resolve_order_settings,
        "paymentSettings": resolve_payment_settings,
    },
    "ProductVariant": {"channelListings": resolve_channel_listings},
    "Product": {"taxClass": resolve_tax_class, "variants": resolve_variants},
    "Address": {"country": resolve_address_country},
}
