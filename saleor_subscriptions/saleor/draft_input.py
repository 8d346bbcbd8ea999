"""`DraftOrderCreateInput` of a renewal invoice's draft order (`orders.SaleorOrderSink`, docs/saleor.md)."""

from __future__ import annotations

from typing import Any

from saleor_subscriptions.renewals.ports import OrderRequest
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.addresses import address_input
from saleor_subscriptions.saleor.order_checks import supports_draft_metadata
from saleor_subscriptions.saleor.renewal_context import RenewalContext
from saleor_subscriptions.saleor.renewal_metadata import metadata_items, order_metadata


def draft_order_input(context: RenewalContext, request: OrderRequest, channel: str) -> dict[str, Any]:
    """`DraftOrderCreateInput` for an invoice: lines, customer, addresses, shipping, external reference."""
    lines = order_lines.order_lines_for(request.lines, context.quantity, context.currency)
    data: dict[str, Any] = {
        "channelId": channel,
        "externalReference": request.invoice_number,
        "userEmail": context.customer_email,
        "lines": [
            {
                "variantId": context.variant_id,
                "quantity": line.quantity,
                "price": order_lines.money(line.unit_price, context.currency),
                # The same variant twice (a split line) must stay two lines, each at its own price.
                "forceNewLine": True,
            }
            for line in lines
        ],
    }
    if context.customer_user_id:
        data["user"] = context.customer_user_id
    billing = address_input(context.billing_address)
    shipping = address_input(context.shipping_address)
    if billing:
        data["billingAddress"] = billing
    if shipping:
        data["shippingAddress"] = shipping
    if context.shipping_method_id:
        data["shippingMethod"] = context.shipping_method_id
    if supports_draft_metadata(context.app.schema_version):
        data["metadata"] = metadata_items(order_metadata(context, request))
    return data
