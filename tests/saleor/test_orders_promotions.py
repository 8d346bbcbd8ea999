"""Issue 12 item 18: the order is the invoice. Saleor applies a variant's catalogue promotion to draft order
lines, custom prices included: a 30 % promotion made a 20.00 renewal order 14.00, and 14.00 was charged. A
renewal order's lines carry the invoice's prices exactly, on the draft and the bulk path, whatever promotions
the catalogue runs (the plan's own discounts are in the invoice already)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.saleor.order_checks import OrderPriceMismatch
from saleor_subscriptions.saleor.renewal_metadata import order_metadata
from tests.saleor.test_orders_bulk import digital_shop, operations
from tests.saleor.test_orders_shop import ANN_BILLING, fake_saleor, make_shop

pytestmark = pytest.mark.django_db
__all__ = ["fake_saleor"]


def test_the_fake_applies_a_catalogue_promotion_to_a_draft_line_with_a_custom_price(fake_saleor):
    """What real Saleor did, so that the next test means something."""
    shop = make_shop(fake_saleor, shipping=False, price="20.00")
    fake_saleor.add_catalogue_promotion(shop.variant_id, percent=30)
    channel = fake_saleor.execute('query { channel(slug: "default-channel") { id } }')["data"]["channel"][
        "id"
    ]

    answer = fake_saleor.execute(
        "mutation($input: DraftOrderCreateInput!) { draftOrderCreate(input: $input) { order { id } } }",
        {
            "input": {
                "channelId": channel,
                "lines": [{"variantId": shop.variant_id, "quantity": 1, "price": "20.00"}],
            }
        },
    )

    order = fake_saleor.order(answer["data"]["draftOrderCreate"]["order"]["id"])
    [line] = order.lines
    assert (line.undiscounted_unit_price.net.amount, line.unit_price.net.amount) == (
        Decimal("20.00"),
        Decimal("14.00"),
    )


def test_a_draft_renewal_order_keeps_the_invoices_price_under_a_catalogue_promotion(fake_saleor):
    shop = make_shop(fake_saleor, shipping=False, price="20.00")
    fake_saleor.add_catalogue_promotion(shop.variant_id, percent=30)
    invoice = shop.invoice(shop.subscription(shipping_address={}))

    placed = shop.sink().place_order(shop.request(invoice))

    [order] = fake_saleor.orders()
    [line] = order.lines
    assert order.status == "UNFULFILLED"
    assert (line.unit_price.net.amount, line.unit_discount.amount) == (Decimal("20.00"), Decimal("0.00"))
    assert [d["type"] for d in line.discounts] == ["MANUAL"]
    assert (placed.net, placed.tax, placed.gross) == (Decimal("20.00"), Decimal("4.20"), Decimal("24.20"))
    assert operations(shop).count("OrderLineDiscountUpdate") == 1


def test_without_a_promotion_no_line_discount_is_written(fake_saleor):
    shop = make_shop(fake_saleor, shipping=False, price="20.00")
    invoice = shop.invoice(shop.subscription(shipping_address={}))

    shop.sink().place_order(shop.request(invoice))

    assert "OrderLineDiscountUpdate" not in operations(shop)
    [order] = fake_saleor.orders()
    assert order.lines[0].discounts == []


def test_a_bulk_renewal_order_keeps_the_invoices_price_under_a_catalogue_promotion(fake_saleor):
    shop, facts = digital_shop(fake_saleor)
    fake_saleor.add_catalogue_promotion(shop.variant_id, percent=30)
    invoice = shop.invoice(shop.subscription(quantity=2))

    [placed] = shop.sink(bulk_facts=facts).place_orders([shop.request(invoice)])

    assert operations(shop).count("OrderBulkCreate") == 1
    [order] = fake_saleor.orders()
    assert [line.total_price.net.amount for line in order.lines] == [Decimal("19.98")]
    assert not isinstance(placed, Exception) and placed.net == Decimal("19.98")


def test_our_order_completed_at_a_promotions_price_is_not_taken(fake_saleor):
    """An order completed before this fix, at the promotion's 14.00: found again, it is not charged."""
    shop = make_shop(fake_saleor, shipping=False, price="20.00")
    fake_saleor.add_catalogue_promotion(shop.variant_id, percent=30)
    invoice = shop.invoice(shop.subscription(shipping_address={}))
    sink = shop.sink()
    request = shop.request(invoice)
    metadata = order_metadata(sink.context(invoice.pk), request)
    channel = fake_saleor.execute('query { channel(slug: "default-channel") { id } }')["data"]["channel"][
        "id"
    ]
    created = fake_saleor.execute(
        document("draft_order_create"),
        {
            "input": {
                "channelId": channel,
                "externalReference": invoice.number,
                "userEmail": "ann@example.com",
                "billingAddress": ANN_BILLING,
                "lines": [{"variantId": shop.variant_id, "quantity": 1, "price": "20.00"}],
                "metadata": [{"key": key, "value": value} for key, value in metadata.items()],
            }
        },
    )["data"]["draftOrderCreate"]["order"]
    fake_saleor.execute(document("draft_order_complete"), {"id": created["id"]})

    with pytest.raises(
        OrderPriceMismatch, match=r"14\.00 net, 16\.94 gross, but the invoice comes to 20\.00 EUR"
    ):
        sink.place_order(request)
