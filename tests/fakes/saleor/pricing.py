"""Prices and taxes the way Saleor's flat-rate tax strategy computes them, and payment statuses.

The tax rule (the only strategy the fake has):
- the country is the shipping address's when shipping is required and there is one, else the billing
  address's, else the channel's default country;
- the rate is the product's tax class rate for that country, else the store's default rate for the country
  (`FakeSaleor.set_default_tax_rates`), else 0; shipping uses the shipping method's tax class the same way;
- prices are entered net or gross per channel (`prices_entered_with_tax`); a checkout line's tax is computed
  on its total (unit price times quantity) and rounded half up to the currency's minor units, its unit price
  shown is that total divided by the quantity, rounded; an order line's (`reprice_order`, as Saleor's
  `update_taxes_for_order_lines`) is computed on the unit price, rounded, then times the quantity;
- a channel with `charge_taxes=False` taxes nothing, and so does a country exception of the channel's tax
  configuration with `charge_taxes=False` (an exception with `charge_taxes=True` taxes in a channel that
  does not).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .ids import Money, TaxedMoney, quantize
from .state import Address, Channel, Checkout, Order, OrderLine, Store, TaxClass

HUNDRED = Decimal(100)


def tax_country(channel: Channel, shipping: Address | None, billing: Address | None) -> str:
    for address in (shipping, billing):
        if address is not None and address.country:
            return address.country
    return channel.default_country


def rate_percent(store: Store, channel: Channel, tax_class: TaxClass | None, country: str) -> Decimal:
    """The tax rate in percent for an object of this tax class sold to this country."""
    exception = channel.tax_exceptions.get(country)
    if not (exception.charge_taxes if exception is not None else channel.charge_taxes):
        return Decimal(0)
    if tax_class is not None and country in tax_class.rates:
        return Decimal(tax_class.rates[country])
    return Decimal(store.default_rates.get(country, 0))


def apply_tax(amount: Decimal, rate: Decimal, entered_with_tax: bool, currency: str) -> TaxedMoney:
    """Net and gross of an amount as entered (gross when the channel enters prices with tax)."""
    amount = quantize(amount, currency)
    if entered_with_tax:
        net = quantize(amount / (1 + rate / HUNDRED), currency)
        return TaxedMoney.of(net, amount, currency)
    return TaxedMoney.of(amount, quantize(amount * (1 + rate / HUNDRED), currency), currency)


def per_unit(total: TaxedMoney, quantity: int) -> TaxedMoney:
    currency = total.currency
    return TaxedMoney.of(
        quantize(total.net.amount / quantity, currency),
        quantize(total.gross.amount / quantity, currency),
        currency,
    )


@dataclass(frozen=True)
class LinePrice:
    undiscounted_unit: Money  # the unit price as entered (listing price or the custom price)
    unit: TaxedMoney
    total: TaxedMoney
    tax_rate: Decimal  # a fraction


@dataclass(frozen=True)
class CheckoutPrices:
    lines: dict[str, LinePrice]  # by checkout line pk
    subtotal: TaxedMoney
    shipping: TaxedMoney
    shipping_tax_rate: Decimal
    total: TaxedMoney


def checkout_prices(store: Store, checkout: Checkout) -> CheckoutPrices:
    """Every line's price and the checkout's totals under the tax rule above."""
    channel = checkout.channel
    currency = channel.currency_code
    shipping_required = any(line.variant.product.product_type.is_shipping_required for line in checkout.lines)
    country = tax_country(
        channel, checkout.shipping_address if shipping_required else None, checkout.billing_address
    )
    lines: dict[str, LinePrice] = {}
    subtotal = TaxedMoney.zero(currency)
    for line in checkout.lines:
        base = line.price_override if line.price_override is not None else line.variant.price_in(channel)
        base = base if base is not None else Decimal(0)
        product = line.variant.product
        rate = rate_percent(store, channel, product.tax_class or product.product_type.tax_class, country)
        total = apply_tax(base * line.quantity, rate, channel.prices_entered_with_tax, currency)
        lines[str(line.pk)] = LinePrice(
            Money(quantize(base, currency), currency), per_unit(total, line.quantity), total, rate / HUNDRED
        )
        subtotal = subtotal + total
    shipping, shipping_rate = TaxedMoney.zero(currency), Decimal(0)
    method = checkout.delivery_method
    if method is not None and shipping_required:
        shipping_rate = rate_percent(store, channel, method.tax_class, country)
        price = method.prices.get(channel.slug, Decimal(0))
        shipping = apply_tax(price, shipping_rate, channel.prices_entered_with_tax, currency)
    return CheckoutPrices(lines, subtotal, shipping, shipping_rate / HUNDRED, subtotal + shipping)


def discounted(base: Decimal, value_type: str, value: Decimal, currency: str) -> Decimal:
    """A unit price as entered less a discount: PERCENTAGE of it (rounded half up) or a FIXED amount."""
    if value_type == "PERCENTAGE":
        return max(quantize(base * (HUNDRED - value) / HUNDRED, currency), Decimal(0))
    return max(quantize(base - value, currency), Decimal(0))


def line_discounted_base(order: Order, line: OrderLine, base: Decimal) -> Decimal:
    """A draft line's unit price as entered after its line discounts, as Saleor 3.21 keeps them for editable
    orders: a manual line discount replaces any other; otherwise the catalogue promotion of the variant in the
    channel applies, also to a line with a custom price (on that price). Both are OrderLineDiscount rows."""
    manual = [d for d in line.discounts if d["type"] == "MANUAL"]
    if order.status in ("DRAFT", "UNCONFIRMED"):
        variant = None if manual else line.variant
        promotion = None if variant is None else variant.promotions.get(order.channel.slug)
        line.discounts = manual or (
            [
                {
                    "type": "PROMOTION",
                    "value_type": promotion.value_type,
                    "value": promotion.value,
                    "name": promotion.name,
                    "reason": f"Promotion: {promotion.id}",
                }
            ]
            if promotion is not None
            else []
        )
    for discount in line.discounts:
        base = discounted(base, discount["value_type"], Decimal(discount["value"]), order.currency)
    return base


def reprice_order(store: Store, order: Order) -> None:
    """Recomputes a draft order's line prices, shipping and totals (what Saleor does for drafts and on
    `draftOrderComplete`); a line whose variant has no price keeps the price it had."""
    channel = order.channel
    currency = order.currency
    country = tax_country(
        channel, order.shipping_address if order.is_shipping_required else None, order.billing_address
    )
    subtotal = TaxedMoney.zero(currency)
    for line in order.lines:
        base = line.price_override
        if base is None and line.variant is not None and not line.variant.deleted:
            base = line.variant.price_in(channel)
        if base is not None:
            rate = rate_percent(store, channel, line.tax_class, country)
            undiscounted = apply_tax(base, rate, channel.prices_entered_with_tax, currency)
            discounted = line_discounted_base(order, line, base)
            unit = apply_tax(discounted, rate, channel.prices_entered_with_tax, currency)
            line.undiscounted_unit_price = undiscounted
            line.unit_price = unit
            line.unit_discount = Money(quantize(base - discounted, currency), currency)
            line.undiscounted_total_price = TaxedMoney.of(
                undiscounted.net.amount * line.quantity, undiscounted.gross.amount * line.quantity, currency
            )
            line.total_price = TaxedMoney.of(
                unit.net.amount * line.quantity, unit.gross.amount * line.quantity, currency
            )
            line.tax_rate = rate / HUNDRED
        subtotal = subtotal + (line.total_price or TaxedMoney.zero(currency))
    shipping = TaxedMoney.zero(currency)
    order.shipping_tax_rate = Decimal(0)
    method = order.shipping_method
    if method is not None and order.is_shipping_required:
        rate = rate_percent(store, channel, method.tax_class, country)
        price = method.prices.get(channel.slug, Decimal(0))
        shipping = apply_tax(price, rate, channel.prices_entered_with_tax, currency)
        order.shipping_tax_rate = rate / HUNDRED
    order.shipping_price = shipping
    order.subtotal = subtotal
    order.total = subtotal + shipping


def total_charged(order: Order) -> Decimal:
    return sum((t.charged_value for t in order.transactions), Decimal(0))


def total_authorized(order: Order) -> Decimal:
    return sum((t.authorized_value for t in order.transactions), Decimal(0))


def total_refunded(order: Order) -> Decimal:
    return sum((t.refunded_value for t in order.transactions), Decimal(0))


def _total_gross(order: Order) -> Decimal:
    return order.total.gross.amount if order.total is not None else Decimal(0)


def charge_status(order: Order) -> str:
    """NONE, PARTIAL, FULL or OVERCHARGED: what the transactions charged against the order's gross total."""
    charged, total = total_charged(order), _total_gross(order)
    if charged <= 0 and total > 0:
        return "NONE"
    if charged < total:
        return "PARTIAL"
    return "FULL" if charged == total else "OVERCHARGED"


def authorize_status(order: Order) -> str:
    """NONE, PARTIAL or FULL: what is authorized or charged against the order's gross total."""
    covered, total = total_authorized(order) + total_charged(order), _total_gross(order)
    if covered <= 0 and total > 0:
        return "NONE"
    return "FULL" if covered >= total else "PARTIAL"


def is_fully_paid(order: Order) -> bool:
    return charge_status(order) in ("FULL", "OVERCHARGED")
