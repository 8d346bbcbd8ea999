"""The customer's side, as Python calls: a checkout, its delivery method, a payment, `checkoutComplete`;
and the shop owner's order actions that send webhooks (cancel, full refund). Paying through the payment app's
sync webhooks (`payment_gateway_initialize`, `transaction_initialize`, `transaction_process`, and staff's
`transaction_charge` / `transaction_refund` / `transaction_cancel`) is in `payments_sync.py`.

Checkout calls return a `CheckoutView` (a snapshot with the prices computed as Saleor would show them);
order calls return the live `Order`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .addresses import address_from_input
from .auth import MutationError
from .ids import Money, TaxedMoney
from .order_actions import cancel_order, new_transaction, order_from_checkout, refund_fully
from .payments_sync import PaymentControls
from .pricing import checkout_prices
from .state import Checkout, CheckoutLine, Order, ShippingMethod, Transaction, User, Variant

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .state import Store


class CheckoutRefused(Exception):
    """`checkoutComplete` (or another storefront call) refused, with Saleor's CheckoutErrorCode."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.code = code


@dataclass(frozen=True)
class CheckoutLineView:
    id: str
    variant_id: str
    quantity: int
    undiscounted_unit_price: Money
    unit_price: TaxedMoney
    total_price: TaxedMoney
    price_override: Decimal | None
    metadata: dict[str, str]


@dataclass(frozen=True)
class CheckoutView:
    id: str
    channel: str
    email: str | None
    user_id: str | None
    lines: list[CheckoutLineView]
    delivery_method_id: str | None
    subtotal: TaxedMoney
    shipping: TaxedMoney
    total: TaxedMoney
    transactions: list[Transaction]
    metadata: dict[str, str]
    order_id: str | None


def _lines_input(lines: Iterable[Any]) -> list[tuple[str, int]]:
    result = []
    for line in lines:
        if isinstance(line, Mapping):
            result.append((str(line["variantId"]), int(line["quantity"])))
        else:
            variant, quantity = line
            result.append((variant.id if isinstance(variant, Variant) else str(variant), int(quantity)))
    return result


class StorefrontControls(PaymentControls):
    store: Store

    def _acting(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _ref(self, cls: type[Any], value: Any) -> Any:
        raise NotImplementedError

    def _view(self, checkout: Checkout) -> CheckoutView:
        prices = checkout_prices(self.store, checkout)
        return CheckoutView(
            id=checkout.id,
            channel=checkout.channel.slug,
            email=checkout.email,
            user_id=checkout.user.id if checkout.user else None,
            lines=[
                CheckoutLineView(
                    id=line.id,
                    variant_id=line.variant.id,
                    quantity=line.quantity,
                    undiscounted_unit_price=prices.lines[str(line.pk)].undiscounted_unit,
                    unit_price=prices.lines[str(line.pk)].unit,
                    total_price=prices.lines[str(line.pk)].total,
                    price_override=line.price_override,
                    metadata=dict(line.metadata),
                )
                for line in checkout.lines
            ],
            delivery_method_id=checkout.delivery_method.id if checkout.delivery_method else None,
            subtotal=prices.subtotal,
            shipping=prices.shipping,
            total=prices.total,
            transactions=list(checkout.transactions),
            metadata=dict(checkout.metadata),
            order_id=checkout.order.id if checkout.order else None,
        )

    def _add_lines(self, checkout: Checkout, lines: list[tuple[str, int]]) -> None:
        for variant_id, quantity in lines:
            variant = self._ref(Variant, variant_id)
            if variant.deleted or variant.price_in(checkout.channel) is None:
                raise CheckoutRefused(
                    "UNAVAILABLE_VARIANT_IN_CHANNEL", f"{variant_id} is not sold in this channel"
                )
            if quantity <= 0:
                raise CheckoutRefused("ZERO_QUANTITY", "The quantity should be higher than zero.")
            existing = next((line for line in checkout.lines if line.variant is variant), None)
            if existing is not None:
                existing.quantity += quantity
            else:
                checkout.lines.append(
                    self.store.add(CheckoutLine(variant=variant, quantity=quantity, checkout=checkout))
                )

    def _address(self, data: Mapping[str, Any] | None) -> Any:
        if data is None:
            return None
        try:
            return address_from_input(self.store, data)
        except MutationError as error:
            raise CheckoutRefused("REQUIRED", str(error)) from None

    def checkout_create(  # noqa: PLR0917 (the contract's call shape)
        self,
        channel: str = "default-channel",
        email: str | None = None,
        user: User | str | None = None,
        lines: Iterable[Any] = (),
        shipping_address: Mapping[str, Any] | None = None,
        billing_address: Mapping[str, Any] | None = None,
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> CheckoutView:
        """`checkoutCreate`: lines as (variant or id, quantity) pairs or `{"variantId", "quantity"}`,
        addresses as AddressInput dicts; a customer's checkout takes their email unless another is given."""
        with self.store.lock:
            found = self.store.channel_by_slug(channel)
            if found is None:
                raise CheckoutRefused("NOT_FOUND", f"no channel {channel!r}")
            customer = self._ref(User, user)
            checkout = self.store.add(
                Checkout(
                    channel=found,
                    email=email or (customer.email if customer else None),
                    user=customer,
                    shipping_address=self._address(shipping_address),
                    billing_address=self._address(billing_address),
                    metadata={str(k): str(v) for k, v in (metadata or {}).items()},
                )
            )
            self._add_lines(checkout, _lines_input(lines))
            return self._view(checkout)

    def _open_checkout(self, checkout_id: str) -> Checkout:
        checkout: Checkout = self._ref(Checkout, checkout_id)
        if checkout.order is not None:
            raise CheckoutRefused("NOT_FOUND", f"checkout {checkout_id} was completed")
        return checkout

    def checkout_lines_add(self, checkout_id: str, lines: Iterable[Any]) -> CheckoutView:
        """The storefront's `checkoutLinesAdd` (catalog prices, no custom price)."""
        with self.store.lock:
            checkout = self._open_checkout(checkout_id)
            self._add_lines(checkout, _lines_input(lines))
            return self._view(checkout)

    def checkout_delivery_method_update(
        self, checkout_id: str, shipping_method_id: ShippingMethod | str
    ) -> CheckoutView:
        with self.store.lock:
            checkout = self._open_checkout(checkout_id)
            method = self._ref(ShippingMethod, shipping_method_id)
            if checkout.channel.slug not in method.prices:
                raise CheckoutRefused(
                    "DELIVERY_METHOD_NOT_APPLICABLE", "This shipping method is not applicable."
                )
            checkout.delivery_method = method
            return self._view(checkout)

    def checkout(self, checkout_id: str) -> CheckoutView:
        """A checkout's state: lines (variant, quantity, prices, metadata) and totals with tax."""
        with self.store.lock:
            return self._view(self._ref(Checkout, checkout_id))

    def pay_checkout(
        self,
        checkout_id: str,
        amount: Decimal | str | None = None,
        psp_reference: str = "pi_fake_payment",
        *,
        name: str = "Fake payment",
    ) -> Transaction:
        """A CHARGE_SUCCESS transaction on the checkout, for its total unless `amount` is given (it stands in
        for a payment app; `transaction_initialize` pays through one)."""
        with self.store.lock:
            checkout = self._open_checkout(checkout_id)
            currency = checkout.channel.currency_code
            charged = (
                Decimal(str(amount))
                if amount is not None
                else checkout_prices(self.store, checkout).total.gross.amount
            )
            data = {
                "name": name,
                "pspReference": psp_reference,
                "amountCharged": {"amount": charged, "currency": currency},
            }
            transaction = new_transaction(self.store, currency, data, checkout=checkout)
            checkout.transactions.append(transaction)
            return transaction

    def checkout_complete(self, checkout_id: str) -> Order:
        """`checkoutComplete`: refused (CheckoutRefused with Saleor's code) without lines, email, billing
        address, shipping address and delivery method where shipping is needed, or full payment (unless the
        channel allows unpaid orders or the total is 0); makes the order, sends ORDER_CREATED (and
        ORDER_FULLY_PAID)."""
        with self._acting():
            checkout = self._open_checkout(checkout_id)
            prices = checkout_prices(self.store, checkout)
            needs_shipping = any(
                line.variant.product.product_type.is_shipping_required for line in checkout.lines
            )
            problems = [
                (not checkout.lines, "NO_LINES", "Cannot complete checkout without lines."),
                (not checkout.email, "EMAIL_NOT_SET", "Checkout email must be set."),
                (
                    needs_shipping and checkout.shipping_address is None,
                    "SHIPPING_ADDRESS_NOT_SET",
                    "Shipping address is not set.",
                ),
                (
                    needs_shipping and checkout.delivery_method is None,
                    "SHIPPING_METHOD_NOT_SET",
                    "Shipping method is not set.",
                ),
                (checkout.billing_address is None, "BILLING_ADDRESS_NOT_SET", "Billing address is not set."),
            ]
            for failed, code, message in problems:
                if failed:
                    raise CheckoutRefused(code, message)
            covered = sum((t.charged_value + t.authorized_value for t in checkout.transactions), Decimal(0))
            total = prices.total.gross.amount
            if covered < total and not checkout.channel.allow_unpaid_orders:
                raise CheckoutRefused(
                    "CHECKOUT_NOT_FULLY_PAID",
                    "The authorized amount doesn't cover the checkout's total amount.",
                )
            customer = checkout.user
            return order_from_checkout(self.store, checkout, customer)

    def order_cancel(self, order_id: str) -> Order:
        """`orderCancel`: ORDER_CANCELLED."""
        with self._acting():
            order: Order = self._ref(Order, order_id)
            cancel_order(self.store, order)
            return order

    def order_refund_fully(self, order_id: str) -> Order:
        """A full refund of what was charged: ORDER_REFUNDED and ORDER_FULLY_REFUNDED."""
        with self._acting():
            order: Order = self._ref(Order, order_id)
            refund_fully(self.store, order)
            return order
