"""What a renewal order and its lines say about themselves in Saleor's metadata (the invoice, the
subscription, the database that made them: `order_lines`, `order_checks.ownership`), and writing it."""

from __future__ import annotations

from collections.abc import Mapping

from saleor_subscriptions.renewals.ports import OrderRequest
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.client import SaleorClient
from saleor_subscriptions.saleor.order_checks import ownership
from saleor_subscriptions.saleor.renewal_context import RenewalContext


def metadata_items(values: Mapping[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "value": value} for key, value in values.items()]


def order_metadata(context: RenewalContext, request: OrderRequest) -> dict[str, str]:
    return ownership(context, request) | {
        order_lines.INVOICE_LINES: order_lines.invoice_lines_metadata(request.lines, context.currency),
    }


def line_metadata(context: RenewalContext) -> dict[str, str]:
    return {
        order_lines.SUBSCRIPTION: str(context.subscription_id),
        order_lines.INVOICE: context.invoice_number,
    }


def update_metadata(client: SaleorClient, object_id: str, values: Mapping[str, str]) -> None:
    """Writes public metadata keys on an order or order line (setting the same values again changes nothing,
    so this mutation may be retried)."""
    variables = {"id": object_id, "input": metadata_items(values)}
    client.mutate("update_metadata", variables, "updateMetadata", idempotent=True)
