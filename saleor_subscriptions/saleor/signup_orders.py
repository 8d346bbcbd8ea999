"""A sign-up's invoice written on the checkout's order, as a renewal's is on its own (BILLING_RULES §4), and
what Saleor says that the activation needs to make it (the variant's channel price).

The checkout's order has no external reference (the customer's order may hold other products, and one order
may start several subscriptions), so it is found by its id (`order_by_id`). On it go, each once:

- on the subscription's order line, the metadata a renewal order carries (`order_lines.SUBSCRIPTION`,
  `INVOICE`, `INVOICE_LINES`: the subscription, the invoice number, the invoice's lines); on the line, not
  the order, because each subscription line of the order has its own first invoice;
- the invoice PDF as one of the order's invoices (`order_payments.attach_to_order`, which looks first).

Nothing is charged or recorded as a payment here: the checkout's own transaction paid the order.
`order_records.record_paid_orders` calls this for paid sign-up invoices, with its retries.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.pipeline import order_request
from saleor_subscriptions.saleor import order_lines, order_payments
from saleor_subscriptions.saleor.checkout_facts import read_variant
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.order_checks import metadata_of
from saleor_subscriptions.saleor.renewal_metadata import update_metadata
from saleor_subscriptions.tenants.models import Installation


def signup_line_metadata(invoice: Invoice) -> dict[str, str]:
    """What the subscription's order line says of its first invoice, in the keys of a renewal order."""
    request = order_request(invoice)
    return {
        order_lines.SUBSCRIPTION: str(invoice.subscription_id),
        order_lines.INVOICE: invoice.number or "",
        order_lines.INVOICE_LINES: order_lines.invoice_lines_metadata(request.lines, invoice.currency),
    }


def order_by_id(client: SaleorClient, order_id: str) -> dict[str, Any]:
    """The order with its lines' metadata and its invoices; OrderNotFound when Saleor has none."""
    order: dict[str, Any] | None = client.execute("order_by_id", {"id": order_id}).get("order")
    if not order:
        raise order_payments.OrderNotFound(f"no order {order_id} in {client.api_url}")
    return order


def write_signup_invoice(client: SaleorClient, invoice: Invoice, url: str) -> order_payments.Recorded:
    """The sign-up invoice's metadata on its order line and its document `url` on its order, each once."""
    order = order_by_id(client, invoice.saleor_order_id)
    line_id = invoice.subscription.saleor_order_line_id
    line = next((ln for ln in order.get("lines") or () if ln.get("id") == line_id), None)
    if line is None:
        raise order_payments.OrderNotFound(f"order {order['id']} has no line {line_id}")
    wanted = signup_line_metadata(invoice)
    if not wanted.items() <= metadata_of(line).items():
        update_metadata(client, line_id, wanted)
    return order_payments.attach_to_order(client, order, number=invoice.number or "", url=url)


def channel_price(installation: Installation, version: PlanVersion, channel_slug: str) -> Decimal | None:
    """The variant's price in the channel, for a plan without a price of its own (read from Saleor, as the
    checkout priced it); None for a plan with a price. A Saleor that cannot answer now raises, so the
    delivery that asked is tried again."""
    if version.price is not None:
        return None
    app = SaleorApp.objects.filter(installation=installation).first()
    if app is None:
        raise SaleorError(
            f"plan {version.plan_id} takes the channel price, and the shop's Saleor is not connected"
        )
    client = app.client()
    try:
        listing = read_variant(client, version.plan.variant_id, channel_slug)
    finally:
        client.close()
    if listing is None or listing.price is None:
        raise SaleorError(f"variant {version.plan.variant_id} has no price in channel {channel_slug}")
    return listing.price
