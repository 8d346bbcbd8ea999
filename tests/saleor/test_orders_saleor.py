"""A renewal invoice becomes one Saleor order, over HTTP against the fake Saleor: the plan's variant at the
invoice's amount, the subscription's customer, addresses and shipping, the invoice number as external
reference, Saleor's taxes on the invoice; and however a request fails, never a second order."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saleor_subscriptions.renewals.ports import PlacedOrder
from saleor_subscriptions.saleor.client import (
    SaleorMutationError,
    SaleorRequestError,
    SaleorUnavailable,
    TokenRejectedError,
)
from saleor_subscriptions.saleor.order_checks import OrderConflict
from saleor_subscriptions.saleor.renewal_context import NotConnected
from saleor_subscriptions.tenants.models import Installation
from tests.saleor.test_orders_shop import ANN_SHIPPING, Shop, fake_saleor, make_shop, shop

pytestmark = pytest.mark.django_db
__all__ = ["fake_saleor", "shop"]


def operations(shop: Shop) -> list[str]:
    return [request.operation_name or "" for request in shop.fake.requests]


def test_an_invoice_becomes_a_completed_order_with_saleors_taxes(shop):
    subscription = shop.subscription(quantity=2)
    invoice = shop.invoice(subscription, setup_fee=True)  # 2 x 9.99 + 2 x 5.00 setup fee = 29.98

    placed = shop.sink().place_order(shop.request(invoice))

    [order] = shop.fake.orders()
    assert order.status == "UNFULFILLED"
    assert order.external_reference == invoice.number
    [line] = order.lines
    assert (line.variant.id, line.quantity, line.price_override) == (shop.variant_id, 2, Decimal("14.99"))
    assert line.metadata == {
        "subscription.renewal.subscription": str(subscription.pk),
        "subscription.renewal.invoice": invoice.number,
    }
    assert order.user.id == shop.customer_id and order.user_email == "ann@example.com"
    shipping = order.shipping_address
    assert (shipping.street_address1, shipping.country) == ("Prinsengracht 2", "NL")
    assert order.billing_address.street_address1 == "Keizersgracht 1"
    assert order.shipping_method.id == shop.shipping_method_id
    assert order.metadata["subscription.renewal.invoice"] == invoice.number
    assert [entry["kind"] for entry in json.loads(order.metadata["subscription.renewal.lines"])] == [
        "plan",
        "setup_fee",
    ]
    # Saleor's figures: lines 29.98 + 21 % = 36.28; post 4.95 + 21 % = 5.99.
    assert order.subtotal.net.amount == Decimal("29.98")
    assert placed == PlacedOrder(
        order_id=order.id,
        net=Decimal("34.93"),
        tax=Decimal("7.34"),
        gross=Decimal("42.27"),
        shipping_net=Decimal("4.95"),
        shipping_tax=Decimal("1.04"),
        shipping_name="Post",
        tax_rate=Decimal("0.2100"),  # Saleor's rates, for the invoice's VAT per rate
        shipping_tax_rate=Decimal("0.2100"),
    )


def test_an_amount_one_unit_price_cannot_carry_is_split_over_two_lines(shop):
    subscription = shop.subscription(quantity=3)
    invoice = shop.invoice(subscription, usage="1.00")  # 3 x 9.99 + 1.00 = 30.97: not 3 equal unit prices

    shop.sink().place_order(shop.request(invoice))

    [order] = shop.fake.orders()
    assert [(line.quantity, line.price_override) for line in order.lines] == [
        (2, Decimal("10.32")),
        (1, Decimal("10.33")),
    ]
    assert order.subtotal.net.amount == Decimal("30.97")


def test_a_discount_is_taken_off_the_line_and_the_order_totals_the_invoice(shop):
    invoice = shop.invoice(shop.subscription(quantity=1), percent_off="10")  # 9.99 - 1.00 = 8.99

    placed = shop.sink().place_order(shop.request(invoice))

    [order] = shop.fake.orders()
    assert [line.price_override for line in order.lines] == [Decimal("8.99")]
    assert placed.gross == order.total.gross.amount == Decimal("10.88") + Decimal("5.99")


def test_asking_again_returns_the_same_order_without_making_another(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    first = sink.place_order(shop.request(invoice))
    shop.fake.requests.clear()

    assert sink.place_order(shop.request(invoice)) == first
    assert len(shop.fake.orders()) == 1
    assert operations(shop) == ["OrderByExternalReference"]


def test_a_lost_answer_to_draft_order_create_is_found_and_finished_on_the_retry(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    shop.fake.fail_next("DraftOrderCreate", mode="drop_after")

    with pytest.raises(SaleorUnavailable, match="not retried"):
        sink.place_order(shop.request(invoice))
    [draft] = shop.fake.orders()
    assert draft.status == "DRAFT"

    placed = sink.place_order(shop.request(invoice))

    [order] = shop.fake.orders()
    assert order is draft and order.status == "UNFULFILLED"
    assert placed.order_id == order.id
    assert operations(shop).count("DraftOrderCreate") == 1


def test_a_crash_between_create_and_complete_is_finished_on_the_retry(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    shop.fake.fail_next("DraftOrderComplete", status=500)

    with pytest.raises(SaleorUnavailable):
        sink.place_order(shop.request(invoice))
    assert [order.status for order in shop.fake.orders()] == ["DRAFT"]

    placed = sink.place_order(shop.request(invoice))

    [order] = shop.fake.orders()
    assert (order.status, placed.order_id) == ("UNFULFILLED", order.id)


def test_saleor_failing_the_lookup_is_unavailable_after_the_retries(shop):
    invoice = shop.invoice(shop.subscription())
    shop.fake.fail_next("OrderByExternalReference", status=503, times=10)

    with pytest.raises(SaleorUnavailable, match="after 3 attempts"):
        shop.sink().place_order(shop.request(invoice))

    assert operations(shop).count("OrderByExternalReference") == 3  # the first try and 2 retries
    assert shop.fake.orders() == []


def test_a_revoked_token_marks_the_installation_removed_and_stops_asking(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    shop.fake.delete_app(shop.app.id)

    with pytest.raises(TokenRejectedError):
        sink.place_order(shop.request(invoice))

    shop.installation.refresh_from_db()
    assert shop.installation.status == Installation.Status.REMOVED
    shop.saleor_app.refresh_from_db()
    assert shop.saleor_app.token_rejected_at is not None
    asked = len(shop.fake.requests)
    with pytest.raises(NotConnected, match="removed"):
        sink.place_order(shop.request(invoice))
    assert len(shop.fake.requests) == asked


def test_an_order_of_someone_else_under_the_invoice_number_is_a_conflict(shop):
    invoice = shop.invoice(shop.subscription())
    other = shop.invoice(shop.subscription())
    sink = shop.sink()
    sink.place_order(shop.request(other))
    shop.fake.order_by_external_reference(other.number).external_reference = invoice.number

    with pytest.raises(OrderConflict, match=f"invoice '{other.number}', not '{invoice.number}'"):
        sink.place_order(shop.request(invoice))
    assert len(shop.fake.orders()) == 1


def test_an_order_the_shop_cancelled_is_not_taken_as_the_invoices(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    placed = sink.place_order(shop.request(invoice))
    shop.fake.order_cancel(placed.order_id)

    with pytest.raises(OrderConflict, match="cancelled"):
        sink.place_order(shop.request(invoice))


def test_a_subscription_without_a_billing_address_is_refused_by_saleor(shop):
    invoice = shop.invoice(shop.subscription(billing_address={}))

    with pytest.raises(SaleorMutationError) as refused:
        shop.sink().place_order(shop.request(invoice))

    assert "BILLING_ADDRESS_NOT_SET" in refused.value.codes
    assert [order.status for order in shop.fake.orders()] == ["DRAFT"]


def test_before_saleor_3_21_the_order_metadata_is_written_after_creating(fake_saleor):
    old = make_shop(fake_saleor, schema_version="3.20")
    invoice = old.invoice(old.subscription())

    old.sink().place_order(old.request(invoice))

    [create] = [r for r in fake_saleor.requests if r.operation_name == "DraftOrderCreate"]
    assert "metadata" not in create.variables["input"]
    [order] = fake_saleor.orders()
    assert order.metadata["subscription.renewal.invoice"] == invoice.number
    assert [r.operation_name for r in fake_saleor.requests][-3:] == [
        "DraftOrderCreate",
        "UpdateMetadata",  # the order
        "DraftOrderComplete",  # its line's metadata, then the draft completed, in one request
    ]
    assert all(line.metadata["subscription.renewal.invoice"] == invoice.number for line in order.lines)


def test_a_product_without_shipping_gets_no_shipping_method(fake_saleor):
    digital = make_shop(fake_saleor, shipping=False)
    invoice = digital.invoice(digital.subscription(shipping_address={}))

    placed = digital.sink().place_order(digital.request(invoice))

    [order] = fake_saleor.orders()
    assert order.shipping_method is None and order.shipping_address is None
    assert (placed.net, placed.tax, placed.gross) == (Decimal("9.99"), Decimal("2.10"), Decimal("12.09"))


def test_the_shipping_address_is_copied_field_by_field(shop):
    invoice = shop.invoice(shop.subscription(shipping_address=ANN_SHIPPING | {"skipValidation": True}))

    shop.sink().place_order(shop.request(invoice))

    [create] = [r for r in shop.fake.requests if r.operation_name == "DraftOrderCreate"]
    assert create.variables["input"]["shippingAddress"] == ANN_SHIPPING


def test_an_app_without_manage_orders_is_refused_and_stays_installed(fake_saleor):
    limited = make_shop(fake_saleor, permissions=["HANDLE_PAYMENTS"])
    invoice = limited.invoice(limited.subscription())

    with pytest.raises(SaleorRequestError) as refused:
        limited.sink().place_order(limited.request(invoice))

    assert refused.value.codes == ["PermissionDenied"]
    limited.installation.refresh_from_db()
    assert limited.installation.status == Installation.Status.ACTIVE
