"""Whether an order is the invoice's: found under its number, is it provably this invoice's order, and do its
lines carry the invoice's prices whatever promotions Saleor's catalogue runs (docs/saleor.md)."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.money import format_amount
from saleor_subscriptions.renewals.ports import OrderNeedsAttention, OrderRequest
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError
from saleor_subscriptions.saleor.money import amount_in, amount_of
from saleor_subscriptions.saleor.renewal_context import RenewalContext

DRAFT = "DRAFT"
CANCELED = "CANCELED"


class OrderConflict(SaleorError, OrderNeedsAttention):
    """The invoice's external reference names an order this invoice cannot take (another database's, another
    app's, or one the shop cancelled): a person has to look at it; nothing is charged meanwhile."""

    code = "order_conflict"


class OrderPriceMismatch(SaleorError, OrderNeedsAttention):
    """Saleor priced the order's lines otherwise than the invoice (a promotion the app could not take off):
    the order is not the invoice, so it is neither completed nor charged."""

    code = "order_price_mismatch"


def supports_draft_metadata(schema_version: str) -> bool:
    """`DraftOrderCreateInput.metadata` exists from Saleor 3.21; older shops get it by `updateMetadata`."""
    try:
        major, minor = (int(part) for part in schema_version.split(".")[:2])
    except ValueError:
        return False
    return (major, minor) >= (3, 21)


def metadata_of(node: Mapping[str, Any]) -> dict[str, str]:
    return {str(item["key"]): str(item["value"]) for item in node.get("metadata") or ()}


def ownership(context: RenewalContext, request: OrderRequest) -> dict[str, str]:
    """What an order of this invoice says about itself (written when it is made): this database's
    installation token and the invoice's row, the invoice number, subscription, period and amount."""
    amount = order_lines.amount_before_credit(request.lines, context.currency)
    return {
        order_lines.OWNER: f"{context.installation.order_token}:{context.invoice_id}",
        order_lines.SUBSCRIPTION: str(context.subscription_id),
        order_lines.INVOICE: request.invoice_number,
        order_lines.PERIOD: context.period,
        order_lines.AMOUNT: f"{format_amount(amount, context.currency)} {context.currency}",
    }


def check_owner(order: Mapping[str, Any], context: RenewalContext, request: OrderRequest) -> None:
    """The order found under the invoice number is taken only when it is provably this invoice's: not
    cancelled, in the subscription's channel, for its customer, and its metadata (written when it was made)
    names this database's installation token and invoice row, the invoice number, subscription, period and
    amount. An invoice number alone proves nothing: another app database on the same Saleor (a restored
    backup, a second deployment) may have used it. The one exception is a draft without any of that metadata
    on a Saleor before 3.21, where a crash came between `draftOrderCreate` and its `updateMetadata`: it is
    taken when its lines are all the plan's variant. OrderConflict otherwise."""
    reference = request.invoice_number
    if order["status"] == CANCELED:
        raise OrderConflict(f"order {order['id']} of invoice {reference} was cancelled")
    problems: list[str] = []
    channel = (order.get("channel") or {}).get("slug")
    if channel is not None and channel != context.channel_slug:
        problems.append(f"channel {channel}, not {context.channel_slug}")
    email = str(order.get("userEmail") or "")
    if email and context.customer_email and email.lower() != context.customer_email.lower():
        problems.append(f"customer {email}, not {context.customer_email}")
    found = metadata_of(order)
    expected = ownership(context, request)
    unmarked_draft = (
        order["status"] == DRAFT
        and not supports_draft_metadata(context.app.schema_version)
        and not any(key in found for key in expected)
    )
    if unmarked_draft:
        variants = {str((line.get("variant") or {}).get("id")) for line in order.get("lines") or ()}
        if variants != {context.variant_id}:
            problems.append(f"lines of {sorted(variants)}, not of {context.variant_id}")
    else:
        problems += [
            f"{key.rsplit('.', 1)[-1]} {found.get(key)!r}, not {value!r}"
            for key, value in expected.items()
            if found.get(key) != value
        ]
    if problems:
        raise OrderConflict(
            f"order {order['id']} has external reference {reference} but is not this invoice's order: "
            + "; ".join(problems)
        )


#: The manual line discount that keeps a renewal line at the invoice's price (see `keep_invoice_prices`).
NO_DISCOUNT = {"valueType": "FIXED", "value": "0", "reason": "Subscription renewal: the invoice's price"}


def keep_invoice_prices(client: SaleorClient, order: Mapping[str, Any]) -> Mapping[str, Any]:
    """A draft's lines at the invoice's prices, whatever promotions the catalogue runs (§3, §4: the order is
    the invoice; the plan's own discounts are already in the invoice's price). Saleor 3.21 applies a
    variant's catalogue promotion to draft order lines, custom prices included, and a manual line discount
    replaces it (manual line discounts do not stack with catalogue ones): so each discounted line gets a
    FIXED 0 manual discount (`orderLineDiscountUpdate`; setting it again changes nothing)."""
    for line in list(order.get("lines") or ()):
        discount = line.get("unitDiscount")
        if discount and amount_of(discount, f"line {line['id']}'s unit discount") > 0:
            answer = client.mutate(
                "order_line_discount_update",
                {"orderLineId": line["id"], "input": NO_DISCOUNT},
                "orderLineDiscountUpdate",
                idempotent=True,
            )
            order = answer["order"]
    return order


def check_prices(order: Mapping[str, Any], context: RenewalContext, request: OrderRequest) -> None:
    """The order's lines come to the invoice's amount before credit, as the channel enters prices (net or
    gross); OrderPriceMismatch otherwise (say an order promotion the app cannot take off)."""
    currency = context.currency
    amount = order_lines.amount_before_credit(request.lines, currency)
    lines = order.get("lines") or ()
    net = sum((amount_in(line["totalPrice"]["net"], currency, "a line's net") for line in lines), Decimal(0))
    gross = sum(
        (amount_in(line["totalPrice"]["gross"], currency, "a line's gross") for line in lines), Decimal(0)
    )
    if amount not in (net, gross):
        due = format_amount(amount, currency)
        raise OrderPriceMismatch(
            f"order {order['id']} of invoice {request.invoice_number}: its lines come to {net} net, "
            f"{gross} gross, but the invoice comes to {due} {currency} (a promotion or discount in Saleor)"
        )


def find_order(client: SaleorClient, external_reference: str) -> dict[str, Any] | None:
    """The order whose external reference is `external_reference`, or None (`order(externalReference:)`)."""
    order: dict[str, Any] | None = client.execute(
        "order_by_external_reference", {"externalReference": external_reference}
    ).get("order")
    return order


def tax_rates(order: Mapping[str, Any]) -> tuple[Decimal | None, Decimal | None]:
    """Saleor's VAT rates of an order as fractions, 4 places: its lines' (the subscription's lines share
    one variant and so one rate; the first line's) and its shipping's; None where Saleor did not say."""

    def rate(value: Any) -> Decimal | None:
        if value is None or isinstance(value, bool):
            return None
        return Decimal(str(value)).quantize(Decimal("0.0001"))

    lines = order.get("lines") or []
    first = lines[0] if lines and isinstance(lines[0], Mapping) else {}
    return rate(first.get("taxRate")), rate(order.get("shippingTaxRate"))
