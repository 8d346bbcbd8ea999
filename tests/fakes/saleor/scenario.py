"""A small shop to start tests from: one channel, a tax class (US 10 %, NL 21 %), a coffee product with two
variants, a shipping method and a customer; AddressInput dicts; and short-hands for calling the fake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from .fake import FakeSaleor
from .state import Channel, Order, Product, ShippingMethod, TaxClass, User, Variant

ADDRESS_US = {
    "firstName": "Ann",
    "lastName": "Smith",
    "streetAddress1": "500 Woodward Avenue",
    "city": "Detroit",
    "postalCode": "48226",
    "country": "US",
    "countryArea": "MI",
    "phone": "+13135550188",
}
ADDRESS_NL = {
    "firstName": "Anna",
    "lastName": "de Vries",
    "streetAddress1": "Damrak 1",
    "city": "Amsterdam",
    "postalCode": "1012 LG",
    "country": "NL",
}


@dataclass(frozen=True)
class Shop:
    channel: Channel
    tax_class: TaxClass
    product: Product
    variant: Variant  # 9.99 in the channel
    other_variant: Variant  # 17.50 in the channel
    shipping: ShippingMethod  # 4.95, taxed with the tax class
    customer: User


def coffee_shop(
    fake: FakeSaleor,
    *,
    slug: str = "default-channel",
    currency: str = "USD",
    prices_entered_with_tax: bool = False,
) -> Shop:
    channel = fake.add_channel(slug, currency, prices_entered_with_tax)
    tax_class = fake.add_tax_class("Standard", {"US": 10, "NL": 21})
    product = fake.add_product("Coffee club", tax_class=tax_class.id)
    variant = fake.add_variant(product.id, name="250 g", sku="COF-250", prices={slug: Decimal("9.99")})
    other = fake.add_variant(product.id, name="500 g", sku="COF-500", prices={slug: Decimal("17.50")})
    shipping = fake.add_shipping_method(slug, "Post", Decimal("4.95"), tax_class=tax_class)
    customer = fake.add_customer("ann@example.com", "Ann", "Smith")
    return Shop(channel, tax_class, product, variant, other, shipping, customer)


def call(fake: FakeSaleor, name: str, variables: dict[str, Any], token: str | None) -> dict[str, Any]:
    status, body = fake.post_graphql(name, variables, token=token)
    assert status == 200, body
    return body


def data_of(fake: FakeSaleor, name: str, variables: dict[str, Any], token: str | None) -> Any:
    """The operation's root field, asserting no top-level errors and an empty `errors` list."""
    body = call(fake, name, variables, token)
    assert "errors" not in body, body["errors"]
    (result,) = body["data"].values()
    assert result is not None
    if isinstance(result, dict) and "errors" in result:
        assert result["errors"] == [], result["errors"]
    return result


def code_of(body: dict[str, Any]) -> str:
    return str(body["errors"][0]["extensions"]["exception"]["code"])


def draft(fake: FakeSaleor, shop: Shop, token: str, reference: str = "INV-1", **extra: Any) -> dict[str, Any]:
    create = {
        "channelId": shop.channel.id,
        "user": shop.customer.id,
        "lines": [{"variantId": shop.variant.id, "quantity": 2, "price": "12.00"}],
        "billingAddress": ADDRESS_NL,
        "shippingAddress": ADDRESS_NL,
        "shippingMethod": shop.shipping.id,
        "externalReference": reference,
    } | extra
    return data_of(fake, "draft_order_create", {"input": create}, token)["order"]


def bulk_order(shop: Shop, warehouse_id: str, **extra: Any) -> dict[str, Any]:
    now = datetime.now(UTC).isoformat()
    line = {
        "variantId": shop.variant.id,
        "createdAt": now,
        "isGiftCard": False,
        "isShippingRequired": False,
        "quantity": 2,
        "totalPrice": {"net": "20.00", "gross": "24.20"},
        "undiscountedTotalPrice": {"net": "20.00", "gross": "24.20"},
        "warehouse": warehouse_id,
        "taxClassId": shop.tax_class.id,
    }
    order = {
        "channel": "default-channel",
        "createdAt": now,
        "currency": "USD",
        "languageCode": "EN",
        "status": "UNFULFILLED",
        "user": {"id": shop.customer.id},
        "billingAddress": ADDRESS_NL,
        "lines": [line],
    }
    return order | extra


def paid_order(fake: FakeSaleor, shop: Shop, line_metadata: dict[str, str] | None = None) -> Order:
    """The customer buys one `shop.variant` (shipped to the US), pays it all and completes the checkout."""
    checkout = fake.checkout_create(
        user=shop.customer, lines=[(shop.variant, 1)], shipping_address=ADDRESS_US, billing_address=ADDRESS_US
    )
    with fake.store.lock:
        fake.checkout_object(checkout.id).lines[0].metadata.update(line_metadata or {})
    fake.checkout_delivery_method_update(checkout.id, shop.shipping)
    fake.pay_checkout(checkout.id, psp_reference="pi_1")
    return fake.checkout_complete(checkout.id)
