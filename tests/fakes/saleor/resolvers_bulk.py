"""`orderBulkCreate` (MANAGE_ORDERS_IMPORT), following Saleor 3.21's implementation.

- At most 50 orders (else BULK_LIMIT, nothing made). Each order's problems are its `results[i].errors`, with
  `path` in snake_case (`lines.0.quantity`, `external_reference`); some are critical (the order cannot be
  made at all: UNIQUE external reference, INCORRECT_CURRENCY, unknown channel, a bad billing address, a bad
  line or quantity, prices with net above gross, missing delivery method, stock problems).
- `errorPolicy` (default REJECT_EVERYTHING): any error anywhere rejects every order; REJECT_FAILED_ROWS
  rejects the orders with errors; IGNORE_FAILED makes every order without a critical error.
- `stockUpdatePolicy` (default UPDATE): each line needs a stock of its variant in its warehouse
  (NON_EXISTING_STOCK) with enough left (INSUFFICIENT_STOCK; FORCE allows less); SKIP checks nothing.
- Prices are taken as given: line unit prices are totals / quantity, `taxRate` defaults to gross/net - 1, and
  the order's total is the sum of its lines (Saleor 3.21 does not add the shipping price to it).
- Saleor 3.21 crashes (a top-level "Internal Server Error", code ValueError) when a line has no `taxClassId`
  or a shipping delivery method no `shippingTaxClassId`, and (KeyError) when an order has no `status`.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .auth import Context
from .bulk_inputs import Draft, SaleorCrash, address_of, is_future, lookup, metadata_of
from .ids import TaxedMoney, quantize
from .order_actions import new_transaction
from .state import Invoice, Order, OrderLine, ShippingMethod, Store, TaxClass, User, Variant, Warehouse

MAX_ORDERS = 50


def _line(store: Store, draft: Draft, data: Mapping[str, Any], currency: str, index: int) -> OrderLine | None:
    path = f"lines.{index}"
    variant_keys = {"variantId": "id", "variantExternalReference": "external_reference", "variantSku": "sku"}
    variant = lookup(store, draft, data, variant_keys, Variant, path=path)
    if variant is None and not data.get("productName"):
        draft.error("Order line input must contain product name when no variant provided.", "REQUIRED", path)
        return None
    warehouse = lookup(store, draft, data, {"warehouse": "id"}, Warehouse, path=path)
    if warehouse is None:
        return None
    tax_class = lookup(store, draft, data, {"taxClassId": "id"}, TaxClass, path=path)
    quantity = int(data["quantity"])
    net, gross = Decimal(data["totalPrice"]["net"]), Decimal(data["totalPrice"]["gross"])
    undiscounted = data["undiscountedTotalPrice"]
    undiscounted_net, undiscounted_gross = Decimal(undiscounted["net"]), Decimal(undiscounted["gross"])
    if quantity < 1:
        draft.error(
            "Invalid quantity. Must be integer greater then or equal to 1.",
            "INVALID_QUANTITY",
            f"{path}.quantity",
            critical=True,
        )
    if gross < net:
        draft.error(
            "Net price can't be greater then gross price.", "PRICE_ERROR", f"{path}.total_price", True
        )
    if undiscounted_gross < undiscounted_net:
        draft.error(
            "Net price can't be greater then gross price.",
            "PRICE_ERROR",
            f"{path}.undiscounted_total_price",
            True,
        )
    if undiscounted_gross < gross or undiscounted_net < net:
        draft.error(
            "Total price can't be greater then undiscounted total price.",
            "PRICE_ERROR",
            f"{path}.undiscounted_total_price",
            True,
        )
    if draft.critical:
        return None
    if is_future(data["createdAt"]):
        draft.error("Order line input contains future date.", "FUTURE_DATE", f"{path}.created_at")
    rate = data.get("taxRate")
    tax_rate = Decimal(rate) if rate is not None else (gross / net - 1 if net > 0 else Decimal(0))
    line = OrderLine(
        variant=variant,
        product_name=data.get("productName") or (variant.product.name if variant else ""),
        variant_name=data.get("variantName") or (variant.name if variant else ""),
        product_sku=data.get("productSku") or (variant.sku if variant else None),
        quantity=quantity,
        currency=currency,
        is_shipping_required=bool(data["isShippingRequired"]),
        tax_class=tax_class,
        tax_rate=tax_rate,
        total_price=TaxedMoney.of(net, gross, currency),
        undiscounted_total_price=TaxedMoney.of(undiscounted_net, undiscounted_gross, currency),
        unit_price=TaxedMoney.of(
            quantize(net / quantity, currency), quantize(gross / quantity, currency), currency
        ),
        undiscounted_unit_price=TaxedMoney.of(
            quantize(undiscounted_net / quantity, currency),
            quantize(undiscounted_gross / quantity, currency),
            currency,
        ),
    )
    line.metadata = metadata_of(draft, data.get("metadata"), f"{path}.metadata")
    line.private_metadata = metadata_of(draft, data.get("privateMetadata"), f"{path}.private_metadata")
    draft.lines.append((line, warehouse))
    return line


def _delivery(store: Store, draft: Draft, data: Mapping[str, Any]) -> tuple[ShippingMethod | None, Any]:
    delivery = data.get("deliveryMethod") or {}
    if not any(line["isShippingRequired"] for line in data["lines"]):
        return None, delivery
    warehouse = method = None
    if delivery.get("warehouseId") and delivery.get("shippingMethodId"):
        draft.error(
            "Can't provide both warehouse and shipping method IDs.", "TOO_MANY_IDENTIFIERS", "delivery_method"
        )
    if delivery.get("warehouseId"):
        warehouse = lookup(store, draft, delivery, {"warehouseId": "id"}, Warehouse, path="delivery_method")
    if delivery.get("shippingMethodId"):
        method = lookup(
            store, draft, delivery, {"shippingMethodId": "id"}, ShippingMethod, path="delivery_method"
        )
        lookup(store, draft, delivery, {"shippingTaxClassId": "id"}, TaxClass, path="delivery_method")
    if warehouse is None and method is None:
        draft.error("No delivery method provided.", "REQUIRED", "delivery_method", critical=True)
    return method, delivery


def build_order(context: Context, data: Mapping[str, Any], references: set[str]) -> Draft:
    """One order of the batch, or why not (not yet saved: numbers and ids come at saving)."""
    store = context.store
    draft = Draft()
    if is_future(data["createdAt"]):
        draft.error("Order input contains future date.", "FUTURE_DATE", "created_at")
    reference = data.get("externalReference")
    if reference and (reference in references or store.order_by_external_reference(reference)):
        draft.error(
            f"Order with external_reference: {reference} already exists.",
            "UNIQUE",
            "external_reference",
            critical=True,
        )
    channel = store.channel_by_slug(data["channel"])
    if channel and channel.currency_code.lower() != str(data["currency"]).lower():
        draft.error(
            "Currency from input doesn't match channel's currency.", "INCORRECT_CURRENCY", "currency", True
        )
    if draft.critical:
        return draft
    user_keys = {"id": "id", "email": "email", "externalReference": "external_reference"}
    before = len(draft.errors)
    user = lookup(store, draft, data["user"], user_keys, User, path="user")
    email_only = user is None and data["user"].get("email")
    if email_only and len(draft.errors) > before and draft.errors[-1]["code"] == "NOT_FOUND":
        draft.errors.pop()
    if channel is None:
        draft.error(
            f"Channel instance with slug={data['channel']} doesn't exist.", "NOT_FOUND", "channel", True
        )
    billing = address_of(store, draft, data["billingAddress"], "billing_address", critical=True)
    shipping = address_of(store, draft, data.get("shippingAddress"), "shipping_address", critical=False)
    method, delivery = _delivery(store, draft, data)
    if draft.critical or channel is None:
        return draft
    currency = channel.currency_code
    lines = [_line(store, draft, line, currency, i) for i, line in enumerate(data["lines"])]
    if draft.critical or any(line is None for line in lines):
        draft.critical = True
        return draft
    shipping_price = TaxedMoney.zero(currency)
    shipping_rate = Decimal(delivery.get("shippingTaxRate") or 0)
    if method is not None:
        given = delivery.get("shippingPrice")
        if given:
            net, gross = Decimal(given["net"]), Decimal(given["gross"])
            if gross < net:
                draft.error(
                    "Net price can't be greater then gross price.",
                    "PRICE_ERROR",
                    "delivery_method.shipping_price",
                    critical=True,
                )
                return draft
            shipping_price = TaxedMoney.of(net, gross, currency)
            shipping_rate = gross / net - 1 if net > 0 else Decimal(0)
        elif channel.slug in method.prices:
            net = method.prices[channel.slug]
            shipping_price = TaxedMoney.of(net, net * (1 + shipping_rate), currency)
    total = sum((line.total_price for line in lines if line and line.total_price), TaxedMoney.zero(currency))
    if "status" not in data or data["status"] is None:
        raise SaleorCrash("'status'", code="KeyError")
    for index, transaction in enumerate(data.get("transactions") or []):
        for key in ("amountAuthorized", "amountCharged", "amountRefunded", "amountCanceled"):
            money = transaction.get(key)
            if money and str(money["currency"]).upper() != currency:
                draft.error(
                    "Currency needs to be the same as for order.",
                    "INCORRECT_CURRENCY",
                    f"transactions.{index}",
                )
                break
        else:
            draft.transactions.append(transaction)
    for index, invoice in enumerate(data.get("invoices") or []):
        if is_future(invoice["createdAt"]):
            draft.error("Invoice input contains future date.", "FUTURE_DATE", f"invoices.{index}.created_at")
        draft.invoices.append(invoice)
    draft.order = Order(
        number="",
        channel=channel,
        status=str(data["status"]),
        origin="BULK_CREATE",
        currency=currency,
        user=user,
        user_email=(user.email if user else data["user"].get("email")) or "",
        external_reference=reference,
        billing_address=billing,
        shipping_address=shipping,
        shipping_method=method,
        shipping_method_name=delivery.get("shippingMethodName"),
        shipping_price=shipping_price,
        shipping_tax_rate=shipping_rate,
        subtotal=total,
        total=total,
        created=data["createdAt"],
        language_code=str(data["languageCode"]),
        customer_note=data.get("customerNote") or "",
        metadata=metadata_of(draft, data.get("metadata"), "metadata"),
        private_metadata=metadata_of(draft, data.get("privateMetadata"), "private_metadata"),
    )
    if reference:
        references.add(reference)
    return draft


def _check_stocks(store: Store, drafts: list[Draft], policy: str) -> None:
    for draft in drafts:
        if draft.order is None:
            continue
        trial = {key: copy.copy(stock) for key, stock in store.stocks.items()}
        for index, (line, warehouse) in enumerate(draft.lines):
            key = (str(line.variant.pk) if line.variant else "", str(warehouse.pk))
            stock = trial.get(key)
            if stock is None:
                draft.error(
                    f"There is no stock for given product variant: {key[0]} and warehouse: {key[1]}.",
                    "NON_EXISTING_STOCK",
                    f"lines.{index}",
                    critical=True,
                )
                break
            if line.quantity > stock.quantity - stock.allocated and policy != "FORCE":
                draft.error(
                    f"Insufficient stock for product variant: {key[0]} and warehouse: {key[1]}.",
                    "INSUFFICIENT_STOCK",
                    f"lines.{index}",
                    critical=True,
                )
            stock.allocated += line.quantity
        if not draft.critical:
            store.stocks.update(trial)


def _save(context: Context, draft: Draft) -> Order:
    store = context.store
    order = draft.order
    assert order is not None
    order.number = store.next_order_number()
    store.add(order)
    order.lines = [store.add(line) for line, _warehouse in draft.lines]
    for data in draft.transactions:
        transaction = new_transaction(store, order.currency, data, app=context.principal.app, order=order)
        order.transactions.append(transaction)
    for data in draft.invoices:
        invoice = Invoice(
            order=order, number=data.get("number"), url=data.get("url"), created_at=data["createdAt"]
        )
        order.invoices.append(store.add(invoice))
    return order


def order_bulk_create(
    _root: Any,
    info: Any,
    orders: list[Mapping[str, Any]],
    errorPolicy: str | None = None,
    stockUpdatePolicy: str | None = None,
    **_ignored: Any,
) -> dict[str, Any]:
    context: Context = info.context
    context.require("MANAGE_ORDERS_IMPORT")
    if len(orders) > MAX_ORDERS:
        error = {
            "message": f"Number of orders exceeds limit: {MAX_ORDERS}.",
            "code": "BULK_LIMIT",
            "path": None,
        }
        return {"count": 0, "results": [], "errors": [error]}
    references: set[str] = set()
    drafts = [build_order(context, data, references) for data in orders]
    policy = errorPolicy or "REJECT_EVERYTHING"
    if any(draft.errors for draft in drafts):
        for draft in drafts:
            if policy == "REJECT_EVERYTHING" or (policy == "REJECT_FAILED_ROWS" and draft.errors):
                draft.order = None
    if (stockUpdatePolicy or "UPDATE") != "SKIP":
        _check_stocks(context.store, drafts, stockUpdatePolicy or "UPDATE")
    results = []
    made: list[Order] = []
    for draft in drafts:
        order = _save(context, draft) if draft.order is not None and not draft.critical else None
        if order is not None:
            made.append(order)
        results.append({"order": order, "errors": draft.errors})
    if made:
        context.store.emit("ORDER_BULK_CREATED", "OrderBulkCreated", context.principal, orders=made)
    return {"count": len(made), "results": results, "errors": []}


RESOLVERS: dict[str, dict[str, Any]] = {"Mutation": {"orderBulkCreate": order_bulk_create}}
