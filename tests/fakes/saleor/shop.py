"""The shop owner's set-up, as Python calls: channels, tax classes, products, variants, shipping, stock,
people; and deleting variants and products (which sends PRODUCT_VARIANT_DELETED / PRODUCT_DELETED)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from .state import (
    CataloguePromotion,
    Channel,
    Checkout,
    Product,
    ProductType,
    ShippingMethod,
    Stock,
    TaxClass,
    TaxException,
    User,
    Variant,
    Warehouse,
)
from .tokens import new_token_key

if TYPE_CHECKING:
    from contextlib import AbstractContextManager

    from .state import Store

PERMISSIONS = (
    "HANDLE_CHECKOUTS",
    "HANDLE_PAYMENTS",
    "HANDLE_TAXES",
    "IMPERSONATE_USER",
    "MANAGE_APPS",
    "MANAGE_CHANNELS",
    "MANAGE_CHECKOUTS",
    "MANAGE_DISCOUNTS",
    "MANAGE_GIFT_CARD",
    "MANAGE_MENUS",
    "MANAGE_OBSERVABILITY",
    "MANAGE_ORDERS",
    "MANAGE_ORDERS_IMPORT",
    "MANAGE_PAGES",
    "MANAGE_PAGE_TYPES_AND_ATTRIBUTES",
    "MANAGE_PLUGINS",
    "MANAGE_PRODUCTS",
    "MANAGE_PRODUCT_TYPES_AND_ATTRIBUTES",
    "MANAGE_SETTINGS",
    "MANAGE_SHIPPING",
    "MANAGE_STAFF",
    "MANAGE_TAXES",
    "MANAGE_TRANSLATIONS",
    "MANAGE_USERS",
)


def all_permissions() -> frozenset[str]:
    return frozenset(PERMISSIONS)


def _decimal(value: Decimal | str | int | float) -> Decimal:
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _metadata(values: Mapping[str, str] | None) -> dict[str, str]:
    return {str(k): str(v) for k, v in (values or {}).items()}


class ShopControls:
    store: Store

    def _acting(self) -> AbstractContextManager[None]:
        raise NotImplementedError

    def _get(self, cls: type[Any], gid: str) -> Any:
        raise NotImplementedError

    def _ref(self, cls: type[Any], value: Any) -> Any:
        """An object given itself or by its global id (None stays None)."""
        if value is None or isinstance(value, cls):
            return value
        return self._get(cls, str(value))

    def set_shop_name(self, name: str) -> None:
        """The site name Saleor answers for `shop { name }`."""
        with self.store.lock:
            self.store.shop_name = name

    def add_channel(
        self,
        slug: str = "default-channel",
        currency: str = "USD",
        prices_entered_with_tax: bool = False,
        *,
        name: str | None = None,
        default_country: str = "US",
        **settings: Any,
    ) -> Channel:
        """A channel; `settings` may set charge_taxes, is_active, default_transaction_flow_strategy,
        mark_as_paid_strategy, automatically_confirm_all_new_orders, allow_unpaid_orders."""
        with self.store.lock:
            if self.store.channel_by_slug(slug) is not None:
                raise ValueError(f"channel {slug!r} exists")
            return self.store.add(
                Channel(
                    slug=slug,
                    name=name or slug.replace("-", " ").title(),
                    currency_code=currency.upper(),
                    default_country=default_country,
                    prices_entered_with_tax=prices_entered_with_tax,
                    **settings,
                )
            )

    def add_tax_class(self, name: str, rates: Mapping[str, Decimal | str | int] | None = None) -> TaxClass:
        """A tax class with a rate in percent per country code."""
        with self.store.lock:
            return self.store.add(
                TaxClass(name=name, rates={k: _decimal(v) for k, v in (rates or {}).items()})
            )

    def set_default_tax_rates(self, rates: Mapping[str, Decimal | str | int]) -> None:
        """The rate (percent) per country for products and shipping methods without a tax class."""
        with self.store.lock:
            self.store.default_rates = {k: _decimal(v) for k, v in rates.items()}

    def add_product_type(
        self,
        name: str = "Default",
        is_shipping_required: bool = True,
        *,
        tax_class: TaxClass | str | None = None,
    ) -> ProductType:
        """A product type; its tax class applies to its products that have none of their own."""
        with self.store.lock:
            return self.store.add(
                ProductType(
                    name=name,
                    is_shipping_required=is_shipping_required,
                    tax_class=self._ref(TaxClass, tax_class),
                )
            )

    def set_tax_configuration(self, channel: str = "default-channel", **fields: Any) -> Channel:
        """Changes a channel's tax configuration: `charge_taxes`, `tax_calculation_strategy` ("FLAT_RATES",
        "TAX_APP" or None), `prices_entered_with_tax`."""
        allowed = {"charge_taxes", "tax_calculation_strategy", "prices_entered_with_tax"}
        if not fields.keys() <= allowed:
            raise TypeError(f"unknown tax settings: {sorted(fields.keys() - allowed)}")
        with self.store.lock:
            found = self.store.channel_by_slug(channel)
            if found is None:
                raise LookupError(f"no channel {channel!r}")
            for name, value in fields.items():
                setattr(found, name, value)
            return found

    def set_tax_exception(
        self,
        channel: str,
        country: str,
        *,
        charge_taxes: bool = True,
        tax_calculation_strategy: str | None = None,
    ) -> None:
        """A country exception in a channel's tax configuration (its `chargeTaxes` and strategy apply to
        orders taxed in that country)."""
        with self.store.lock:
            found = self.store.channel_by_slug(channel)
            if found is None:
                raise LookupError(f"no channel {channel!r}")
            found.tax_exceptions[country] = TaxException(
                country=country, charge_taxes=charge_taxes, tax_calculation_strategy=tax_calculation_strategy
            )

    def _product_type(self, is_shipping_required: bool) -> ProductType:
        name = "Default" if is_shipping_required else "Digital"
        for product_type in self.store.all(ProductType):
            if product_type.name == name and product_type.is_shipping_required == is_shipping_required:
                return product_type
        return self.store.add(ProductType(name=name, is_shipping_required=is_shipping_required))

    def add_product(
        self,
        name: str,
        tax_class: TaxClass | str | None = None,
        *,
        is_shipping_required: bool = True,
        product_type: ProductType | str | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> Product:
        """A product (tax class by object or id); its type requires shipping unless said otherwise."""
        with self.store.lock:
            kind = self._ref(ProductType, product_type) or self._product_type(is_shipping_required)
            return self.store.add(
                Product(
                    name=name,
                    product_type=kind,
                    tax_class=self._ref(TaxClass, tax_class),
                    metadata=_metadata(metadata),
                )
            )

    def add_variant(
        self,
        product_id: Product | str,
        name: str = "",
        sku: str | None = None,
        prices: Mapping[str, Decimal | str | int] | None = None,
        *,
        metadata: Mapping[str, str] | None = None,
        private_metadata: Mapping[str, str] | None = None,
    ) -> Variant:
        """A variant with a price per channel slug (a variant without a price is not sold in that channel)."""
        with self.store.lock:
            product = self._ref(Product, product_id)
            variant = self.store.add(
                Variant(
                    product=product,
                    name=name,
                    sku=sku,
                    prices={k: _decimal(v) for k, v in (prices or {}).items()},
                    metadata=_metadata(metadata),
                    private_metadata=_metadata(private_metadata),
                )
            )
            product.variants.append(variant)
            return variant

    def set_variant_price(
        self, variant_id: Variant | str, channel: str, price: Decimal | str | int | None
    ) -> None:
        """Changes (or with None removes) a variant's price in a channel."""
        with self.store.lock:
            variant = self._ref(Variant, variant_id)
            if price is None:
                variant.prices.pop(channel, None)
            else:
                variant.prices[channel] = _decimal(price)

    def add_catalogue_promotion(
        self,
        variant_id: Variant | str,
        channel: str = "default-channel",
        *,
        percent: Decimal | str | int | None = None,
        fixed: Decimal | str | int | None = None,
        name: str = "Sale",
    ) -> CataloguePromotion:
        """A catalogue promotion on a variant in a channel: `percent` or `fixed` off its unit price. Saleor
        applies it to draft (and unconfirmed) order lines, custom prices included (`promotions.py`)."""
        reward = percent if percent is not None else fixed
        if reward is None or (percent is not None and fixed is not None):
            raise ValueError("a promotion is either percent or fixed")
        with self.store.lock:
            variant = self._ref(Variant, variant_id)
            promotion = self.store.add(
                CataloguePromotion(
                    name=name,
                    value_type="PERCENTAGE" if percent is not None else "FIXED",
                    value=_decimal(reward),
                )
            )
            variant.promotions[channel] = promotion
            return promotion

    def add_shipping_method(
        self,
        channel: str = "default-channel",
        name: str = "Standard",
        price: Decimal | str | int = Decimal(0),
        *,
        tax_class: TaxClass | str | None = None,
        prices: Mapping[str, Decimal | str | int] | None = None,
    ) -> ShippingMethod:
        """A shipping method with its price in `channel` (or `prices` per channel slug)."""
        with self.store.lock:
            per_channel = {k: _decimal(v) for k, v in (prices or {channel: price}).items()}
            return self.store.add(
                ShippingMethod(name=name, prices=per_channel, tax_class=self._ref(TaxClass, tax_class))
            )

    def add_warehouse(self, name: str = "Main warehouse", *, channels: Iterable[str] = ()) -> Warehouse:
        """A warehouse, assigned to the channels named by slug (`Channel.warehouses`)."""
        with self.store.lock:
            warehouse = self.store.add(Warehouse(name=name, slug=name.lower().replace(" ", "-")))
            for slug in channels:
                channel = self.store.channel_by_slug(slug)
                if channel is None:
                    raise LookupError(f"no channel {slug!r}")
                channel.warehouses.append(warehouse)
            return warehouse

    def default_warehouse(self) -> Warehouse:
        """The first warehouse (made on first use): what `orderBulkCreate` lines name in simple tests."""
        with self.store.lock:
            warehouses = self.store.all(Warehouse)
            return warehouses[0] if warehouses else self.add_warehouse()

    def set_stock(self, variant_id: Variant | str, warehouse_id: Warehouse | str, quantity: int) -> None:
        with self.store.lock:
            variant, warehouse = self._ref(Variant, variant_id), self._ref(Warehouse, warehouse_id)
            self.store.stocks[(str(variant.pk), str(warehouse.pk))] = Stock(quantity=quantity)

    def track_inventory(self, variant_id: Variant | str, tracked: bool = True) -> None:
        """Saleor's `trackInventory`: `draftOrderComplete` then allocates the variant's stock in the order's
        channel's warehouses and refuses the order without enough (INSUFFICIENT_STOCK, `allocation.py`)."""
        with self.store.lock:
            self._ref(Variant, variant_id).track_inventory = tracked

    def add_customer(
        self,
        email: str,
        first_name: str = "",
        last_name: str = "",
        *,
        metadata: Mapping[str, str] | None = None,
    ) -> User:
        with self.store.lock:
            if self.store.user_by_email(email) is not None:
                raise ValueError(f"a user with email {email!r} exists")
            return self.store.add(
                User(
                    email=email,
                    first_name=first_name,
                    last_name=last_name,
                    jwt_token_key=new_token_key(),
                    metadata=_metadata(metadata),
                )
            )

    def add_staff(self, email: str = "owner@example.com", permissions: Iterable[str] | None = None) -> User:
        """A staff user (every permission unless given)."""
        with self.store.lock:
            granted = frozenset(permissions) if permissions is not None else all_permissions()
            return self.store.add(
                User(email=email, is_staff=True, permissions=granted, jwt_token_key=new_token_key())
            )

    def staff_user(self, email: str = "owner@example.com") -> User:
        """The staff user with this email, made (with every permission) on first use."""
        with self.store.lock:
            return self.store.user_by_email(email) or self.add_staff(email)

    def _drop_checkout_lines(self, variants: Iterator[Variant] | list[Variant]) -> None:
        doomed = set(map(id, variants))
        for checkout in self.store.all(Checkout):
            if checkout.order is None:
                for line in [line for line in checkout.lines if id(line.variant) in doomed]:
                    checkout.lines.remove(line)
                    self.store.remove(line)
                    line.checkout = None

    def delete_variant(self, variant_id: Variant | str) -> None:
        """Deletes a variant (open checkouts lose its lines; orders keep theirs): PRODUCT_VARIANT_DELETED."""
        with self._acting():
            variant = self._ref(Variant, variant_id)
            if variant.deleted:
                raise LookupError(f"variant {variant.id} is already deleted")
            self.store.emit("PRODUCT_VARIANT_DELETED", "ProductVariantDeleted", productVariant=variant)
            variant.deleted = True
            self._drop_checkout_lines([variant])

    def delete_product(self, product_id: Product | str) -> None:
        """Deletes a product and its variants: PRODUCT_VARIANT_DELETED for each variant, then PRODUCT_DELETED
        (whose `variants` are then empty: they are gone)."""
        with self._acting():
            product = self._ref(Product, product_id)
            if product.deleted:
                raise LookupError(f"product {product.id} is already deleted")
            live = [v for v in product.variants if not v.deleted]
            for variant in live:
                self.store.emit("PRODUCT_VARIANT_DELETED", "ProductVariantDeleted", productVariant=variant)
                variant.deleted = True
            self.store.emit("PRODUCT_DELETED", "ProductDeleted", product=product)
            product.deleted = True
            self._drop_checkout_lines(live)
