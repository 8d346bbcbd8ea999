"""`SaleorBulkFacts`, the production `BulkFactsSource`: the warehouse, tax class and flat rate of a renewal
order read from Saleor (the fake Saleor 3.21, over HTTP), None wherever Saleor's own figures could differ,
each read once per run; and `orderBulkCreate` orders made with them total what Saleor makes of a draft
order of the same lines."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.conf.ports import saleor_ports
from saleor_subscriptions.renewals.ports import PlacedOrder
from saleor_subscriptions.saleor.bulk_facts import SaleorBulkFacts
from saleor_subscriptions.saleor.bulk_orders import BulkFacts
from saleor_subscriptions.saleor.catalog_cache import variant_facts
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.saleor.renewal_context import load_contexts
from tests.fakes.saleor import FakeSaleor
from tests.saleor.test_orders_shop import ANN_BILLING, Shop, fake_saleor, make_shop, quick_client

pytestmark = pytest.mark.django_db
__all__ = ["fake_saleor"]

IN_GERMANY = ANN_BILLING | {"streetAddress1": "Unter den Linden 1", "city": "Berlin", "country": "DE"}


def digital_shop(fake: FakeSaleor, price: str = "9.99") -> Shop:
    """The coffee shop (EUR, 21 % VAT in NL, flat rates, net prices) selling a subscription that ships
    nothing, with one warehouse in its channel."""
    shop = make_shop(fake, shipping=False, price=price)
    fake.add_warehouse("Amsterdam", channels=["default-channel"])
    return shop


def facts_of(
    shop: Shop, country: str = "NL", source: SaleorBulkFacts | None = None, variant_id: str | None = None
) -> BulkFacts | None:
    invoice = shop.invoice(shop.subscription())
    context = load_contexts([invoice.pk])[invoice.pk]
    client = quick_client(shop.saleor_app)
    try:
        variant = variant_facts(client, variant_id or shop.variant_id)
        return (source or SaleorBulkFacts()).bulk_facts(client, context, variant, country)
    finally:
        client.close()


def warehouse_id(fake: FakeSaleor) -> str:
    channel = fake.store.channel_by_slug("default-channel")
    assert channel is not None
    return channel.warehouses[0].id


def operations(fake: FakeSaleor) -> list[str]:
    return [request.operation_name or "" for request in fake.requests]


# --- what is read ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("entered_with_tax", [False, True])
def test_flat_rates_give_the_channel_warehouse_the_tax_class_and_its_rate_as_a_fraction(
    fake_saleor, entered_with_tax
):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_tax_configuration(prices_entered_with_tax=entered_with_tax)

    facts = facts_of(shop)

    assert facts == BulkFacts(warehouse_id(fake_saleor), shop.tax_class_id, Decimal("0.21"), entered_with_tax)
    assert isinstance(facts.tax_rate, Decimal)


def test_a_product_without_its_own_tax_class_takes_its_product_types(fake_saleor):
    shop = digital_shop(fake_saleor)
    reduced = fake_saleor.add_tax_class("Reduced", rates={"NL": 9})
    kind = fake_saleor.add_product_type("Books", is_shipping_required=False, tax_class=reduced)
    book = fake_saleor.add_variant(fake_saleor.add_product("Book club", product_type=kind).id, name="Paper")

    facts = facts_of(shop, variant_id=book.id)

    assert facts is not None
    assert (facts.tax_class_id, facts.tax_rate) == (reduced.id, Decimal("0.09"))


def test_a_tax_class_without_a_rate_for_the_country_takes_the_countrys_default_rate(fake_saleor):
    shop = digital_shop(fake_saleor)  # the class has a rate for NL only
    fake_saleor.set_default_tax_rates({"DE": Decimal("19")})

    facts = facts_of(shop, country="DE")

    assert facts is not None
    assert (facts.tax_class_id, facts.tax_rate) == (shop.tax_class_id, Decimal("0.19"))
    assert facts_of(shop, country="BE") is None  # no rate at all: Saleor's to decide, on a draft


def test_a_product_with_no_tax_class_at_all_is_a_draft(fake_saleor):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_default_tax_rates({"NL": 21})
    plain = fake_saleor.add_product("Tea club", is_shipping_required=False)
    tea = fake_saleor.add_variant(plain.id, name="100 g")

    assert facts_of(shop, variant_id=tea.id) is None  # 3.21's orderBulkCreate needs a taxClassId


def test_a_channel_with_a_tax_app_is_a_draft(fake_saleor):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_tax_configuration(tax_calculation_strategy="TAX_APP")

    assert facts_of(shop) is None
    fake_saleor.set_tax_configuration(tax_calculation_strategy=None)
    assert facts_of(shop) is None  # not set: Saleor's schema and code read it differently


def test_a_channel_without_warehouses_is_a_draft(fake_saleor):
    shop = make_shop(fake_saleor, shipping=False)
    fake_saleor.add_warehouse("Elsewhere")  # a warehouse, but not the channel's

    assert facts_of(shop) is None


def test_a_country_exception_decides_for_its_country(fake_saleor):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_tax_configuration(tax_calculation_strategy="TAX_APP")
    fake_saleor.set_default_tax_rates({"DE": 19, "BE": 21})
    fake_saleor.set_tax_exception("default-channel", "NL", tax_calculation_strategy="FLAT_RATES")
    fake_saleor.set_tax_exception("default-channel", "BE")  # strategy not given: the channel's, or flat?

    facts = facts_of(shop, country="NL")

    assert facts is not None and facts.tax_rate == Decimal("0.21")
    assert facts_of(shop, country="DE") is None  # no exception: the channel's tax app
    assert facts_of(shop, country="BE") is None


def test_an_exception_that_is_not_flat_rates_makes_its_country_a_draft(fake_saleor):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_default_tax_rates({"DE": 19, "BE": 21})
    fake_saleor.set_tax_exception("default-channel", "DE", tax_calculation_strategy="TAX_APP")
    fake_saleor.set_tax_exception("default-channel", "BE")  # in a flat-rate channel: flat rates either way

    assert facts_of(shop, country="DE") is None
    belgian = facts_of(shop, country="BE")
    assert belgian is not None and belgian.tax_rate == Decimal("0.21")


@pytest.mark.parametrize("entered_with_tax", [False, True])
def test_taxes_not_charged_are_a_rate_of_zero_on_net_prices_and_a_draft_on_gross_ones(
    fake_saleor, entered_with_tax
):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_tax_configuration(prices_entered_with_tax=entered_with_tax)
    fake_saleor.set_tax_exception("default-channel", "NL", charge_taxes=False)

    facts = facts_of(shop)

    if entered_with_tax:
        assert facts is None  # Saleor would take the tax out of the entered gross
    else:
        assert facts is not None and facts.tax_rate == Decimal(0)


# --- one read per run ----------------------------------------------------------------------------------


def test_a_batch_reads_the_channel_and_the_rates_once(fake_saleor):
    shop = digital_shop(fake_saleor)
    now = [0.0]
    source = SaleorBulkFacts(ttl=60, clock=lambda: now[0])
    sink = shop.sink(bulk_facts=source)
    fake_saleor.requests.clear()

    results = sink.place_orders([shop.request(shop.invoice(shop.subscription())) for _ in range(4)])
    again = sink.place_orders([shop.request(shop.invoice(shop.subscription())) for _ in range(2)])

    assert all(isinstance(result, PlacedOrder) for result in [*results, *again])
    assert operations(fake_saleor).count("OrderBulkCreate") == 2
    assert operations(fake_saleor).count("ChannelTaxes") == 1
    assert operations(fake_saleor).count("TaxCountryRates") == 1
    assert operations(fake_saleor).count("VariantTaxClass") == 0  # the product has its own class

    now[0] = 61.0  # the reads are kept for a short time only
    sink.place_orders([shop.request(shop.invoice(shop.subscription()))])
    assert operations(fake_saleor).count("ChannelTaxes") == 2


# --- end to end: bulk orders as Saleor's drafts ---------------------------------------------------------


def production_sink() -> SaleorOrderSink:
    sink = saleor_ports().orders
    assert isinstance(sink, SaleorOrderSink) and isinstance(sink.bulk_facts_source, SaleorBulkFacts)
    return sink


def line_totals(order: Any) -> list[tuple[Decimal, Decimal, Decimal]]:
    return [
        (line.total_price.net.amount, line.total_price.gross.amount, line.tax_rate) for line in order.lines
    ]


@pytest.mark.parametrize(
    ("entered_with_tax", "address", "expected"),
    [
        # 3 x 1.07 net at 21 %: 1.29 gross a unit, 3.87 (on the line's total it would be 3.88)
        (False, ANN_BILLING, (Decimal("3.21"), Decimal("0.66"), Decimal("3.87"))),
        # 3 x 1.07 gross: 0.88 net a unit, 2.64 (on the total 2.65)
        (True, ANN_BILLING, (Decimal("2.64"), Decimal("0.57"), Decimal("3.21"))),
        # taxed in Germany at its default 19 %: 1.27 gross a unit
        (False, IN_GERMANY, (Decimal("3.21"), Decimal("0.60"), Decimal("3.81"))),
    ],
)
def test_an_order_made_in_bulk_totals_what_saleor_makes_of_a_draft_of_the_same_lines(
    fake_saleor, entered_with_tax, address, expected
):
    shop = digital_shop(fake_saleor, price="1.07")
    fake_saleor.set_tax_configuration(prices_entered_with_tax=entered_with_tax)
    fake_saleor.set_default_tax_rates({"DE": 19})
    bulk_invoice, draft_invoice = (
        shop.invoice(shop.subscription(quantity=3, billing_address=address, shipping_address=address))
        for _ in range(2)
    )
    sink = production_sink()
    try:
        [bulk] = sink.place_orders([shop.request(bulk_invoice)])
    finally:
        sink.close()
    draft = shop.sink().place_order(shop.request(draft_invoice))  # the normal way: Saleor prices it

    assert isinstance(bulk, PlacedOrder)
    bulk_order = fake_saleor.order(bulk.order_id)
    draft_order = fake_saleor.order(draft.order_id)
    assert (bulk_order.origin, draft_order.origin) == ("BULK_CREATE", "DRAFT")
    assert (bulk.net, bulk.tax, bulk.gross) == (draft.net, draft.tax, draft.gross) == expected
    assert bulk_order.total == draft_order.total
    assert line_totals(bulk_order) == line_totals(draft_order)


def test_in_production_a_tax_app_channel_gets_draft_orders(fake_saleor):
    shop = digital_shop(fake_saleor)
    fake_saleor.set_tax_configuration(tax_calculation_strategy="TAX_APP")
    invoices = [shop.invoice(shop.subscription()) for _ in range(2)]
    sink = production_sink()
    try:
        results = sink.place_orders([shop.request(invoice) for invoice in invoices])
    finally:
        sink.close()

    assert all(isinstance(result, PlacedOrder) for result in results)
    assert "OrderBulkCreate" not in operations(fake_saleor)
    assert [order.origin for order in fake_saleor.orders()] == ["DRAFT", "DRAFT"]
