"""The staff list of subscriptions: its filter, search and sort arguments, and the queryset they make."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import graphene
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce

from saleor_subscriptions.api.enums import SubscriptionStatusEnum, enum_value
from saleor_subscriptions.api.ids import parse_plan_id, parse_subscription_id
from saleor_subscriptions.api.staff.pagination import SORT_DIRECTION, SortKey, ValueKind, bad_argument
from saleor_subscriptions.billing.states import SubscriptionStatus
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

OWED = (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE)
MAX_SEARCH = 200
MAX_LIST = 100


class DateTimeRangeInput(graphene.InputObjectType):
    """From `gte` to `lte`, both included; either may be left out."""

    gte = graphene.DateTime()
    lte = graphene.DateTime()


class SubscriptionAttention(graphene.Enum):
    """Why a subscription needs someone (the dashboard's "needs attention" tab)."""

    PAST_DUE = "past_due"
    SUSPENDED = "suspended"
    ACTION_REQUIRED = "action_required"
    ORDER_FAILED = "order_failed"

    @property
    def description(self) -> str:
        return {
            "PAST_DUE": "a renewal is unpaid and dunning runs (BILLING_RULES §6)",
            "SUSPENDED": "on hold for nonpayment",
            "ACTION_REQUIRED": "an invoice still owed waits for the customer to confirm a charge (3DS)",
            "ORDER_FAILED": "an invoice still owed has no Saleor order: Saleor refused it or it conflicted",
        }.get(self.name, "")


class SubscriptionFilterInput(graphene.InputObjectType):
    status = graphene.List(
        graphene.NonNull(SubscriptionStatusEnum),
        description="Any of these states (without it every state but INCOMPLETE, the unpaid checkouts).",
    )
    plans = graphene.List(graphene.NonNull(graphene.ID), description="On any of these plans (plan ids).")
    product = graphene.ID(description="A Saleor product id.")
    variant = graphene.ID(description="A Saleor variant id.")
    channel = graphene.String(description="A channel slug.")
    customer = graphene.String(description="A Saleor user id, or an email (any case).")
    saleor_order = graphene.ID(
        description="A Saleor order id: the subscriptions that order started (the sign-up) or renewed "
        "(any of its invoices' orders)."
    )
    payment_method_type = graphene.String(
        description='The saved method\'s Stripe type: "card", "sepa_debit".'
    )
    created = graphene.InputField(DateTimeRangeInput)
    next_billing = graphene.InputField(DateTimeRangeInput)
    cancelled = graphene.InputField(DateTimeRangeInput)
    attention = graphene.List(
        graphene.NonNull(SubscriptionAttention),
        description="Needing attention for any of these reasons (all four: the needs-attention tab).",
    )


class SubscriptionSortField(graphene.Enum):
    CREATED = "created"
    NEXT_BILLING = "next_billing"
    STATUS = "status"
    CUSTOMER = "customer"
    AMOUNT = "amount"


class SubscriptionSortingInput(graphene.InputObjectType):
    field = SubscriptionSortField(required=True)
    direction = SORT_DIRECTION(required=True)


SUBSCRIPTION_SORT = {
    "created": SortKey("created", "created_at", ValueKind.DATETIME),
    "next_billing": SortKey("next_billing", "next_billing_at", ValueKind.DATETIME, nullable=True),
    "status": SortKey("status", "status", ValueKind.TEXT),
    "customer": SortKey("customer", "customer_email", ValueKind.TEXT),
    "amount": SortKey("amount", "amount", ValueKind.DECIMAL, nullable=True),
}


def sort_of(sort_by: Any) -> tuple[SortKey, bool]:
    """The sort key and whether it goes down; newest first without `sortBy`."""
    if sort_by is None:
        return SUBSCRIPTION_SORT["created"], True
    return SUBSCRIPTION_SORT[enum_value(sort_by.field)], enum_value(sort_by.direction) == "desc"


def date_range(argument: str, given: Any) -> tuple[datetime | None, datetime | None]:
    if given is None:
        return None, None
    gte, lte = given.get("gte"), given.get("lte")
    if gte is not None and lte is not None and gte > lte:
        raise bad_argument(argument, f"gte ({gte.isoformat()}) is after lte ({lte.isoformat()})")
    return gte, lte


def _ranged(
    queryset: QuerySet[Subscription], column: str, argument: str, given: Any
) -> QuerySet[Subscription]:
    gte, lte = date_range(argument, given)
    if gte is not None:
        queryset = queryset.filter(**{f"{column}__gte": gte})
    if lte is not None:
        queryset = queryset.filter(**{f"{column}__lte": lte})
    return queryset


def _ids(argument: str, values: Iterable[str]) -> list[int]:
    ids = []
    for value in values:
        pk = parse_plan_id(value)
        if pk is None:
            raise bad_argument(argument, f"{value!r} is not a plan id")
        ids.append(pk)
    return ids


def customer_q(customer: str) -> Q:
    """A customer named by Saleor user id, or by email (any case; guests have only their email)."""
    text = customer.strip()
    if "@" in text:
        return Q(customer_email__iexact=text)
    return Q(customer_user_id=text)


def saleor_order_q(installation: Installation, order_id: str) -> Q:
    """Started by the Saleor order `order_id` (its sign-up order) or renewed by it (an invoice's order)."""
    text = order_id.strip()
    if not text:
        raise bad_argument("filter.saleorOrder", "give a Saleor order id")
    renewed = Invoice.objects.filter(installation=installation, saleor_order_id=text)
    return Q(saleor_order_id=text) | Q(pk__in=renewed.values("subscription_id"))


def attention_q(installation: Installation, reasons: Iterable[str]) -> Q:
    """Needing attention for any of `reasons`: a state, or an owed invoice with a charge waiting for the
    customer or a failed order (few rows, which partial indexes find; PostgreSQL hashes them once)."""
    wanted = set(reasons)
    found = Q(status__in=[r for r in wanted if r in ("past_due", "suspended")])
    if "action_required" in wanted:
        found |= Q(
            pk__in=PaymentAttempt.objects.filter(
                installation=installation,
                status=PaymentAttempt.Status.REQUIRES_ACTION,
                invoice__status__in=OWED,
            ).values("invoice__subscription_id")
        )
    if "order_failed" in wanted:
        found |= Q(
            pk__in=Invoice.objects.filter(installation=installation, status__in=OWED)
            .exclude(order_problem="")
            .values("subscription_id")
        )
    return found


def with_amount(queryset: QuerySet[Subscription]) -> QuerySet[Subscription]:
    """`amount`: a period's price before tax and discounts (unit price times quantity); null for a plan
    charging the variant's channel price."""
    return queryset.annotate(amount=Coalesce("unit_price", "plan_version__price") * F("quantity"))


@dataclass(frozen=True)
class SubscriptionQuery:
    """The arguments of `subscriptions` (and of its CSV export) that choose rows."""

    filter: Any = None
    search: str | None = None

    def statuses(self) -> set[str]:
        """The states listed: those of the status filter, else every state but INCOMPLETE."""
        given = [enum_value(s) for s in (self.filter or {}).get("status") or []]
        return set(given) or {s.value for s in SubscriptionStatus} - {SubscriptionStatus.INCOMPLETE.value}

    def rows(self, installation: Installation, *, with_status: bool = True) -> QuerySet[Subscription]:
        """The shop's subscriptions under the filter and search; `with_status=False` leaves the status filter
        out (the counts per status, for tabs)."""
        rows = Subscription.objects.filter(installation=installation)
        given = self.filter or {}
        statuses = [enum_value(s) for s in given.get("status") or []]
        if with_status and statuses:
            rows = rows.filter(status__in=statuses)
        elif with_status:
            rows = rows.exclude(status=SubscriptionStatus.INCOMPLETE.value)
        rows = self._filtered(installation, rows, given)
        return self._searched(installation, rows)

    def _filtered(
        self, installation: Installation, rows: QuerySet[Subscription], given: Any
    ) -> QuerySet[Subscription]:
        plans = given.get("plans")
        if plans is not None:
            if len(plans) > MAX_LIST:
                raise bad_argument("filter.plans", f"at most {MAX_LIST} plans")
            rows = rows.filter(plan_version__plan_id__in=_ids("filter.plans", plans))
        for argument, column in (("product", "product_id"), ("variant", "variant_id"), ("channel", None)):
            value = given.get(argument)
            if value is None:
                continue
            if column is None:
                rows = rows.filter(channel_slug=value)
            else:
                rows = rows.filter(**{f"plan_version__plan__{column}": value})
        if given.get("customer") is not None:
            rows = rows.filter(customer_q(given["customer"]))
        if given.get("saleor_order") is not None:
            rows = rows.filter(saleor_order_q(installation, given["saleor_order"]))
        method = given.get("payment_method_type")
        if method is not None:
            rows = rows.filter(
                Exists(
                    StripeCustomer.objects.filter(
                        installation=installation,
                        customer_key=OuterRef("customer_key"),
                        payment_method_type=method,
                    ).exclude(default_payment_method_id="")
                )
            )
        rows = _ranged(rows, "created_at", "filter.created", given.get("created"))
        rows = _ranged(rows, "next_billing_at", "filter.nextBilling", given.get("next_billing"))
        rows = _ranged(rows, "cancelled_at", "filter.cancelled", given.get("cancelled"))
        attention = given.get("attention")
        if attention is not None:
            rows = rows.filter(attention_q(installation, (enum_value(reason) for reason in attention)))
        return rows

    def _searched(self, installation: Installation, rows: QuerySet[Subscription]) -> QuerySet[Subscription]:
        """By customer email or name (any part, any case), subscription number (its id, `#12` or `12`, or its
        global id) or an invoice's number (exact, any case)."""
        if self.search is None or not self.search.strip():
            return rows
        term = self.search.strip()
        if len(term) > MAX_SEARCH:
            raise bad_argument("search", f"at most {MAX_SEARCH} characters")
        found = (
            Q(customer_email__icontains=term) | Q(first_name__icontains=term) | Q(last_name__icontains=term)
        )
        number = term.removeprefix("#")
        if number.isdigit() and number.isascii() and int(number) < 2**63:
            found |= Q(pk=int(number))
        global_pk = parse_subscription_id(term)
        if global_pk is not None:
            found |= Q(pk=global_pk)
        invoiced = list(
            Invoice.objects.filter(installation=installation, number__in={term, term.upper()}).values_list(
                "subscription_id", flat=True
            )[:MAX_LIST]
        )
        if invoiced:
            found |= Q(pk__in=invoiced)
        return rows.alias(
            first_name=KT("billing_address__firstName"), last_name=KT("billing_address__lastName")
        ).filter(found)
