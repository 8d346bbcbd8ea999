"""Checkouts: `checkout(id)`, `checkoutLinesAdd`, `checkoutLinesUpdate`, and the checkout's computed prices.

Saleor's rules kept: a checkout is read and changed by its id, no permission needed; a custom line `price`
needs an app holding HANDLE_CHECKOUTS (else PermissionDenied); adding a variant already in the checkout adds
to that line (unless `forceNewLine`), replacing its custom price and merging its metadata; a quantity of 0 in
`checkoutLinesUpdate` removes the line; at most 50 of an item per line; a variant without a price in the
checkout's channel is refused (UNAVAILABLE_VARIANT_IN_CHANNEL).
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .auth import Context, MutationError, mutation, permission_denied
from .ids import Money, TaxedMoney, parse_global_id
from .pricing import checkout_prices
from .resolvers_meta import is_gone
from .state import Checkout, CheckoutLine, Variant

MAX_LINE_QUANTITY = 50


def find_checkout(context: Context, checkout_id: str | None) -> Checkout | None:
    checkout = context.store.find(Checkout, checkout_id)
    return None if checkout is None or is_gone(checkout) else checkout


def resolve_checkout(_root: Any, info: Any, id: str | None = None, **_ignored: Any) -> Checkout | None:
    return find_checkout(info.context, id)


def _checkout_or_error(context: Context, checkout_id: str | None) -> Checkout:
    checkout = find_checkout(context, checkout_id)
    if checkout is None:
        raise MutationError("id", "NOT_FOUND", f"Couldn't resolve to a node: {checkout_id}")
    return checkout


def _check_price_permission(context: Context, lines: list[Mapping[str, Any]]) -> None:
    if any(line.get("price") is not None for line in lines):
        app = context.principal.app
        if app is None or "HANDLE_CHECKOUTS" not in app.permissions:
            raise permission_denied(["HANDLE_CHECKOUTS"])


def _variant(context: Context, variant_id: str) -> Variant:
    variant = context.store.find(Variant, variant_id)
    if variant is None or is_gone(variant):
        message = f"Couldn't resolve to a node: {variant_id}"
        if parse_global_id(variant_id) is None:
            message = f"Couldn't resolve id: {variant_id}."
        raise MutationError("variantId", "GRAPHQL_ERROR", message, variants=[variant_id])
    return variant


def _check_quantity(quantity: int, variant: Variant, allow_zero: bool) -> None:
    if quantity < 0 or (quantity == 0 and not allow_zero):
        raise MutationError("quantity", "ZERO_QUANTITY", "The quantity should be higher than zero.")
    if quantity > MAX_LINE_QUANTITY:
        raise MutationError(
            "quantity",
            "QUANTITY_GREATER_THAN_LIMIT",
            f"Cannot add more than {MAX_LINE_QUANTITY} times this item: {variant.sku or variant.id}.",
            variants=[variant.id],
        )


def _metadata(entries: list[Mapping[str, Any]] | None) -> dict[str, str]:
    metadata = {str(e["key"]).strip(): str(e["value"]) for e in entries or []}
    if any(not key for key in metadata):
        raise MutationError("metadata", "REQUIRED", "Metadata key cannot be empty.")
    return metadata


@mutation("checkout")
def checkout_lines_add(context: Context, lines: list[Mapping[str, Any]], id: str | None = None) -> Checkout:
    checkout = _checkout_or_error(context, id)
    _check_price_permission(context, lines)
    planned: list[tuple[Variant, Mapping[str, Any], dict[str, str]]] = []
    for data in lines:
        variant = _variant(context, data["variantId"])
        if variant.price_in(checkout.channel) is None:
            raise MutationError(
                "lines",
                "UNAVAILABLE_VARIANT_IN_CHANNEL",
                "Cannot add lines with unavailable variants.",
                variants=[variant.id],
            )
        existing = next((line for line in checkout.lines if line.variant is variant), None)
        already = existing.quantity if existing and not data.get("forceNewLine") else 0
        _check_quantity(data["quantity"], variant, allow_zero=False)
        _check_quantity(already + data["quantity"], variant, allow_zero=False)
        planned.append((variant, data, _metadata(data.get("metadata"))))
    for variant, data, metadata in planned:
        price = data.get("price")
        existing = (
            None
            if data.get("forceNewLine")
            else next((line for line in checkout.lines if line.variant is variant), None)
        )
        if existing is None:
            line = context.store.add(
                CheckoutLine(variant=variant, quantity=data["quantity"], metadata=metadata, checkout=checkout)
            )
            line.price_override = Decimal(price) if price is not None else None
            checkout.lines.append(line)
            continue
        existing.quantity += data["quantity"]
        if price is not None:
            existing.price_override = Decimal(price)
        existing.metadata.update(metadata)
    return checkout


@mutation("checkout")
def checkout_lines_update(
    context: Context, lines: list[Mapping[str, Any]], id: str | None = None
) -> Checkout:
    checkout = _checkout_or_error(context, id)
    _check_price_permission(context, lines)
    planned: list[tuple[CheckoutLine | None, Variant, Mapping[str, Any], dict[str, str]]] = []
    for data in lines:
        line: CheckoutLine | None
        if data.get("lineId"):
            line = context.store.find(CheckoutLine, data["lineId"])
            if line is None:
                raise MutationError(
                    "lineId", "GRAPHQL_ERROR", f"Couldn't resolve to a node: {data['lineId']}"
                )
            if line.checkout is not checkout:
                raise MutationError(
                    "lineId", "INVALID", "Provided line_ids aren't part of checkout.", lines=[data["lineId"]]
                )
            variant = line.variant
        elif data.get("variantId"):
            variant = _variant(context, data["variantId"])
            line = next((candidate for candidate in checkout.lines if candidate.variant is variant), None)
            if line is None and data.get("quantity") is None:
                raise MutationError("quantity", "REQUIRED", "Quantity is required for a new line.")
        else:
            raise MutationError("lineId", "REQUIRED", "Provide lineId or variantId.")
        if data.get("quantity") is not None:
            _check_quantity(data["quantity"], variant, allow_zero=True)
        planned.append((line, variant, data, _metadata(data.get("metadata"))))
    for found, variant, data, metadata in planned:
        line = found
        if line is None:
            line = context.store.add(CheckoutLine(variant=variant, quantity=0, checkout=checkout))
            checkout.lines.append(line)
        quantity = data.get("quantity")
        if quantity == 0:
            checkout.lines.remove(line)
            context.store.remove(line)
            line.checkout = None
            continue
        if quantity is not None:
            line.quantity = quantity
        if data.get("price") is not None:
            line.price_override = Decimal(data["price"])
        line.metadata.update(metadata)
    return checkout


def _line_price(line: CheckoutLine, info: Any) -> Any:
    assert line.checkout is not None
    return checkout_prices(info.context.store, line.checkout).lines[str(line.pk)]


def resolve_line_unit_price(line: CheckoutLine, info: Any) -> TaxedMoney:
    return _line_price(line, info).unit


def resolve_line_total_price(line: CheckoutLine, info: Any) -> TaxedMoney:
    return _line_price(line, info).total


def resolve_line_undiscounted_unit_price(line: CheckoutLine, info: Any) -> Money:
    return _line_price(line, info).undiscounted_unit


RESOLVERS: dict[str, dict[str, Any]] = {
    "Query": {"checkout": resolve_checkout},
    "Mutation": {"checkoutLinesAdd": checkout_lines_add, "checkoutLinesUpdate": checkout_lines_update},
    "Checkout": {
        "subtotalPrice": lambda co, info: checkout_prices(info.context.store, co).subtotal,
        "shippingPrice": lambda co, info: checkout_prices(info.context.store, co).shipping,
        "totalPrice": lambda co, info: checkout_prices(info.context.store, co).total,
    },
    "CheckoutLine": {
        "unitPrice": resolve_line_unit_price,
        "totalPrice": resolve_line_total_price,
        "undiscountedUnitPrice": resolve_line_undiscounted_unit_price,
    },
}
