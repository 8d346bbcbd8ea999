"""The customer's own subscriptions ("my subscriptions"): a customer access token is required, and only the
subscriptions of that Saleor user in the token's shop are ever seen. A subscription bought as a guest has no
user and is not listed: an email address in a token is not proof enough to show someone's subscriptions and
payment links (its emails carry the guest's links)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Prefetch, QuerySet
from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from saleor_subscriptions.api.auth import Customer
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.errors import ApiErrorCode, api_error
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.staff.detail import staff_subscription
from saleor_subscriptions.api.types.subscriptions import (
    SubscriptionType,
    issued_invoices,
    payable_invoices,
)
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

MAX_FIRST = 100


def customers_subscriptions(
    installation: Installation, customer: Customer, fields: frozenset[str] | None = None
) -> QuerySet[Subscription]:
    """The customer's subscriptions with what their fields need. `fields`: the subscription's fields the
    request selects (None: any); the invoices of a field not selected are not read (each resolver reads its
    own when they were not prefetched)."""
    invoices = [
        Prefetch("invoices", queryset=queryset, to_attr=attr)
        for field, queryset, attr in (
            ("openInvoices", payable_invoices(), "payable"),
            ("invoices", issued_invoices(), "issued"),
        )
        if fields is None or field in fields
    ]
    return (
        Subscription.objects.filter(installation=installation, customer_user_id=customer.user_id)
        .exclude(status="incomplete")
        .select_related("installation", "plan_version__plan", "pending_plan_version__plan")
        .prefetch_related(
            *invoices,
            # A plan's terms are its newest version's: one query for every plan listed, not one each.
            Prefetch("plan_version__plan__versions", queryset=PlanVersion.objects.order_by("version")),
        )
    )


def selected_fields(info: Any) -> frozenset[str]:
    """The names of the fields selected under this field, fragments followed (a field under @skip or
    @include counts as selected: at worst it is prefetched for nothing)."""
    names: set[str] = set()
    pending = [node.selection_set for node in info.field_nodes]
    while pending:
        selection_set = pending.pop()
        if selection_set is None:
            continue
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names.add(selection.name.value)
            elif isinstance(selection, InlineFragmentNode):
                pending.append(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                fragment = info.fragments.get(selection.name.value)
                pending.append(None if fragment is None else fragment.selection_set)
    return frozenset(names)


class SubscriptionQueries(graphene.ObjectType):
    my_subscriptions = graphene.List(
        graphene.NonNull(SubscriptionType),
        required=True,
        first=graphene.Int(
            default_value=MAX_FIRST, description=f"How many, 1 to {MAX_FIRST} (null: {MAX_FIRST})."
        ),
        after=graphene.ID(description="A subscription's id: the ones listed after it (the next page)."),
        description=(
            "The customer's subscriptions, newest first (not those whose checkout was never paid). Needs a "
            "customer access token."
        ),
    )
    subscription = graphene.Field(
        SubscriptionType,
        id=graphene.ID(required=True),
        description=(
            "One of the customer's subscriptions (null when it is not theirs) with a customer token; any of "
            "the shop's with a staff token carrying MANAGE_ORDERS, with the staff fields."
        ),
    )

    @staticmethod
    def resolve_my_subscriptions(
        _root: Any, info: Any, first: int | None = MAX_FIRST, after: str | None = None
    ) -> list[Subscription]:
        principal = context_of(info).principal
        customer = principal.require_customer()
        first = MAX_FIRST if first is None else first
        if not 1 <= first <= MAX_FIRST:
            raise api_error(ApiErrorCode.BAD_USER_INPUT, f"first: must be 1 to {MAX_FIRST}, not {first}")
        subscriptions = customers_subscriptions(principal.shop(), customer, selected_fields(info))
        if after is not None:
            after_pk = parse_subscription_id(after)
            if after_pk is None:
                raise api_error(ApiErrorCode.BAD_USER_INPUT, f"after: {after!r} is not a subscription id")
            subscriptions = subscriptions.filter(pk__lt=after_pk)
        return list(subscriptions.order_by("-pk")[:first])

    @staticmethod
    def resolve_subscription(_root: Any, info: Any, id: str) -> Subscription | None:
        principal = context_of(info).principal
        if principal.staff is not None or principal.api_key is not None:
            return staff_subscription(info, id)
        customer = principal.require_customer()
        pk = parse_subscription_id(id)
        if pk is None:
            raise api_error(ApiErrorCode.BAD_USER_INPUT, f"id: {id!r} is not a subscription id")
        subscriptions = customers_subscriptions(principal.shop(), customer, selected_fields(info))
        return subscriptions.filter(pk=pk).first()
