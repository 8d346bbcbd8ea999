"""The shop the renewal-order tests run against: a fake Saleor over HTTP with a coffee subscription on sale,
the app installed in it from a manifest served by a small HTTP server, and invoices made the way renewals
make them. Fixtures only (imported by the test_orders_* modules)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import Discount, price_period, setup_fee_line
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine
from saleor_subscriptions.renewals.ports import OrderLine, OrderRequest
from saleor_subscriptions.saleor import catalog_cache
from saleor_subscriptions.saleor.client import SaleorClient
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.calendar import current_period
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription
from tests.fakes.saleor import FakeSaleor, InstalledApp
from tests.fakes.saleor.fixtures import fake_saleor

__all__ = ["ANN_BILLING", "ANN_SHIPPING", "Shop", "fake_saleor", "make_shop", "shop"]

ALL_PERMISSIONS = [
    "MANAGE_PRODUCTS",
    "MANAGE_CHECKOUTS",
    "HANDLE_CHECKOUTS",
    "MANAGE_ORDERS",
    "MANAGE_ORDERS_IMPORT",
    "HANDLE_PAYMENTS",
    "MANAGE_USERS",
]
ANN_BILLING = {
    "firstName": "Ann",
    "lastName": "Smith",
    "streetAddress1": "Keizersgracht 1",
    "city": "Amsterdam",
    "postalCode": "1015 CJ",
    "country": "NL",
}
ANN_SHIPPING = ANN_BILLING | {"streetAddress1": "Prinsengracht 2"}


class _ManifestHandler(BaseHTTPRequestHandler):
    """Serves the app's manifest and takes the token Saleor POSTs at install."""

    manifest: dict[str, Any] = {}

    def do_GET(self) -> None:
        body = json.dumps(self.manifest).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    def log_message(self, *args: Any) -> None:
        pass


def install_app(fake: FakeSaleor, permissions: list[str]) -> InstalledApp:
    """Installs an app into the fake from a manifest served on 127.0.0.1, as a shop owner would."""
    manifest: dict[str, Any] = {}
    handler = type("Handler", (_ManifestHandler,), {"manifest": manifest})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    manifest |= {
        "id": "saleor.subscriptions.test",
        "version": "1.0.0",
        "name": "Subscriptions",
        "permissions": permissions,
        "tokenTargetUrl": f"{base}/api/register",
        "appUrl": f"{base}/app",
    }
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        return fake.install_app(f"{base}/api/manifest")
    finally:
        server.shutdown()
        server.server_close()


@dataclass
class Shop:
    """A Saleor shop (the fake) selling a coffee subscription, with the app installed, and its rows here."""

    fake: FakeSaleor
    app: InstalledApp
    installation: Installation
    saleor_app: SaleorApp
    variant_id: str
    shipping_method_id: str
    customer_id: str
    tax_class_id: str
    version: PlanVersion
    sinks: list[SaleorOrderSink] = field(default_factory=list)

    def sink(self, **options: Any) -> SaleorOrderSink:
        """An order sink whose clients retry quickly (no real backoff waits in tests)."""
        options.setdefault("client_factory", quick_client)
        sink = SaleorOrderSink(**options)
        self.sinks.append(sink)
        return sink

    def subscription(self, quantity: int = 1, **fields: Any) -> Subscription:
        fields.setdefault("customer_email", "ann@example.com")
        fields.setdefault("customer_user_id", self.customer_id)
        fields.setdefault("billing_address", ANN_BILLING)
        fields.setdefault("shipping_address", ANN_SHIPPING)
        fields.setdefault("shipping_method_id", self.shipping_method_id)
        return make_subscription(self.version, status="active", quantity=quantity, **fields)

    def invoice(
        self,
        subscription: Subscription,
        *,
        setup_fee: bool = False,
        percent_off: str | None = None,
        usage: str | None = None,
    ) -> Invoice:
        """The subscription's open invoice for its current period, lines priced as renewals price them."""
        terms: PlanTerms = subscription.plan_version.terms()
        period = current_period(subscription)
        discount = Discount("TEN", percent=Decimal(percent_off)) if percent_off else None
        lines = price_period(terms, period, quantity=subscription.quantity, discount=discount)
        if setup_fee:
            lines.insert(1, setup_fee_line(terms, subscription.quantity, period.start, period.end))
        number = f"INV-{Invoice.objects.count() + 1:06d}"
        invoice = Invoice.objects.create(
            installation=self.installation,
            subscription=subscription,
            billing_reason="renewal",
            number=number,
            status="open",
            currency=subscription.currency,
            period_index=Invoice.objects.filter(subscription=subscription).count(),
            period_start=period.start,
            period_end=period.end,
            due_at=datetime(2026, 12, 16, 5, tzinfo=UTC),
            pipeline_step="order",
        )
        rows = [
            InvoiceLine(
                installation=self.installation,
                invoice=invoice,
                position=position,
                kind=line.kind.value,
                target=line.target.value if line.target else "",
                description=line.description,
                reason=line.reason,
                quantity=Decimal(line.quantity),
                unit_amount=line.unit_amount,
                amount=line.amount,
            )
            for position, line in enumerate(lines, start=1)
        ]
        if usage is not None:
            rows.append(
                InvoiceLine(
                    installation=self.installation,
                    invoice=invoice,
                    position=len(rows) + 1,
                    kind="usage",
                    description="Extra bags",
                    quantity=Decimal(1),
                    unit_amount=Decimal(usage),
                    amount=Decimal(usage),
                )
            )
        InvoiceLine.objects.bulk_create(rows)
        return invoice

    def request(self, invoice: Invoice) -> OrderRequest:
        """What the pipeline asks the order sink for this invoice: its lines but the credit."""
        subscription = invoice.subscription
        return OrderRequest(
            installation_id=invoice.installation_id,
            invoice_id=invoice.pk,
            invoice_number=invoice.number or "",
            channel_slug=subscription.channel_slug,
            currency=invoice.currency,
            customer_email=subscription.customer_email,
            customer_user_id=subscription.customer_user_id,
            lines=tuple(
                OrderLine(line.kind, line.description, line.quantity, line.unit_amount, line.amount)
                for line in invoice.lines.order_by("position")
                if line.kind != "credit"
            ),
        )


def quick_client(app: SaleorApp) -> SaleorClient:
    return SaleorClient(app.api_url, app.token, timeout=10, retries=2, backoff=0, sleep=lambda _s: None)


def make_shop(
    fake: FakeSaleor,
    *,
    permissions: list[str] | None = None,
    schema_version: str = "3.21",
    shipping: bool = True,
    price: str = "9.99",
    **installation_fields: Any,
) -> Shop:
    """The coffee shop: EUR channel in NL, 21 % VAT, a 9.99 monthly plan on a 250 g bag, post at 4.95."""
    catalog_cache.CHANNELS.clear()
    catalog_cache.VARIANTS.clear()
    fake.add_channel(slug="default-channel", currency="EUR", default_country="NL")
    vat = fake.add_tax_class("Standard", rates={"NL": Decimal(21)})
    product = fake.add_product("Coffee club", tax_class=vat, is_shipping_required=shipping)
    variant = fake.add_variant(product.id, name="250 g", sku="COF-250", prices={"default-channel": "12.50"})
    method = fake.add_shipping_method(channel="default-channel", name="Post", price="4.95", tax_class=vat)
    ann = fake.add_customer(email="ann@example.com", first_name="Ann", last_name="Smith")
    granted = ALL_PERMISSIONS if permissions is None else permissions
    app = install_app(fake, granted)
    installation = make_installation(fake.api_url, **installation_fields)
    saleor_app = SaleorApp(
        installation=installation,
        saleor_domain=fake.domain,
        app_id=app.id,
        schema_version=schema_version,
        permissions=granted,
    )
    saleor_app.token = app.token
    saleor_app.save()
    version = make_plan_version(
        installation, currency="EUR", price=Decimal(price), variant_id=variant.id, setup_fee=Decimal("5.00")
    )
    return Shop(
        fake=fake,
        app=app,
        installation=installation,
        saleor_app=saleor_app,
        variant_id=variant.id,
        shipping_method_id=method.id if shipping else "",
        customer_id=ann.id,
        tax_class_id=vat.id,
        version=version,
    )


@pytest.fixture
def shop(fake_saleor: FakeSaleor) -> Iterator[Shop]:
    built = make_shop(fake_saleor)
    yield built
    for sink in built.sinks:
        sink.close()
