"""Metadata: `metadata` / `privateMetadata` on every object, `updateMetadata` and `updatePrivateMetadata`.

Permissions are Saleor's meta permission maps: public metadata of checkouts, orders and their lines needs
none (their ids are secrets), of products and variants MANAGE_PRODUCTS, of transactions HANDLE_PAYMENTS;
private metadata needs the type's manage permission (MANAGE_CHECKOUTS, MANAGE_ORDERS, MANAGE_PRODUCTS, …)
to read or write; an app may always read and write its own.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema

from .auth import Context, MutationError, mutation
from .ids import parse_global_id
from .state import App, Checkout, CheckoutLine, Node, Product, Variant

PRIVATE_PERMISSIONS: dict[str, str] = {
    "App": "MANAGE_APPS",
    "Channel": "MANAGE_CHANNELS",
    "Checkout": "MANAGE_CHECKOUTS",
    "CheckoutLine": "MANAGE_CHECKOUTS",
    "Invoice": "MANAGE_ORDERS",
    "Order": "MANAGE_ORDERS",
    "OrderLine": "MANAGE_ORDERS",
    "Product": "MANAGE_PRODUCTS",
    "ProductType": "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES",
    "ProductVariant": "MANAGE_PRODUCTS",
    "ShippingMethod": "MANAGE_SHIPPING",
    "TaxClass": "MANAGE_TAXES",
    "TransactionItem": "HANDLE_PAYMENTS",
    "User": "MANAGE_USERS",
    "Address": "MANAGE_USERS",
    "Warehouse": "MANAGE_PRODUCTS",
}

PUBLIC_WRITE_PERMISSIONS: dict[str, str | None] = {
    "App": "MANAGE_APPS",
    "Channel": "MANAGE_CHANNELS",
    "Checkout": None,
    "CheckoutLine": None,
    "Invoice": "MANAGE_ORDERS",
    "Order": None,
    "OrderLine": None,
    "Product": "MANAGE_PRODUCTS",
    "ProductType": "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES",
    "ProductVariant": "MANAGE_PRODUCTS",
    "ShippingMethod": "MANAGE_SHIPPING",
    "TaxClass": "MANAGE_TAXES",
    "TransactionItem": "HANDLE_PAYMENTS",
    "User": "MANAGE_USERS",
    "Warehouse": "MANAGE_PRODUCTS",
}


def items(metadata: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in metadata.items()]


def is_gone(node: Node) -> bool:
    """Deleted objects (and a completed checkout, which Saleor deletes) cannot be found any more."""
    if isinstance(node, Variant | Product):
        return node.deleted or (isinstance(node, Variant) and node.product.deleted)
    if isinstance(node, Checkout):
        return node.order is not None
    if isinstance(node, CheckoutLine):
        return node.checkout is None or node.checkout.order is not None
    if isinstance(node, App):
        return node.removed
    return False


def _own_app(context: Context, node: Any) -> bool:
    return isinstance(node, App) and context.principal.app is node


def _check(context: Context, node: Any, permission: str | None) -> None:
    if permission and not _own_app(context, node):
        context.require(permission)


def _resolve_metadata(source: Any, _info: Any) -> list[dict[str, str]]:
    metadata = source.get("metadata") if isinstance(source, Mapping) else getattr(source, "metadata", None)
    return items(metadata or {})


def _private_resolver(type_name: str) -> Any:
    permission = PRIVATE_PERMISSIONS.get(type_name, "MANAGE_APPS")

    def resolve(source: Any, info: Any) -> list[dict[str, str]]:
        _check(info.context, source, permission)
        return items(getattr(source, "private_metadata", None) or {})

    return resolve


def attach_metadata_resolvers(schema: GraphQLSchema) -> None:
    """Gives every type with `metadata`/`privateMetadata` the readers above (unless it has its own)."""
    for graphql_type in schema.type_map.values():
        if not isinstance(graphql_type, GraphQLObjectType):
            continue
        fields = graphql_type.fields
        if "metadata" in fields and fields["metadata"].resolve is None:
            fields["metadata"].resolve = _resolve_metadata
        if "privateMetadata" in fields and fields["privateMetadata"].resolve is None:
            fields["privateMetadata"].resolve = _private_resolver(graphql_type.name)


def _find(context: Context, object_id: str) -> Node:
    if parse_global_id(object_id) is None:
        raise MutationError("id", "GRAPHQL_ERROR", f"Couldn't resolve id: {object_id}.")
    node = context.store.node(object_id)
    if node is None or is_gone(node) or node.TYPE not in PUBLIC_WRITE_PERMISSIONS:
        raise MutationError("id", "NOT_FOUND", f"Couldn't resolve to a node: {object_id}")
    return node


def _write(target: dict[str, str], entries: list[Mapping[str, Any]]) -> None:
    if any(not str(entry["key"]).strip() for entry in entries):
        raise MutationError("input", "REQUIRED", "Metadata key cannot be empty.")
    for entry in entries:
        target[str(entry["key"]).strip()] = str(entry["value"])


@mutation("item")
def update_metadata(context: Context, id: str, input: list[Mapping[str, Any]]) -> Node:
    node = _find(context, id)
    _check(context, node, PUBLIC_WRITE_PERMISSIONS[node.TYPE])
    _write(node.metadata, input)
    return node


@mutation("item")
def update_private_metadata(context: Context, id: str, input: list[Mapping[str, Any]]) -> Node:
    node = _find(context, id)
    _check(context, node, PRIVATE_PERMISSIONS.get(node.TYPE, "MANAGE_APPS"))
    _write(node.private_metadata, input)
    return node


RESOLVERS: dict[str, dict[str, Any]] = {
    "Mutation": {"updateMetadata": update_metadata, "updatePrivateMetadata": update_private_metadata},
}
