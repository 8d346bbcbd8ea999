"""Staff queries of invoices, credit notes, a customer's billing and discount codes (`MANAGE_ORDERS`;
discount codes also `MANAGE_DISCOUNTS`)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.fields.json import KT

from saleor_subscriptions.api.enums import InvoiceStatusEnum, enum_value
from saleor_subscriptions.api.ids import global_id, parse_global_id, parse_subscription_id
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.staff.access import READ_DISCOUNTS, staff_shop
from saleor_subscriptions.api.staff.invoice_types import (
    INVOICE_TYPE,
    CreditNoteType,
    InvoiceType,
    attach_refunds_and_notes,
    invoices_with_details,
)
from saleor_subscriptions.api.staff.pagination import (
    SORT_DIRECTION,
    Connection,
    Page,
    PageRequest,
    SortKey,
    ValueKind,
    bad_argument,
    connection_type,
    paginate,
)
from saleor_subscriptions.api.staff.queries import complete_page, staff_subscriptions
from saleor_subscriptions.api.staff.subscription_fields import Money, SubscriptionPaymentMethodSummary
from saleor_subscriptions.api.staff.subscription_filters import (
    MAX_SEARCH,
    OWED,
    DateTimeRangeInput,
    customer_q,
    date_range,
)
from saleor_subscriptions.api.types.plans import show_amount
from saleor_subscriptions.api.types.subscriptions import SubscriptionType
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, CreditNote, Invoice
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription, customer_key
from saleor_subscriptions.tenants.models import Installation

CUSTOMER_LIST = 100


class InvoiceFilterInput(graphene.InputObjectType):
    status = graphene.List(graphene.NonNull(InvoiceStatusEnum), description="Any of these (default: all).")
    subscription = graphene.ID()
    customer = graphene.String(description="A Saleor user id, or an email (any case).")
    number = graphene.String(description="An invoice number (exact, any case).")
    issued = graphene.InputField(DateTimeRangeInput)
    due = graphene.InputField(DateTimeRangeInput)
    paid = graphene.InputField(DateTimeRangeInput)
    channel = graphene.String(description="A channel slug: the invoices of its subscriptions.")
    currency = graphene.String(description="A currency code (any case).")
    attention = graphene.Boolean(
        description=(
            "True: owed (open or uncollectible) with a charge that failed or waits for the customer "
            "(declined, failed, amount refused, 3-D Secure), or a failed Saleor order; false: the others."
        )
    )


FAILED_CHARGES = (
    PaymentAttempt.Status.DECLINED,
    PaymentAttempt.Status.FAILED,
    PaymentAttempt.Status.AMOUNT_REFUSED,
    PaymentAttempt.Status.REQUIRES_ACTION,
)


class InvoiceSortField(graphene.Enum):
    ISSUED = "issued"
    DUE = "due"
    TOTAL = "total"
    NUMBER = "number"


class InvoiceSortingInput(graphene.InputObjectType):
    field = InvoiceSortField(required=True)
    direction = SORT_DIRECTION(required=True)


INVOICE_SORT = {
    "issued": SortKey("issued", "issued_at", ValueKind.DATETIME, nullable=True),
    "due": SortKey("due", "due_at", ValueKind.DATETIME),
    "total": SortKey("total", "total", ValueKind.DECIMAL),
    "number": SortKey("number", "number", ValueKind.TEXT, nullable=True),
}
DEFAULT_INVOICE_SORT = INVOICE_SORT["due"]
CREDIT_NOTE_SORT = SortKey("created", "created_at", ValueKind.DATETIME)
DISCOUNT_SORT = SortKey("code", "code", ValueKind.TEXT)


def _subscription_pk(argument: str, value: str) -> int:
    pk = parse_subscription_id(value)
    if pk is None:
        raise bad_argument(argument, f"{value!r} is not a subscription id")
    return pk


def searched_invoices(
    installation: Installation, rows: QuerySet[Invoice], search: str | None
) -> QuerySet[Invoice]:
    """By the customer's email or name (any part, any case), the invoice's number (any part, any case) or the
    subscription's number (`#12` or `12`)."""
    if search is None or not search.strip():
        return rows
    term = search.strip()
    if len(term) > MAX_SEARCH:
        raise bad_argument("search", f"at most {MAX_SEARCH} characters")
    named = (
        Subscription.objects.filter(installation=installation)
        .alias(first_name=KT("billing_address__firstName"), last_name=KT("billing_address__lastName"))
        .filter(
            Q(customer_email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
        .values("pk")
    )
    found = Q(subscription__in=named) | Q(number__icontains=term)
    number = term.removeprefix("#")
    if number.isdigit() and number.isascii() and int(number) < 2**63:
        found |= Q(subscription_id=int(number))
    return rows.filter(found)


def filtered_invoices(installation: Installation, given: Any) -> QuerySet[Invoice]:
    """The shop's invoices under an `InvoiceFilterInput` (as a dict; None: all)."""
    rows = Invoice.objects.filter(installation=installation)
    given = given or {}
    statuses = [enum_value(s) for s in given.get("status") or []]
    if statuses:
        rows = rows.filter(status__in=statuses)
    if given.get("subscription") is not None:
        rows = rows.filter(subscription_id=_subscription_pk("filter.subscription", given["subscription"]))
    if given.get("customer") is not None:
        matching = Subscription.objects.filter(customer_q(given["customer"]), installation=installation)
        rows = rows.filter(subscription__in=matching)
    number = given.get("number")
    if number is not None:
        rows = rows.filter(number__in={number.strip(), number.strip().upper()})
    if given.get("channel") is not None:
        rows = rows.filter(subscription__channel_slug=given["channel"])
    if given.get("currency") is not None:
        rows = rows.filter(currency=given["currency"].strip().upper())
    if given.get("attention") is not None:
        failing = PaymentAttempt.objects.filter(
            installation=installation, invoice=OuterRef("pk"), status__in=FAILED_CHARGES
        )
        needing = Q(status__in=OWED) & (Exists(failing) | ~Q(order_problem=""))
        rows = rows.filter(needing) if given["attention"] else rows.exclude(needing)
    for argument, column in (("issued", "issued_at"), ("due", "due_at"), ("paid", "paid_at")):
        gte, lte = date_range(f"filter.{argument}", given.get(argument))
        if gte is not None:
            rows = rows.filter(**{f"{column}__gte": gte})
        if lte is not None:
            rows = rows.filter(**{f"{column}__lte": lte})
    return rows


class CustomerBilling(graphene.ObjectType):
    """A customer's billing in the shop: subscriptions, latest invoices, credit balance, saved methods."""

    customer = graphene.String(required=True, description="As asked: a Saleor user id or an email.")
    subscriptions = graphene.List(
        graphene.NonNull(SubscriptionType), required=True, description="Newest first."
    )
    invoices = graphene.List(
        graphene.NonNull(InvoiceType), required=True, description=f"The latest {CUSTOMER_LIST}, newest first."
    )
    credit_balance = graphene.List(graphene.NonNull(Money), required=True)
    payment_methods = graphene.List(graphene.NonNull(SubscriptionPaymentMethodSummary), required=True)


class DiscountCodeType(graphene.ObjectType):
    class Meta:
        name = "DiscountCode"

    id = graphene.ID(required=True)
    code = graphene.String(required=True)
    kind = graphene.String(required=True, description="percentage or fixed.")
    percent = DecimalScalar()
    amount_off = DecimalScalar()
    currency = graphene.String(required=True)
    duration = graphene.String(required=True, description="once, repeating or forever.")
    duration_periods = graphene.Int()
    applies_to = graphene.String(required=True, description="price, setup_fee or both.")
    max_redemptions = graphene.Int()
    max_per_customer = graphene.Int()
    valid_from = graphene.DateTime()
    valid_until = graphene.DateTime()
    active = graphene.Boolean(required=True)
    redemption_count = graphene.Int(required=True, description="Subscriptions it was redeemed on.")
    plans = graphene.List(
        graphene.NonNull(graphene.ID), required=True, description="The plans it applies to; none: every plan."
    )
    created_at = graphene.DateTime(required=True)

    @staticmethod
    def resolve_plans(root: DiscountCode, _info: Any) -> list[str]:
        return [plan_global_id(pk) for pk in sorted(p.pk for p in root.plans.all())]

    @staticmethod
    def resolve_id(root: DiscountCode, _info: Any) -> str:
        return global_id("DiscountCode", root.pk)

    @staticmethod
    def resolve_percent(root: DiscountCode, _info: Any) -> str | None:
        return None if root.percent is None else format(root.percent.normalize(), "f")

    @staticmethod
    def resolve_amount_off(root: DiscountCode, _info: Any) -> str | None:
        return None if root.amount_off is None else show_amount(root.amount_off, root.currency)

    @staticmethod
    def resolve_redemption_count(root: DiscountCode, _info: Any) -> int:
        return int(root.redemption_count)  # type: ignore[attr-defined]


InvoiceCountableConnection = connection_type("Invoice", InvoiceType, "A page of the shop's invoices.")
CreditNoteCountableConnection = connection_type("CreditNote", CreditNoteType, "A page of credit notes.")
DiscountCodeCountableConnection = connection_type("DiscountCode", DiscountCodeType, "A page of codes.")


def _page_args() -> dict[str, Any]:
    return {
        "first": graphene.Int(),
        "after": graphene.String(),
        "last": graphene.Int(),
        "before": graphene.String(),
    }


class StaffBillingQueries(graphene.ObjectType):
    invoices = graphene.Field(
        InvoiceCountableConnection,
        required=True,
        filter=graphene.Argument(InvoiceFilterInput),
        search=graphene.String(
            description="The customer's email or name, an invoice's number (any part, any case), or `#12`: a "
            "subscription's number."
        ),
        sort_by=graphene.Argument(InvoiceSortingInput, description="Default: due date, latest first."),
        **_page_args(),
        description="The shop's invoices (staff, MANAGE_ORDERS), drafts included.",
    )
    invoice = graphene.Field(InvoiceType, id=graphene.ID(required=True), description="Null when unknown.")
    credit_notes = graphene.Field(
        CreditNoteCountableConnection,
        required=True,
        customer=graphene.String(description="A customer's key (user:<id> or email:<address>), id or email."),
        subscription=graphene.ID(),
        created=graphene.Argument(DateTimeRangeInput),
        **_page_args(),
        description="The shop's credit notes, newest first (staff, MANAGE_ORDERS).",
    )
    customer_billing = graphene.Field(
        CustomerBilling,
        required=True,
        customer=graphene.String(required=True, description="A Saleor user id, or an email (guests)."),
        description="A customer's subscriptions, invoices, credit balance and saved methods (MANAGE_ORDERS).",
    )
    discount_codes = graphene.Field(
        DiscountCodeCountableConnection,
        required=True,
        search=graphene.String(description="Part of the code, any case."),
        active=graphene.Boolean(),
        **_page_args(),
        description=(
            "The shop's discount codes by code, with redemption counts (MANAGE_ORDERS or MANAGE_DISCOUNTS)."
        ),
    )

    @staticmethod
    def resolve_invoices(
        _root: Any, info: Any, filter: Any = None, search: str | None = None, sort_by: Any = None, **page: Any
    ) -> Connection[Invoice]:
        installation = staff_shop(info)
        request = PageRequest(**page).checked()
        key, descending = DEFAULT_INVOICE_SORT, True
        if sort_by is not None:
            key, descending = INVOICE_SORT[enum_value(sort_by.field)], enum_value(sort_by.direction) == "desc"
        rows = searched_invoices(installation, filtered_invoices(installation, filter), search)
        found = paginate(invoices_with_details(rows), key, descending, request)
        attach_refunds_and_notes(found.items)
        return Connection(found, rows.count)

    @staticmethod
    def resolve_invoice(_root: Any, info: Any, id: str) -> Invoice | None:
        installation = staff_shop(info)
        pk = parse_global_id(id, INVOICE_TYPE)
        if pk is None:
            raise bad_argument("id", f"{id!r} is not an invoice id")
        found = invoices_with_details(Invoice.objects.filter(installation=installation, pk=pk)).first()
        if found is not None:
            attach_refunds_and_notes([found])
        return found

    @staticmethod
    def resolve_credit_notes(
        _root: Any,
        info: Any,
        customer: str | None = None,
        subscription: str | None = None,
        created: Any = None,
        **page: Any,
    ) -> Connection[CreditNote]:
        installation = staff_shop(info)
        request = PageRequest(**page).checked()
        rows = CreditNote.objects.filter(installation=installation)
        if customer is not None:
            rows = rows.filter(customer_key__in=_customer_keys(installation, customer))
        if subscription is not None:
            rows = rows.filter(subscription_id=_subscription_pk("subscription", subscription))
        gte, lte = date_range("created", created)
        if gte is not None:
            rows = rows.filter(created_at__gte=gte)
        if lte is not None:
            rows = rows.filter(created_at__lte=lte)
        found = paginate(rows.select_related("invoice"), CREDIT_NOTE_SORT, True, request)
        return Connection(found, rows.count)

    @staticmethod
    def resolve_customer_billing(_root: Any, info: Any, customer: str) -> CustomerBilling:
        installation = staff_shop(info)
        if not customer.strip():
            raise bad_argument("customer", "give a Saleor user id or an email")
        keys = _customer_keys(installation, customer)
        subscriptions = list(
            staff_subscriptions(
                Subscription.objects.filter(customer_q(customer), installation=installation)
            ).order_by("-pk")[:CUSTOMER_LIST]
        )
        complete_page(subscriptions, installation, info, "subscriptions")
        invoices = list(
            invoices_with_details(
                Invoice.objects.filter(
                    installation=installation, subscription__in=[s.pk for s in subscriptions]
                )
            ).order_by("-due_at", "-pk")[:CUSTOMER_LIST]
        )
        attach_refunds_and_notes(invoices)
        balances = (
            CreditLedgerEntry.objects.filter(installation=installation, customer_key__in=keys)
            .values("currency")
            .annotate(balance=Sum("amount"))
            .order_by("currency")
        )
        methods = (
            StripeCustomer.objects.filter(installation=installation, customer_key__in=keys)
            .exclude(default_payment_method_id="")
            .order_by("-updated_at", "-pk")
        )
        return CustomerBilling(
            customer=customer,
            subscriptions=subscriptions,
            invoices=invoices,
            credit_balance=[
                Money(row["currency"], show_amount(row["balance"], row["currency"]))
                for row in balances
                if row["balance"]
            ],
            payment_methods=[
                SubscriptionPaymentMethodSummary(
                    type=m.payment_method_type, livemode=m.livemode, stripe_customer_id=m.stripe_customer_id
                )
                for m in methods
            ],
        )

    @staticmethod
    def resolve_discount_codes(
        _root: Any, info: Any, search: str | None = None, active: bool | None = None, **page: Any
    ) -> Connection[DiscountCode]:
        installation = staff_shop(info, READ_DISCOUNTS)
        request = PageRequest(**page).checked()
        rows = DiscountCode.objects.filter(installation=installation)
        if search is not None and search.strip():
            if len(search) > MAX_SEARCH:
                raise bad_argument("search", f"at most {MAX_SEARCH} characters")
            rows = rows.filter(code__icontains=search.strip())
        if active is not None:
            rows = rows.filter(active=active)
        counted = rows.annotate(redemption_count=Count("redemptions")).prefetch_related("plans")
        found: Page[DiscountCode] = paginate(counted, DISCOUNT_SORT, False, request)
        return Connection(found, rows.count)


def _customer_keys(installation: Installation, customer: str) -> set[str]:
    """The credit and Stripe keys of a customer named by key, Saleor user id or email."""
    text = customer.strip()
    if text.startswith(("user:", "email:")):
        return {text}
    keys = set(
        Subscription.objects.filter(customer_q(text), installation=installation)
        .values_list("customer_key", flat=True)
        .distinct()[:CUSTOMER_LIST]
    )
    keys.add(customer_key(None, text) if "@" in text else customer_key(text, ""))
    return keys
