"""Many renewals at once: one lookup pass, then `orderBulkCreate` where the app holds MANAGE_ORDERS_IMPORT and
knows the bulk facts (warehouse, tax class and rate), draft orders elsewhere; each request gets its own
answer and one refused order never fails the others (over HTTP against the fake Saleor 3.21)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import InvoiceLine
from saleor_subscriptions.renewals.ports import PlacedOrder
from saleor_subscriptions.saleor.bulk_orders import BulkFacts, BulkOrderRefused
from saleor_subscriptions.saleor.catalog_cache import VariantFacts
from saleor_subscriptions.saleor.client import SaleorClient, SaleorUnavailable
from saleor_subscriptions.saleor.order_lines import UnorderableInvoice
from saleor_subscriptions.saleor.renewal_context import RenewalContext
from tests.saleor.test_orders_shop import ALL_PERMISSIONS, Shop, fake_saleor, make_shop

pytestmark = pytest.mark.django_db
__all__ = ["fake_saleor"]


@dataclass
class ShopFacts:
    """The bulk facts the shop owner's Saleor holds: one warehouse, the 21 % VAT class, net prices."""

    warehouse_id: str
    tax_class_id: str
    asked: int = 0

    def bulk_facts(
        self, client: SaleorClient, context: RenewalContext, variant: VariantFacts, country: str
    ) -> BulkFacts | None:
        self.asked += 1
        if country != "NL":
            return None
        return BulkFacts(self.warehouse_id, self.tax_class_id, Decimal("0.21"), prices_entered_with_tax=False)


def digital_shop(fake, permissions=ALL_PERMISSIONS) -> tuple[Shop, ShopFacts]:
    """A shop selling a subscription that ships nothing (bulk orders are for those)."""
    shop = make_shop(fake, shipping=False, permissions=permissions)
    return shop, ShopFacts(fake.add_warehouse().id, shop.tax_class_id)


def operations(shop: Shop) -> list[str]:
    return [request.operation_name or "" for request in shop.fake.requests]


def test_the_missing_orders_are_made_in_one_bulk_request_and_an_existing_one_is_found(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    invoices = [shop.invoice(shop.subscription(quantity=n)) for n in (1, 2, 3)]
    sink = shop.sink(bulk_facts=facts)
    earlier = sink.place_order(shop.request(invoices[0]))  # made before, by a renewal that then crashed
    fake_saleor.requests.clear()

    results = sink.place_orders([shop.request(invoice) for invoice in invoices])

    assert results[0] == earlier
    assert operations(shop).count("OrderBulkCreate") == 1
    assert operations(shop).count("DraftOrderCreate") == 0
    assert len(fake_saleor.orders()) == 3
    for invoice, placed in zip(invoices[1:], results[1:], strict=True):
        assert isinstance(placed, PlacedOrder)
        order = fake_saleor.order_by_external_reference(invoice.number)
        assert order is not None and order.id == placed.order_id
        assert order.status == "UNCONFIRMED" and order.origin == "BULK_CREATE"
        assert order.metadata["subscription.renewal.invoice"] == invoice.number
        assert [line.variant.id for line in order.lines] == [shop.variant_id]
        assert placed.gross == order.total.gross.amount
    # 2 x 9.99 = 19.98 net, 21 % of it 4.20, as Saleor's flat rate makes it on a draft order
    second = results[1]
    assert isinstance(second, PlacedOrder)
    assert (second.net, second.tax, second.gross) == (
        Decimal("19.98"),
        Decimal("4.20"),
        Decimal("24.18"),
    )
    assert (second.tax_rate, second.shipping_tax_rate) == (Decimal("0.2100"), Decimal("0.0000"))


def test_one_refused_order_does_not_fail_the_others(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    good = shop.invoice(shop.subscription())
    gone = "VXNlcjo5OTk="  # User:999, a customer no longer in Saleor
    bad = shop.invoice(shop.subscription(customer_user_id=gone))
    also_good = shop.invoice(shop.subscription())

    results = shop.sink(bulk_facts=facts).place_orders([shop.request(i) for i in (good, bad, also_good)])

    assert isinstance(results[0], PlacedOrder) and isinstance(results[2], PlacedOrder)
    assert isinstance(results[1], BulkOrderRefused)
    assert results[1].codes == ["NOT_FOUND"]
    made = sorted(order.external_reference or "" for order in fake_saleor.orders())
    assert made == sorted([good.number or "", also_good.number or ""])


def test_without_manage_orders_import_every_order_is_a_draft_order(fake_saleor):
    permissions = [p for p in ALL_PERMISSIONS if p != "MANAGE_ORDERS_IMPORT"]
    shop, facts = digital_shop(fake_saleor, permissions=permissions)
    invoices = [shop.invoice(shop.subscription()) for _ in range(3)]

    results = shop.sink(bulk_facts=facts).place_orders([shop.request(invoice) for invoice in invoices])

    assert all(isinstance(result, PlacedOrder) for result in results)
    assert "OrderBulkCreate" not in operations(shop)
    assert operations(shop).count("DraftOrderComplete") == 3
    assert facts.asked == 0
    assert [o.origin for o in fake_saleor.orders()] == ["DRAFT"] * 3


def test_without_bulk_facts_every_order_is_a_draft_order(fake_saleor):
    shop, _facts = digital_shop(fake_saleor)
    invoices = [shop.invoice(shop.subscription()) for _ in range(2)]

    results = shop.sink().place_orders([shop.request(invoice) for invoice in invoices])

    assert all(isinstance(result, PlacedOrder) for result in results)
    assert "OrderBulkCreate" not in operations(shop)


def test_a_subscription_that_ships_is_always_a_draft_order(fake_saleor):
    shop = make_shop(fake_saleor)  # the coffee ships: Saleor prices the post and its tax
    facts = ShopFacts(fake_saleor.add_warehouse().id, shop.tax_class_id)

    [placed] = shop.sink(bulk_facts=facts).place_orders([shop.request(shop.invoice(shop.subscription()))])

    assert isinstance(placed, PlacedOrder)
    assert "OrderBulkCreate" not in operations(shop)
    assert placed.gross == Decimal("12.09") + Decimal("5.99")


def test_a_lost_bulk_answer_is_retried_by_finding_the_orders(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    invoices = [shop.invoice(shop.subscription()) for _ in range(2)]
    sink = shop.sink(bulk_facts=facts)
    fake_saleor.fail_next("OrderBulkCreate", mode="drop_after")

    first = sink.place_orders([shop.request(invoice) for invoice in invoices])
    assert all(isinstance(result, SaleorUnavailable) for result in first)
    assert len(fake_saleor.orders()) == 2  # made, but the answer was lost

    again = sink.place_orders([shop.request(invoice) for invoice in invoices])

    assert [result.order_id for result in again if isinstance(result, PlacedOrder)] == [
        o.id for o in fake_saleor.orders()
    ]
    assert operations(shop).count("OrderBulkCreate") == 1


def test_batches_hold_at_most_the_batch_size(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    invoices = [shop.invoice(shop.subscription()) for _ in range(5)]

    results = shop.sink(bulk_facts=facts, bulk_batch_size=2).place_orders([shop.request(i) for i in invoices])

    assert all(isinstance(result, PlacedOrder) for result in results)
    assert operations(shop).count("OrderBulkCreate") == 3
    assert len(fake_saleor.orders()) == 5


def test_an_invoice_that_cannot_be_an_order_fails_alone(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    good = shop.invoice(shop.subscription())
    broken = shop.invoice(shop.subscription())
    InvoiceLine.objects.create(
        installation=shop.installation,
        invoice=broken,
        position=9,
        kind="discount",
        target="recurring",
        description="More off than the plan costs",
        unit_amount=Decimal("-20.00"),
        amount=Decimal("-20.00"),
    )

    results = shop.sink(bulk_facts=facts).place_orders([shop.request(broken), shop.request(good)])

    assert isinstance(results[0], UnorderableInvoice)
    assert isinstance(results[1], PlacedOrder)
    assert [order.external_reference for order in fake_saleor.orders()] == [good.number]
