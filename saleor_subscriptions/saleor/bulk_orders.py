"""Many renewal orders at once: one lookup pass, then `orderBulkCreate` in batches where it can be used.

`place_orders(sink, requests)` answers each request at its position, with a `PlacedOrder` or the exception
that request met; one request's failure never fails the others.

1. Lookup pass: every invoice number is looked up as an external reference (one aliased query per app and
   LOOKUP_BATCH invoices); an order found is finished like a single one (a draft is completed, an order
   returned), concurrently.
2. The missing orders go through `orderBulkCreate` (batches of at most 50, Saleor's limit, with
   `errorPolicy: REJECT_FAILED_ROWS` so a bad row rejects only itself) when the app holds
   MANAGE_ORDERS_IMPORT **and** the sink knows the bulk facts of the order (`BulkFacts`). Anything else is
   a draft order: made with one aliased `draftOrderCreate` per app and LOOKUP_BATCH invoices
   (`SaleorOrderSink.create_drafts`, each alias answered on its own), then finished one by one, concurrently.

Why bulk needs facts a draft does not: Saleor 3.21's `orderBulkCreate` imports orders as given. It does not
price or tax them: every line needs its net and gross, a `taxClassId` (3.21 fails without one) and a
`warehouse`. So the app must apply Saleor's flat tax rate itself, and that is only the same as Saleor's own
tax (§3) when the channel uses flat rates. `BulkFactsSource` gives, per order, the warehouse, the tax class
and its rate for the order's country (the shipping address's, else the billing address's, as Saleor takes
it), and whether prices are entered with tax; it answers None where a draft order must be used instead.
Variants that need shipping always go as drafts: their shipping price and its tax are Saleor's to compute.
The tax is Saleor's flat-rate tax of an order line: on the unit price, rounded half up to the currency's
minor unit, then times the quantity (`_taxed`).

In production the source is `bulk_facts.SaleorBulkFacts` (wired in `conf.ports.saleor_ports`): it reads the
channel's warehouses and tax configuration and the country's flat rates from Saleor, and answers None for a
tax app, a channel without warehouses, taxes not charged on prices entered with tax, or no known rate. A sink
made without a source places every order as a draft, whatever the permissions.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Protocol

from django.utils import timezone

from saleor_subscriptions.billing.money import round_to_minor_unit
from saleor_subscriptions.renewals.ports import OrderNeedsAttention, OrderRequest, PlacedOrder
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.addresses import address_input
from saleor_subscriptions.saleor.catalog_cache import VariantFacts, variant_facts
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.money import amount_in
from saleor_subscriptions.saleor.order_checks import tax_rates
from saleor_subscriptions.saleor.renewal_context import (
    NotConnected,
    RenewalContext,
    load_contexts,
)
from saleor_subscriptions.saleor.renewal_metadata import line_metadata, metadata_items, order_metadata
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

BULK_PERMISSION = "MANAGE_ORDERS_IMPORT"
UNCONFIRMED = "UNCONFIRMED"
MAX_BULK = 50  # Saleor refuses more orders in one orderBulkCreate (BULK_LIMIT)
LOOKUP_CONCURRENCY = 16
#: Invoices looked up (or drafts made) in one aliased request.
LOOKUP_BATCH = 50


class BulkOrderRefused(SaleorError, OrderNeedsAttention):
    """Saleor refused one order of an `orderBulkCreate` (its row's errors; the other rows are unaffected):
    the invoice is held (e.g. INSUFFICIENT_STOCK when the shop waits for stock)."""

    code = "order_refused"

    def __init__(self, invoice_number: str, errors: Sequence[Mapping[str, Any]]) -> None:
        self.errors = list(errors)
        self.codes = [str(error.get("code") or "") for error in self.errors]
        described = "; ".join(
            f"{error.get('path') or '-'}: {error.get('code')} {error.get('message')}" for error in self.errors
        )
        message = f"orderBulkCreate refused the order of invoice {invoice_number}: {described}"
        super().__init__(message, saleor_codes=self.codes)


@dataclass(frozen=True)
class BulkFacts:
    """What an imported order line needs that Saleor would otherwise work out itself."""

    warehouse_id: str
    tax_class_id: str
    tax_rate: Decimal  # a fraction: 0.21 for 21 %
    prices_entered_with_tax: bool


class BulkFactsSource(Protocol):
    def bulk_facts(
        self, client: SaleorClient, context: RenewalContext, variant: VariantFacts, country: str
    ) -> BulkFacts | None:
        """The facts of one order, or None: place it as a draft order (Saleor prices and taxes it)."""
        ...


class SingleOrders(Protocol):
    """What placing many orders needs of the order sink (`orders.SaleorOrderSink`): its facts source and
    batch size, its clients, and its way of placing and finishing one order as a draft."""

    bulk_facts_source: BulkFactsSource | None
    bulk_batch_size: int

    def speaking_for(self, app: SaleorApp) -> AbstractContextManager[SaleorClient]: ...

    def place_one(
        self, client: SaleorClient, context: RenewalContext, request: OrderRequest, *, looked_up: bool = False
    ) -> PlacedOrder: ...

    def finish(
        self, client: SaleorClient, context: RenewalContext, request: OrderRequest, order: Mapping[str, Any]
    ) -> PlacedOrder: ...

    def create_drafts(
        self, client: SaleorClient, items: Sequence[tuple[RenewalContext, OrderRequest]]
    ) -> list[Mapping[str, Any] | Exception]: ...


#: A request with its position among the requests and its context.
Item = tuple[int, OrderRequest, RenewalContext]


@dataclass(frozen=True)
class _BulkOrderInput:
    """One order's `OrderBulkCreateInput` (`data`), with its request's position and the totals it gives."""

    index: int
    request: OrderRequest
    context: RenewalContext
    data: dict[str, Any]
    net: Decimal
    gross: Decimal


def place_orders(sink: SingleOrders, requests: Sequence[OrderRequest]) -> list[PlacedOrder | Exception]:
    """Each request's order (or its error) at its position; see the module docstring for the rule."""
    results: list[PlacedOrder | Exception | None] = [None] * len(requests)
    contexts = load_contexts([request.invoice_id for request in requests])
    known: list[Item] = []
    for index, request in enumerate(requests):
        context = contexts.get(request.invoice_id)
        if context is None:
            results[index] = NotConnected(f"invoice {request.invoice_id}: its installation has no Saleor app")
        else:
            known.append((index, request, context))
    with ThreadPoolExecutor(max_workers=LOOKUP_CONCURRENCY, thread_name_prefix="saleor-orders") as pool:
        # 1. the lookup pass, one aliased query per app and LOOKUP_BATCH invoices: an order found is finished
        missing = []
        to_finish: list[tuple[Item, Mapping[str, Any]]] = []
        for item, found in zip(known, _look_up(sink, known), strict=True):
            if isinstance(found, Exception):
                results[item[0]] = found
            elif found is None:
                missing.append(item)
            else:
                to_finish.append((item, found))
        # 2. orderBulkCreate for what it can make, 3. draft orders for the rest (aliased draftOrderCreate)
        drafts = _bulk_create(sink, missing, results)
        for item, made in zip(drafts, _create_drafts(sink, drafts), strict=True):
            if isinstance(made, Exception):
                results[item[0]] = made
            else:
                to_finish.append((item, made))
        for ((index, _request, _context), _order), answer in zip(
            to_finish, pool.map(lambda pair: _finish(sink, *pair), to_finish), strict=True
        ):
            results[index] = answer
    return [result if result is not None else SaleorError("no answer") for result in results]


def _by_app(items: Sequence[Item]) -> list[list[int]]:
    """The positions of the items, by app, in chunks of LOOKUP_BATCH."""
    groups: dict[int, list[int]] = {}
    for position, (_index, _request, context) in enumerate(items):
        groups.setdefault(context.app.pk, []).append(position)
    return [
        positions[start : start + LOOKUP_BATCH]
        for positions in groups.values()
        for start in range(0, len(positions), LOOKUP_BATCH)
    ]


def _look_up(sink: SingleOrders, items: Sequence[Item]) -> list[Mapping[str, Any] | Exception | None]:
    """Each item's order found under its invoice number, None where there is none, or the error of its
    alias (or of its whole request)."""
    found: list[Mapping[str, Any] | Exception | None] = [None] * len(items)
    for chunk in _by_app(items):
        try:
            with sink.speaking_for(items[chunk[0]][2].app) as client:
                answers = client.execute_aliased(
                    "order_by_external_reference",
                    [{"externalReference": items[position][1].invoice_number} for position in chunk],
                )
        except Exception as exc:  # the request as a whole: every invoice of it is tried again later
            for position in chunk:
                found[position] = exc
            continue
        for position, answer in zip(chunk, answers, strict=True):
            found[position] = answer if isinstance(answer, Exception) else answer.get("order")
    return found


def _create_drafts(sink: SingleOrders, items: Sequence[Item]) -> list[Mapping[str, Any] | Exception]:
    """Each item's draft order made (`SaleorOrderSink.create_drafts`: one aliased `draftOrderCreate` per app
    and LOOKUP_BATCH invoices), or its error."""
    made: list[Mapping[str, Any] | Exception] = [SaleorError("no answer")] * len(items)
    for chunk in _by_app(items):
        try:
            with sink.speaking_for(items[chunk[0]][2].app) as client:
                answers = sink.create_drafts(client, [(items[p][2], items[p][1]) for p in chunk])
        except Exception as exc:  # not sent, or its answer lost: the next try finds what was made
            answers = [exc] * len(chunk)
        for position, answer in zip(chunk, answers, strict=True):
            made[position] = answer
    return made


def _place_one(sink: SingleOrders, request: OrderRequest, context: RenewalContext) -> PlacedOrder | Exception:
    """One order looked up and finished, or made (`place_one`), or this request's error."""
    try:
        with sink.speaking_for(context.app) as client:
            return sink.place_one(client, context, request)
    except Exception as exc:
        return exc


def _finish(sink: SingleOrders, item: Item, order: Mapping[str, Any]) -> PlacedOrder | Exception:
    """A found or new order finished (a draft completed), or this request's error."""
    _index, request, context = item
    try:
        with sink.speaking_for(context.app) as client:
            return sink.finish(client, context, request, order)
    except Exception as exc:
        return exc


def _bulk_create(
    sink: SingleOrders, missing: Sequence[Item], results: list[PlacedOrder | Exception | None]
) -> list[Item]:
    """Makes what it can with `orderBulkCreate`; returns the requests left to place as draft orders."""
    drafts: list[Item] = []
    by_app: dict[int, list[_BulkOrderInput]] = {}
    for item in missing:
        index, request, context = item
        bulk = context.app.has_permission(BULK_PERMISSION)
        try:
            order_input = _bulk_order_input(sink, index, request, context) if bulk else None
        except Exception as exc:  # this request's own problem (an unorderable invoice, say)
            results[index] = exc
            continue
        if order_input is None:
            drafts.append(item)
        else:
            by_app.setdefault(context.app.pk, []).append(order_input)
    size = max(1, min(sink.bulk_batch_size, MAX_BULK))
    for group in by_app.values():
        for start in range(0, len(group), size):
            _send_batch(sink, group[start : start + size], results)
    return drafts


def _bulk_order_input(
    sink: SingleOrders, index: int, request: OrderRequest, context: RenewalContext
) -> _BulkOrderInput | None:
    """The `OrderBulkCreateInput` of one order, or None when it must be a draft order."""
    source = sink.bulk_facts_source
    billing = address_input(context.billing_address)
    if source is None or billing is None:
        return None
    try:
        with sink.speaking_for(context.app) as client:
            variant = variant_facts(client, context.variant_id)
            if variant.shipping_required:
                return None
            # Saleor taxes an order by its shipping address's country when it has one, else the billing's.
            taxed_in = address_input(context.shipping_address) or billing
            facts = source.bulk_facts(client, context, variant, str(taxed_in.get("country") or ""))
    except SaleorError as exc:
        logger.warning("invoice %s is ordered as a draft: %s", request.invoice_number, exc)
        return None
    if facts is None:
        return None
    currency = context.currency
    now = timezone.now().isoformat()
    lines: list[dict[str, Any]] = []
    net_total = gross_total = Decimal(0)
    for line in order_lines.order_lines_for(request.lines, context.quantity, currency):
        net, gross = _taxed(line, facts, currency)
        net_total, gross_total = net_total + net, gross_total + gross
        price = {"net": order_lines.money(net, currency), "gross": order_lines.money(gross, currency)}
        lines.append(
            {
                "variantId": context.variant_id,
                "quantity": line.quantity,
                "totalPrice": price,
                "undiscountedTotalPrice": price,
                "taxClassId": facts.tax_class_id,
                "taxRate": str(facts.tax_rate),
                "warehouse": facts.warehouse_id,
                "createdAt": now,
                "isShippingRequired": False,
                "isGiftCard": False,
                "metadata": metadata_items(line_metadata(context)),
            }
        )
    user = {"id": context.customer_user_id} if context.customer_user_id else {"email": context.customer_email}
    data: dict[str, Any] = {
        "externalReference": request.invoice_number,
        "channel": context.channel_slug,
        "currency": currency,
        "createdAt": now,
        # Not to be shipped before it is paid: confirmed (orderConfirm) once its invoice is (order_records).
        "status": UNCONFIRMED,
        "languageCode": context.installation.language.upper(),
        "user": user,
        "billingAddress": billing,
        "lines": lines,
        "metadata": metadata_items(order_metadata(context, request)),
    }
    shipping = address_input(context.shipping_address)
    if shipping:
        data["shippingAddress"] = shipping
    return _BulkOrderInput(index, request, context, data, net_total, gross_total)


def _taxed(line: order_lines.SaleorLine, facts: BulkFacts, currency: str) -> tuple[Decimal, Decimal]:
    """Net and gross of an order line as Saleor's flat rates make them for an order: the rate applied to the
    unit price as entered and rounded half up, then times the quantity."""
    unit = line.unit_price
    if facts.prices_entered_with_tax:
        net = round_to_minor_unit(unit / (1 + facts.tax_rate), currency)
        return net * line.quantity, unit * line.quantity
    return unit * line.quantity, round_to_minor_unit(unit * (1 + facts.tax_rate), currency) * line.quantity


def stock_policy(context: RenewalContext) -> str:
    """The shop's choice when stock runs out (`Installation.renewal_stock`): place the
    order without allocating stock (SKIP), or allocate it (UPDATE), so that Saleor refuses an order without
    stock (INSUFFICIENT_STOCK, NON_EXISTING_STOCK) and the invoice waits for stock, held."""
    return "UPDATE" if context.installation.renewal_stock == Installation.Stock.WAIT else "SKIP"


def _send_batch(
    sink: SingleOrders, batch: Sequence[_BulkOrderInput], results: list[PlacedOrder | Exception | None]
) -> None:
    context = batch[0].context
    try:
        with sink.speaking_for(context.app) as client:
            answer = client.mutate(
                "order_bulk_create",
                {
                    "orders": [order_input.data for order_input in batch],
                    "errorPolicy": "REJECT_FAILED_ROWS",
                    "stockUpdatePolicy": stock_policy(context),
                },
                "orderBulkCreate",
                idempotent=False,
            )
    except Exception as exc:  # the whole batch failed to reach Saleor: every order is retried later
        for order_input in batch:
            results[order_input.index] = exc
        return
    rows = answer.get("results") or []
    for position, order_input in enumerate(batch):
        row = rows[position] if position < len(rows) else {}
        order, errors = row.get("order"), row.get("errors") or []
        if order:
            # Saleor keeps the net and gross it was given: its total is the gross the app computed.
            gross = amount_in(order["total"]["gross"], order_input.context.currency, "the order's gross")
            tax_rate, shipping_tax_rate = tax_rates(order)
            results[order_input.index] = PlacedOrder(
                order_id=str(order["id"]),
                net=order_input.net,
                tax=gross - order_input.net,
                gross=gross,
                tax_rate=tax_rate,
                shipping_tax_rate=shipping_tax_rate,
            )
        elif any(error.get("code") == "UNIQUE" for error in errors):
            # Made by an earlier try whose answer was lost: it is found (and finished) like any other.
            results[order_input.index] = _place_one(sink, order_input.request, order_input.context)
        else:
            results[order_input.index] = BulkOrderRefused(order_input.request.invoice_number, errors)
