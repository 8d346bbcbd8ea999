"""The fake Saleor's data: what a shop holds (channels, catalog, checkouts, orders, apps), in memory.

Every object is a `Node` with Saleor's global id (`.id`) and its metadata. GraphQL reads them through the
default field resolver (`currencyCode` -> `.currency_code`); computed fields have resolvers in the
`resolvers_*` modules. One `RLock` (`Store.lock`) serialises every GraphQL request and control call.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

from .ids import Money, TaxedMoney, global_id, parse_global_id


def now() -> datetime:
    return datetime.now(UTC)


@dataclass(kw_only=True, eq=False)
class Node:
    TYPE: ClassVar[str] = ""
    # Saleor keys orders, checkouts, their lines, transactions and warehouses by UUID, the rest by integer.
    UUID_KEYED: ClassVar[bool] = False
    pk: int | str = 0
    metadata: dict[str, str] = field(default_factory=dict)
    private_metadata: dict[str, str] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return global_id(self.TYPE, self.pk)


@dataclass(kw_only=True, eq=False)
class Channel(Node):
    TYPE = "Channel"
    slug: str
    name: str
    currency_code: str
    default_country: str = "US"
    is_active: bool = True
    prices_entered_with_tax: bool = False
    charge_taxes: bool = True
    default_transaction_flow_strategy: str = "CHARGE"
    mark_as_paid_strategy: str = "TRANSACTION_FLOW"
    automatically_confirm_all_new_orders: bool = True
    allow_unpaid_orders: bool = False
    tax_calculation_strategy: str | None = "FLAT_RATES"  # or TAX_APP; None: not set
    tax_exceptions: dict[str, TaxException] = field(default_factory=dict)  # by country code
    warehouses: list[Warehouse] = field(default_factory=list)  # assigned to the channel


@dataclass(kw_only=True, eq=False)
class TaxException:  # a country's exception in a channel's tax configuration (TaxConfigurationPerCountry)
    country: str
    charge_taxes: bool = True
    tax_calculation_strategy: str | None = None


@dataclass(kw_only=True, eq=False)
class TaxClass(Node):
    TYPE = "TaxClass"
    name: str
    rates: dict[str, Decimal] = field(default_factory=dict)  # percent per country code


@dataclass(kw_only=True, eq=False)
class ProductType(Node):
    TYPE = "ProductType"
    name: str
    is_shipping_required: bool = True
    tax_class: TaxClass | None = None  # for products without their own


@dataclass(kw_only=True, eq=False)
class Product(Node):
    TYPE = "Product"
    name: str
    product_type: ProductType
    tax_class: TaxClass | None = None
    variants: list[Variant] = field(default_factory=list)
    deleted: bool = False


@dataclass(kw_only=True, eq=False)
class Variant(Node):
    TYPE = "ProductVariant"
    product: Product
    name: str = ""
    sku: str | None = None
    prices: dict[str, Decimal] = field(default_factory=dict)  # channel slug -> price as entered
    deleted: bool = False
    promotions: dict[str, CataloguePromotion] = field(default_factory=dict)  # channel slug -> its promotion
    track_inventory: bool = False  # Saleor's default is True; here only variants told so (allocation.py)

    def price_in(self, channel: Channel) -> Decimal | None:
        return self.prices.get(channel.slug)


@dataclass(kw_only=True, eq=False)
class CataloguePromotion(Node):
    """A catalogue promotion rule's reward on a variant in a channel: PERCENTAGE or FIXED off its price."""

    TYPE = "Promotion"
    name: str
    value_type: str  # PERCENTAGE or FIXED
    value: Decimal


@dataclass(kw_only=True, eq=False)
class ShippingMethod(Node):
    TYPE = "ShippingMethod"
    name: str
    prices: dict[str, Decimal] = field(default_factory=dict)  # channel slug -> price as entered
    tax_class: TaxClass | None = None


@dataclass(kw_only=True, eq=False)
class Warehouse(Node):
    TYPE = "Warehouse"
    UUID_KEYED = True
    name: str
    slug: str


@dataclass(kw_only=True, eq=False)
class Stock:
    quantity: int
    allocated: int = 0


@dataclass(kw_only=True, eq=False)
class User(Node):
    TYPE = "User"
    email: str
    first_name: str = ""
    last_name: str = ""
    is_staff: bool = False
    is_active: bool = True
    permissions: frozenset[str] = frozenset()
    jwt_token_key: str = ""


@dataclass(kw_only=True, eq=False)
class Address(Node):
    TYPE = "Address"
    first_name: str = ""
    last_name: str = ""
    company_name: str = ""
    street_address1: str = ""
    street_address2: str = ""
    city: str = ""
    city_area: str = ""
    postal_code: str = ""
    country: str = ""
    country_area: str = ""
    phone: str | None = ""


@dataclass(kw_only=True, eq=False)
class Transaction(Node):
    TYPE = "TransactionItem"
    UUID_KEYED = True
    name: str = ""
    psp_reference: str = ""
    message: str = ""
    currency: str
    authorized_value: Decimal = Decimal(0)
    charged_value: Decimal = Decimal(0)
    refunded_value: Decimal = Decimal(0)
    canceled_value: Decimal = Decimal(0)
    available_actions: list[str] = field(default_factory=list)
    external_url: str = ""
    events: list[dict[str, Any]] = field(default_factory=list)
    order: Order | None = None
    checkout: Checkout | None = None
    app: App | None = None
    created_at: datetime = field(default_factory=now)

    @property
    def authorized_amount(self) -> Money:
        return Money(self.authorized_value, self.currency)

    @property
    def charged_amount(self) -> Money:
        return Money(self.charged_value, self.currency)

    @property
    def refunded_amount(self) -> Money:
        return Money(self.refunded_value, self.currency)

    @property
    def canceled_amount(self) -> Money:
        return Money(self.canceled_value, self.currency)


@dataclass(kw_only=True, eq=False)
class CheckoutLine(Node):
    TYPE = "CheckoutLine"
    UUID_KEYED = True
    variant: Variant
    quantity: int
    price_override: Decimal | None = None
    checkout: Checkout | None = None


@dataclass(kw_only=True, eq=False)
class Checkout(Node):
    TYPE = "Checkout"
    UUID_KEYED = True
    channel: Channel
    email: str | None = None
    user: User | None = None
    lines: list[CheckoutLine] = field(default_factory=list)
    shipping_address: Address | None = None
    billing_address: Address | None = None
    delivery_method: ShippingMethod | None = None
    transactions: list[Transaction] = field(default_factory=list)
    order: Order | None = None  # set once completed; the checkout is gone from Saleor then
    created_at: datetime = field(default_factory=now)


@dataclass(kw_only=True, eq=False)
class OrderLine(Node):
    TYPE = "OrderLine"
    UUID_KEYED = True
    variant: Variant | None
    product_name: str
    variant_name: str
    product_sku: str | None
    quantity: int
    currency: str
    is_shipping_required: bool = True
    price_override: Decimal | None = None
    tax_class: TaxClass | None = None
    unit_price: TaxedMoney | None = None
    undiscounted_unit_price: TaxedMoney | None = None
    total_price: TaxedMoney | None = None
    undiscounted_total_price: TaxedMoney | None = None
    tax_rate: Decimal = Decimal(0)  # a fraction, as Saleor's OrderLine.taxRate (0.21 for 21 %)
    # OrderLineDiscount rows: {"type": PROMOTION or MANUAL, "value_type", "value", "reason", "name"}
    discounts: list[dict[str, Any]] = field(default_factory=list)
    unit_discount: Money | None = None  # per unit, as entered


@dataclass(kw_only=True, eq=False)
class Invoice(Node):
    TYPE = "Invoice"
    order: Order
    number: str | None
    url: str | None
    status: str = "SUCCESS"
    created_at: datetime = field(default_factory=now)


@dataclass(kw_only=True, eq=False)
class Order(Node):
    TYPE = "Order"
    UUID_KEYED = True
    number: str
    channel: Channel
    status: str
    origin: str
    currency: str
    user: User | None = None
    user_email: str | None = None
    external_reference: str | None = None
    lines: list[OrderLine] = field(default_factory=list)
    billing_address: Address | None = None
    shipping_address: Address | None = None
    shipping_method: ShippingMethod | None = None
    shipping_method_name: str | None = None
    shipping_price: TaxedMoney | None = None
    shipping_tax_rate: Decimal = Decimal(0)
    subtotal: TaxedMoney | None = None
    total: TaxedMoney | None = None
    transactions: list[Transaction] = field(default_factory=list)
    invoices: list[Invoice] = field(default_factory=list)
    created: datetime = field(default_factory=now)
    language_code: str = "EN_US"
    customer_note: str = ""
    checkout: Checkout | None = None

    @property
    def is_draft(self) -> bool:
        return self.status == "DRAFT"

    @property
    def is_shipping_required(self) -> bool:
        return any(line.is_shipping_required for line in self.lines)

    @property
    def charge_status(self) -> str:
        from .pricing import charge_status

        return charge_status(self)

    @property
    def authorize_status(self) -> str:
        from .pricing import authorize_status

        return authorize_status(self)

    @property
    def total_charged(self) -> Money:
        from .pricing import total_charged

        return Money(total_charged(self), self.currency)


@dataclass(kw_only=True, eq=False)
class Webhook(Node):
    TYPE = "Webhook"
    app: App
    name: str
    target_url: str
    query: str
    async_events: list[str] = field(default_factory=list)
    sync_events: list[str] = field(default_factory=list)
    is_active: bool = True


@dataclass(kw_only=True, eq=False)
class App(Node):
    TYPE = "App"
    identifier: str
    name: str
    permissions: list[str] = field(default_factory=list)
    type: str = "THIRDPARTY"
    is_active: bool = True
    removed: bool = False
    tokens: set[str] = field(default_factory=set)
    manifest: dict[str, Any] = field(default_factory=dict)
    manifest_url: str = ""
    webhooks: list[Webhook] = field(default_factory=list)


@dataclass(frozen=True)
class PendingEvent:
    """Something that happened and may send webhooks: `event_type` (ORDER_CREATED), the GraphQL type of the
    subscription's event (`OrderCreated`), and the fields of that event (`{"order": order}`)."""

    event_type: str
    typename: str
    fields: dict[str, Any]
    issuing_principal: Any = None


N = TypeVar("N", bound=Node)


class Store:
    """Every object of the fake Saleor, by type and primary key; plus numbers, stocks and pending events."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self._pks: defaultdict[str, Iterator[int]] = defaultdict(lambda: itertools.count(1))
        self._nodes: defaultdict[str, dict[str, Node]] = defaultdict(dict)
        self._order_numbers = itertools.count(1)
        self.default_rates: dict[str, Decimal] = {}  # percent per country, for objects without a tax class
        self.stocks: dict[tuple[str, str], Stock] = {}  # (variant pk, warehouse pk) -> stock
        self.events: list[PendingEvent] = []
        self.shop_name = "Saleor e-commerce"  # Saleor's site name until its owner sets one (`shop { name }`)

    def add(self, node: N) -> N:
        if not node.pk:
            node.pk = str(uuid.uuid4()) if node.UUID_KEYED else next(self._pks[node.TYPE])
        self._nodes[node.TYPE][str(node.pk)] = node
        return node

    def remove(self, node: Node) -> None:
        self._nodes[node.TYPE].pop(str(node.pk), None)

    def all(self, cls: type[N]) -> list[N]:
        return [node for node in self._nodes[cls.TYPE].values() if isinstance(node, cls)]

    def get(self, cls: type[N], pk: int | str) -> N | None:
        node = self._nodes[cls.TYPE].get(str(pk))
        return node if isinstance(node, cls) else None

    def node(self, gid: str) -> Node | None:
        """The object a global id names, of any type; None when unknown."""
        parsed = parse_global_id(gid)
        if parsed is None:
            return None
        return self._nodes[parsed[0]].get(parsed[1])

    def find(self, cls: type[N], gid: str | None) -> N | None:
        """The object of this type a global id names; None when unknown or of another type."""
        node = self.node(gid) if gid else None
        return node if isinstance(node, cls) else None

    def next_order_number(self) -> str:
        return str(next(self._order_numbers))

    def channel_by_slug(self, slug: str | None) -> Channel | None:
        return next((c for c in self.all(Channel) if c.slug == slug), None)

    def user_by_email(self, email: str | None) -> User | None:
        wanted = (email or "").lower()
        return next((u for u in self.all(User) if u.email.lower() == wanted), None) if wanted else None

    def app_by_token(self, token: str) -> App | None:
        return next((a for a in self.all(App) if token in a.tokens and a.is_active and not a.removed), None)

    def all_orders(self) -> list[Order]:
        return self.all(Order)

    def order_by_external_reference(self, reference: str) -> Order | None:
        return next((o for o in self.all(Order) if o.external_reference == reference), None)

    def emit(self, event_type: str, typename: str, issuing_principal: Any = None, **fields: Any) -> None:
        self.events.append(PendingEvent(event_type, typename, fields, issuing_principal))

    def take_events(self) -> list[PendingEvent]:
        events, self.events = self.events, []
        return events
