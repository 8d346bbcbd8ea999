"""Orders: `order(externalReference:)`, `draftOrderCreate`, `draftOrderComplete`, and computed order fields.

Saleor's rules kept: both mutations need MANAGE_ORDERS; `order(externalReference:)` needs MANAGE_ORDERS too
(PermissionDenied otherwise) and answers null for an unknown reference, drafts included; a draft gets its
number when created; `externalReference` is unique (UNIQUE); a line's `price` is a custom unit price, entered
net or gross as the channel enters prices; the same variant twice makes one line; completing checks lines,
billing address, shipping address and method (when shipping is required) and that every variant is still
sold in the channel, recomputes prices and taxes (see `pricing`), sets UNFULFILLED and sends ORDER_CREATED.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .addresses import address_from_input
from .allocation import allocate_stocks
from .auth import Context, MutationError, MutationErrors, mutation, saleor_error
from .ids import Money, TaxedMoney, parse_global_id
from .order_actions import complete_draft, line_for_variant
from .pricing import authorize_status, charge_status, reprice_order, total_charged, total_refunded
from .resolvers_meta import is_gone
from .state import Channel, Order, OrderLine, ShippingMethod, User, Variant


def resolve_order(
    _root: Any, info: Any, externalReference: str | None = None, id: str | None = None
) -> Order | None:
    context: Context = info.context
    if id and externalReference:
        raise saleor_error("Argument 'id' cannot be combined with 'external_reference'")
    if not id and not externalReference:
        raise saleor_error("At least one of arguments is required: 'id', 'external_reference'.")
    if externalReference:
        context.require("MANAGE_ORDERS")
        return context.store.order_by_external_reference(externalReference)
    order = context.store.find(Order, id)
    if order is not None and order.is_draft and not context.has("MANAGE_ORDERS"):
        return None
    return order


def _metadata(entries: list[Mapping[str, Any]] | None, field: str) -> dict[str, str]:
    metadata = {str(e["key"]).strip(): str(e["value"]) for e in entries or []}
    if any(not key for key in metadata):
        raise MutationError(field, "REQUIRED", "Metadata key cannot be empty.")
    return metadata


def _channel(context: Context, channel_id: str | None) -> Channel:
    if not channel_id:
        raise MutationError("channelId", "REQUIRED", "Channel id is required.")
    channel = context.store.find(Channel, channel_id)
    if channel is None:
        raise MutationError("channelId", "NOT_FOUND", f"Couldn't resolve to a node: {channel_id}")
    if not channel.is_active:
        raise MutationError(
            "channelId", "CHANNEL_INACTIVE", "Cannot create draft order with inactive channel."
        )
    return channel


def _lines(context: Context, channel: Channel, lines: list[Mapping[str, Any]]) -> list[OrderLine]:
    result: list[OrderLine] = []
    for data in lines:
        variant = context.store.find(Variant, data["variantId"])
        if variant is None or is_gone(variant):
            raise MutationError(
                "variantId",
                "GRAPHQL_ERROR",
                f"Couldn't resolve to a node: {data['variantId']}",
                variants=[data["variantId"]],
            )
        if data["quantity"] <= 0:
            raise MutationError("quantity", "ZERO_QUANTITY", "Ensure this value is greater than 0.")
        if variant.price_in(channel) is None:
            raise MutationError(
                "lines",
                "NOT_AVAILABLE_IN_CHANNEL",
                f"Cannot add lines with unavailable variants in channel {channel.slug}.",
                variants=[variant.id],
            )
        price = Decimal(data["price"]) if data.get("price") is not None else None
        existing = next((line for line in result if line.variant is variant), None)
        if existing is not None and not data.get("forceNewLine"):
            existing.quantity += data["quantity"]
            existing.price_override = price if price is not None else existing.price_override
            continue
        result.append(line_for_variant(variant, data["quantity"], channel.currency_code, price))
    return result


@mutation("order", "MANAGE_ORDERS")
def draft_order_create(context: Context, input: Mapping[str, Any]) -> Order:
    store = context.store
    channel = _channel(context, input.get("channelId"))
    user = None
    if input.get("user"):
        user = store.find(User, input["user"])
        if user is None:
            raise MutationError("user", "NOT_FOUND", f"Couldn't resolve to a node: {input['user']}")
    user_email = input.get("userEmail")
    if user is None and user_email:
        user = store.user_by_email(user_email)
    if user is not None and not user_email:
        user_email = user.email
    lines = _lines(context, channel, input.get("lines") or [])
    method = None
    if input.get("shippingMethod"):
        method = store.find(ShippingMethod, input["shippingMethod"])
        if method is None:
            raise MutationError(
                "shippingMethod", "NOT_FOUND", f"Couldn't resolve to a node: {input['shippingMethod']}"
            )
        if channel.slug not in method.prices:
            raise MutationError(
                "shippingMethod",
                "SHIPPING_METHOD_NOT_APPLICABLE",
                "Shipping method not available in channel.",
            )
    reference = input.get("externalReference")
    if reference and store.order_by_external_reference(reference) is not None:
        raise MutationError(
            "externalReference", "UNIQUE", f"Order with external_reference: {reference} already exists."
        )
    metadata = _metadata(input.get("metadata"), "metadata")
    private_metadata = _metadata(input.get("privateMetadata"), "privateMetadata")
    shipping = address_from_input(store, input["shippingAddress"]) if input.get("shippingAddress") else None
    billing = address_from_input(store, input["billingAddress"]) if input.get("billingAddress") else None
    order = store.add(
        Order(
            number=store.next_order_number(),
            channel=channel,
            status="DRAFT",
            origin="DRAFT",
            currency=channel.currency_code,
            user=user,
            user_email=user_email,
            external_reference=reference,
            shipping_method=method,
            shipping_method_name=method.name if method else None,
            shipping_address=shipping,
            billing_address=billing,
            customer_note=input.get("customerNote") or "",
            language_code=input.get("languageCode") or "EN_US",
            metadata=metadata,
            private_metadata=private_metadata,
        )
    )
    order.lines = [store.add(line) for line in lines]
    reprice_order(store, order)
    store.emit("DRAFT_ORDER_CREATED", "DraftOrderCreated", context.principal, order=order)
    return order


def draft_problems(order: Order) -> list[MutationError]:
    """Why a draft cannot be completed, as `draftOrderComplete` reports it (every problem at once)."""
    problems: list[MutationError] = []
    if not order.channel.is_active:
        problems.append(
            MutationError("channel", "CHANNEL_INACTIVE", "Cannot complete draft order with inactive channel.")
        )
    if not order.lines:
        problems.append(MutationError("lines", "REQUIRED", "Could not create order without any products."))
    if order.is_shipping_required:
        if order.shipping_method is None:
            problems.append(
                MutationError("shipping", "SHIPPING_METHOD_REQUIRED", "Shipping method is required.")
            )
        if order.shipping_address is None:
            problems.append(
                MutationError(
                    "order", "ORDER_NO_SHIPPING_ADDRESS", "Can't finalize draft with no shipping address."
                )
            )
    if order.billing_address is None:
        problems.append(
            MutationError("order", "BILLING_ADDRESS_NOT_SET", "Can't finalize draft with no billing address.")
        )
    unavailable = [
        line.variant.id if line.variant else line.id
        for line in order.lines
        if line.variant is None or is_gone(line.variant) or line.variant.price_in(order.channel) is None
    ]
    if unavailable:
        problems.append(
            MutationError(
                "lines",
                "NOT_AVAILABLE_IN_CHANNEL",
                "Cannot finalize draft with product unavailable in channel.",
                variants=unavailable,
            )
        )
    return problems


@mutation("order", "MANAGE_ORDERS")
def draft_order_complete(context: Context, id: str) -> Order:
    order = context.store.find(Order, id)
    if order is None:
        code = "GRAPHQL_ERROR" if parse_global_id(id) is None else "NOT_FOUND"
        raise MutationError("id", code, f"Couldn't resolve to a node: {id}")
    if not order.is_draft:
        raise MutationError("id", "INVALID", "The order is not draft.")
    problems = draft_problems(order)
    if problems:
        raise MutationErrors(problems)
    allocate_stocks(context.store, order)
    complete_draft(context.store, order, context.principal)
    return order


def _zero(order: Order) -> TaxedMoney:
    return TaxedMoney.zero(order.currency)


def _line_money(name: str) -> Any:
    def resolve(line: OrderLine, _info: Any) -> TaxedMoney:
        return getattr(line, name) or TaxedMoney.zero(line.currency)

    return resolve


RESOLVERS: dict[str, dict[str, Any]] = {
    "Query": {"order": resolve_order},
    "Mutation": {"draftOrderCreate": draft_order_create, "draftOrderComplete": draft_order_complete},
    "Order": {
        "total": lambda order, _info: order.total or _zero(order),
        "subtotal": lambda order, _info: order.subtotal or _zero(order),
        "shippingPrice": lambda order, _info: order.shipping_price or _zero(order),
        "totalCharged": lambda order, _info: Money(total_charged(order), order.currency),
        "totalRefunded": lambda order, _info: Money(total_refunded(order), order.currency),
        "chargeStatus": lambda order, _info: charge_status(order),
        "authorizeStatus": lambda order, _info: authorize_status(order),
        "userEmail": lambda order, _info: order.user_email or (order.user.email if order.user else None),
    },
    "OrderLine": {
        "variant": lambda line, _info: (
            None if line.variant is None or is_gone(line.variant) else line.variant
        ),
        "unitPrice": _line_money("unit_price"),
        "undiscountedUnitPrice": _line_money("undiscounted_unit_price"),
        "totalPrice": _line_money("total_price"),
    },
}
