"""`SaleorOrderSink`: the renewal's `OrderSink` in a real Saleor (ARCHITECTURE flow 4; docs/saleor.md).

One invoice, one Saleor order, whose `externalReference` is the invoice number. Placing it:

1. look the order up by `externalReference` (this lookup is the retry path: mutations are never retried
   blindly, since a repeated `draftOrderCreate` would make a second order);
2. absent: `draftOrderCreate` with the plan's variant at the invoice's amount (see `order_lines`), the
   customer, the subscription's addresses and shipping method, and metadata naming subscription and invoice;
3. `updateMetadata` on each order line (draft order lines take no metadata in their input);
4. `draftOrderComplete`.

A lookup that finds a DRAFT finishes it (a crash came between create and complete); one that finds a
completed order returns it. The invoice takes Saleor's computed net, tax and gross (§3: taxes are Saleor's).
`SaleorUnavailable` propagates (it is a `GatewayUnavailable`: the step runs again later); a token Saleor
refuses marks the installation removed (`saleor.install.mark_removed`) and propagates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from decimal import Decimal
from typing import Any

from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.renewals.ports import OrderNeedsAttention, OrderRequest, PlacedOrder
from saleor_subscriptions.saleor import bulk_orders, order_payments
from saleor_subscriptions.saleor.bulk_orders import BulkFactsSource
from saleor_subscriptions.saleor.catalog_cache import channel_id
from saleor_subscriptions.saleor.client import (
    SaleorClient,
    SaleorError,
    SaleorMutationError,
    SaleorRequestError,
    TokenRejectedError,
)
from saleor_subscriptions.saleor.draft_input import draft_order_input
from saleor_subscriptions.saleor.install import mark_removed
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.money import amount_in
from saleor_subscriptions.saleor.order_checks import (
    DRAFT,
    check_owner,
    check_prices,
    find_order,
    keep_invoice_prices,
    metadata_of,
    tax_rates,
)
from saleor_subscriptions.saleor.renewal_context import (
    NotConnected,
    RenewalContext,
    load_contexts,
    worker_thread_database,
)
from saleor_subscriptions.saleor.renewal_metadata import (
    line_metadata,
    metadata_items,
    order_metadata,
    update_metadata,
)
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)


class OrderRefused(SaleorMutationError, OrderNeedsAttention):
    """Saleor refused to make or complete the invoice's order (its errors say why: INSUFFICIENT_STOCK,
    BILLING_ADDRESS_NOT_SET …): nothing is charged for an order that does not exist."""

    code = "order_refused"

    def __init__(self, operation: str, errors: Sequence[Mapping[str, Any]]) -> None:
        super().__init__(operation, errors)
        self.saleor_codes = self.codes


def refused(exc: SaleorMutationError) -> OrderRefused:
    return OrderRefused(
        exc.operation, [{"field": d.field, "code": d.code, "message": d.message} for d in exc.details]
    )


def placed_order(order: Mapping[str, Any], currency: str) -> PlacedOrder:
    """The port's answer from Saleor's order: its id and Saleor's own totals."""
    total = order["total"]
    shipping = order.get("shippingPrice") or {}
    method = order.get("shippingMethod") or {}
    tax_rate, shipping_tax_rate = tax_rates(order)
    return PlacedOrder(
        order_id=str(order["id"]),
        net=amount_in(total["net"], currency, "the order's net"),
        tax=amount_in(total["tax"], currency, "the order's tax"),
        gross=amount_in(total["gross"], currency, "the order's gross"),
        shipping_net=amount_in(shipping["net"], currency, "the shipping's net") if shipping else Decimal(0),
        shipping_tax=amount_in(shipping["tax"], currency, "the shipping's tax") if shipping else Decimal(0),
        shipping_name=str(method.get("name") or ""),
        tax_rate=tax_rate,
        shipping_tax_rate=shipping_tax_rate,
    )


ClientFactory = Callable[[SaleorApp], SaleorClient]


class SaleorOrderSink:
    """The OrderSink of a deployment whose renewal orders live in Saleor (see the module docstring).

    `client_factory` makes the client of an installation's app (default: `SaleorApp.client()`, with the
    settings' timeouts and retries); one client per installation and token is kept for the sink's life.
    `bulk_facts` lets `place_orders` use `orderBulkCreate` (see `bulk_orders`); without it every order is a
    draft order.
    """

    def __init__(
        self,
        *,
        client_factory: ClientFactory | None = None,
        bulk_facts: BulkFactsSource | None = None,
        bulk_batch_size: int = 50,
    ) -> None:
        self._client_factory: ClientFactory = client_factory or SaleorApp.client
        self.bulk_facts_source = bulk_facts
        self.bulk_batch_size = bulk_batch_size
        self._clients: dict[tuple[int, str], SaleorClient] = {}
        self._lock = threading.Lock()

    # --- the port ------------------------------------------------------------------------------------

    def place_order(self, request: OrderRequest) -> PlacedOrder:
        """Make (or find, by the invoice number as external reference) the Saleor order of an invoice."""
        context = self.context(request.invoice_id)
        with self.speaking_for(context.app) as client:
            return self.place_one(client, context, request)

    def place_orders(self, requests: Sequence[OrderRequest]) -> list[PlacedOrder | Exception]:
        """Orders for many invoices, each answer (or its error) at the request's position: through
        `orderBulkCreate` where the app holds MANAGE_ORDERS_IMPORT, one by one elsewhere (`bulk_orders`)."""
        return bulk_orders.place_orders(self, requests)

    def record_charge(
        self,
        installation_id: int,
        invoice_number: str,
        *,
        psp_reference: str,
        amount: Decimal,
        currency: str,
        name: str = "Subscription renewal",
        message: str = "",
        refundable: bool = False,
        order: Mapping[str, Any] | None = None,
    ) -> order_payments.Recorded:
        """A charge of the invoice recorded on its order (`transactionCreate`), once per `psp_reference`:
        the gateway's payment id for a charge, `credit-<invoice number>` for the credit balance used.
        `refundable`: Saleor offers to refund it (TRANSACTION_REFUND_REQUESTED comes to the app). `order`: the
        order as `order_payments` read it, when the caller has (else it is read)."""
        app = self.app_of(installation_id)
        with self.speaking_for(app) as client:
            return order_payments.record_charge(
                client,
                invoice_number=invoice_number,
                psp_reference=psp_reference,
                amount=amount,
                currency=currency,
                name=name,
                message=message or f"{name}, invoice {invoice_number}",
                refundable=refundable,
                order=order,
            )

    def read_order_payments(self, installation_id: int, invoice_number: str) -> dict[str, Any]:
        """The invoice's order with what is recorded on it (`order_payments`): read once by a recorder for
        the charges and the document it writes; OrderNotFound if there is none."""
        app = self.app_of(installation_id)
        with self.speaking_for(app) as client:
            return order_payments.order_payments(client, invoice_number)

    def confirm_order(self, installation_id: int, order_id: str) -> bool:
        """A paid renewal order made UNCONFIRMED (`orderBulkCreate`) becomes UNFULFILLED (`orderConfirm`), so
        the warehouse may ship it; False when it was not unconfirmed (a draft order, or confirmed before)."""
        app = self.app_of(installation_id)
        with self.speaking_for(app) as client:
            try:
                client.mutate("order_confirm", {"id": order_id}, "orderConfirm", idempotent=True)
            except SaleorMutationError as exc:
                if exc.codes == ["INVALID"]:
                    return False
                raise
        return True

    def cancel_order(self, installation_id: int, order_id: str) -> bool:
        """The renewal order of an invoice that became void or uncollectible is cancelled (`orderCancel`), so
        it is never shipped; False when Saleor cannot cancel it (cancelled already, or fulfilled)."""
        app = self.app_of(installation_id)
        with self.speaking_for(app) as client:
            try:
                client.mutate("order_cancel", {"id": order_id}, "orderCancel", idempotent=True)
            except SaleorMutationError as exc:
                if exc.codes == ["CANNOT_CANCEL_ORDER"]:
                    return False
                raise
        return True

    def attach_invoice(
        self,
        installation_id: int,
        order_id: str,
        number: str,
        url: str,
        order: Mapping[str, Any] | None = None,
    ) -> order_payments.Recorded:
        """The invoice document `number` at `url` attached to the order (`invoiceCreate`), once. `order`: as
        `order_payments` read it, when the caller has."""
        app = self.app_of(installation_id)
        with self.speaking_for(app) as client:
            return order_payments.attach_invoice(
                client, order_id=order_id, number=number, url=url, order=order
            )

    # --- shared by the single, bulk and payment paths ------------------------------------------------------

    def context(self, invoice_id: int) -> RenewalContext:
        context = load_contexts([invoice_id]).get(invoice_id)
        if context is None:
            raise NotConnected(f"invoice {invoice_id}: its installation has no Saleor app")
        return context

    def client(self, app: SaleorApp) -> SaleorClient:
        key = (app.installation_id, app.token_ciphertext)
        with self._lock:
            client = self._clients.get(key)
            if client is None:
                client = self._clients[key] = self._client_factory(app)
            return client

    def app_of(self, installation_id: int) -> SaleorApp:
        """The Saleor app of an installation (with its installation), or NotConnected."""
        with worker_thread_database():
            apps = SaleorApp.objects.select_related("installation").filter(installation_id=installation_id)
            app = apps.first()
        if app is None:
            raise NotConnected(f"installation {installation_id} has no Saleor app")
        return app

    @contextmanager
    def speaking_for(self, app: SaleorApp) -> Iterator[SaleorClient]:
        """The installation's client. When Saleor refuses the app's token (a 401 or an invalid token; or a
        revoked token, which Saleor treats as no token at all, so that every call is PermissionDenied and the
        `app` query answers no app), the installation is marked removed (Saleor sends the removed app no
        APP_DELETED) and a TokenRejectedError goes on to the caller."""
        installation = app.installation
        if installation.status == Installation.Status.REMOVED:
            raise NotConnected(f"installation {installation.pk} was removed from its Saleor")
        client = self.client(app)
        try:
            yield client
        except TokenRejectedError as exc:
            self._removed(app, f"Saleor refused the app's token ({exc.operation}): {exc}")
            raise
        except SaleorRequestError as exc:
            if "PermissionDenied" not in exc.codes or still_installed(client):
                raise
            self._removed(app, f"Saleor no longer knows the app's token ({exc.operation}): {exc}")
            raise TokenRejectedError(exc.operation, exc.errors) from exc

    def _removed(self, app: SaleorApp, reason: str) -> None:
        self.forget_client(app)
        with worker_thread_database():
            mark_removed(app.installation, reason)

    def forget_client(self, app: SaleorApp) -> None:
        with self._lock:
            client = self._clients.pop((app.installation_id, app.token_ciphertext), None)
        if client is not None:
            client.close()

    def close(self) -> None:
        with self._lock:
            clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            client.close()

    # --- one order ----------------------------------------------------------------------------------

    def place_one(
        self, client: SaleorClient, context: RenewalContext, request: OrderRequest, *, looked_up: bool = False
    ) -> PlacedOrder:
        """The invoice's order: the one found under its number, finished, else a new draft completed.
        `looked_up`: the caller has just found no order under the number, so it is not asked again; an order
        made meanwhile by another worker makes `draftOrderCreate` fail UNIQUE, and that one is finished."""
        found = None if looked_up else find_order(client, request.invoice_number)
        if found is not None:
            return self.finish(client, context, request, found)
        channel = channel_id(client, context.channel_slug)
        try:
            created = client.mutate(
                "draft_order_create",
                {"input": draft_order_input(context, request, channel)},
                "draftOrderCreate",
                idempotent=False,
            )
        except SaleorMutationError as exc:
            # Another worker made it meanwhile (external references are unique in Saleor): finish that one.
            if "UNIQUE" in exc.codes and (found := find_order(client, request.invoice_number)) is not None:
                return self.finish(client, context, request, found)
            raise refused(exc) from exc
        crash_point("after_draft_order_create")  # the draft exists; the next try finds and completes it
        return self.finish(client, context, request, created["order"])

    def create_drafts(
        self, client: SaleorClient, items: Sequence[tuple[RenewalContext, OrderRequest]]
    ) -> list[Mapping[str, Any] | Exception]:
        """The draft orders of invoices found to have none, in one request (`draftOrderCreate` under
        aliases): each answer is the draft made, or its error as `place_one` meets it (an order another
        worker made meanwhile, UNIQUE, is found and given instead). A request failing as a whole raises: a
        draft it made is found by the next try's lookup."""
        answers = client.mutate_aliased(
            "draft_order_create",
            [
                {"input": draft_order_input(context, request, channel_id(client, context.channel_slug))}
                for context, request in items
            ],
            "draftOrderCreate",
            idempotent=False,
        )
        made: list[Mapping[str, Any] | Exception] = []
        for (_context, request), answer in zip(items, answers, strict=True):
            if isinstance(answer, SaleorMutationError):
                try:
                    found = find_order(client, request.invoice_number) if "UNIQUE" in answer.codes else None
                except SaleorError as exc:
                    made.append(exc)
                    continue
                made.append(found if found is not None else refused(answer))
            elif isinstance(answer, Exception):
                made.append(answer)
            else:
                made.append(answer["order"])
        crash_point("after_draft_order_create")  # the drafts exist; the next try finds and completes them
        return made

    def finish(
        self, client: SaleorClient, context: RenewalContext, request: OrderRequest, order: Mapping[str, Any]
    ) -> PlacedOrder:
        """A found or new order of this invoice, completed: metadata written, draft completed. The lines'
        metadata and `draftOrderComplete` go in one request (Saleor runs its mutations in order); a line whose
        metadata was refused there is written again once the order is complete, as on any order found
        without it."""
        check_owner(order, context, request)
        wanted_line = line_metadata(context)
        if order["status"] == DRAFT:
            wanted = order_metadata(context, request)
            if not wanted.items() <= metadata_of(order).items():
                update_metadata(client, order["id"], wanted)
            order = keep_invoice_prices(client, order)
            check_prices(order, context, request)
            items = metadata_items(wanted_line)
            calls: list[tuple[str, Mapping[str, Any], str]] = [
                ("update_metadata", {"id": line["id"], "input": items}, "updateMetadata")
                for line in order.get("lines") or ()
                if not wanted_line.items() <= metadata_of(line).items()
            ]
            calls.append(("draft_order_complete", {"id": order["id"]}, "draftOrderComplete"))
            *_written, completed = client.mutate_combined(calls, idempotent=False)
            if isinstance(completed, SaleorMutationError):
                raise refused(completed)
            if isinstance(completed, Exception):
                raise completed
            order = completed["order"]
            logger.info("renewal order %s made for invoice %s", order["id"], request.invoice_number)
        for line in order.get("lines") or ():
            if not wanted_line.items() <= metadata_of(line).items():
                update_metadata(client, line["id"], wanted_line)
        check_prices(order, context, request)
        return placed_order(order, context.currency)


def still_installed(client: SaleorClient) -> bool:
    """Whether the app's token still names an app in Saleor (the `app` query)."""
    try:
        app = client.execute("app").get("app")
    except TokenRejectedError:
        return False
    except SaleorRequestError as exc:
        if "PermissionDenied" in exc.codes:
            return False
        raise
    return isinstance(app, dict) and bool(app.get("id"))
