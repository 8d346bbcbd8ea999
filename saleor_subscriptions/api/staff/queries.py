"""Staff queries (`MANAGE_ORDERS`): the shop's subscriptions as a filtered, searched, sorted list, and one
subscription with all its details (the `subscription` query, shared with customers)."""

from __future__ import annotations

from typing import Any

import graphene
from django.db.models import Count, Prefetch, QuerySet, prefetch_related_objects

from saleor_subscriptions.api.enums import SubscriptionStatusEnum
from saleor_subscriptions.api.staff.access import staff_shop
from saleor_subscriptions.api.staff.pagination import Connection, PageRequest, connection_type, paginate
from saleor_subscriptions.api.staff.selection import selected
from saleor_subscriptions.api.staff.subscription_details import load_details
from saleor_subscriptions.api.staff.subscription_filters import (
    SubscriptionFilterInput,
    SubscriptionQuery,
    SubscriptionSortingInput,
    sort_of,
    with_amount,
)
from saleor_subscriptions.api.types.subscriptions import SubscriptionType, issued_invoices, payable_invoices
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


class SubscriptionStatusCount(graphene.ObjectType):
    status = SubscriptionStatusEnum(required=True)
    count = graphene.Int(required=True)


def _resolve_status_counts(root: Connection[Subscription], _info: Any) -> list[SubscriptionStatusCount]:
    counts: dict[str, int] = root.extra["status_counts"]()
    return [SubscriptionStatusCount(status, count) for status, count in sorted(counts.items())]


SubscriptionListConnection = connection_type(
    "Subscription",
    SubscriptionType,
    "A page of the shop's subscriptions, with counts for the tabs.",
    status_counts=graphene.List(
        graphene.NonNull(SubscriptionStatusCount),
        required=True,
        description="How many match the filter and search in each state, the status filter left out (tabs).",
    ),
    resolve_status_counts=staticmethod(_resolve_status_counts),
)


def staff_subscriptions(rows: QuerySet[Subscription]) -> QuerySet[Subscription]:
    """Subscriptions with their amount, plan version and plan; the rest a page shows comes from
    `complete_page`."""
    return with_amount(rows).select_related("plan_version__plan")


def complete_page(
    subscriptions: list[Subscription], installation: Installation, info: Any, *path: str
) -> None:
    """Loads what the selection under `path` shows of `subscriptions` (all of `installation`): one query for
    each kind of row selected, however many subscriptions."""
    for subscription in subscriptions:
        subscription.installation = installation
    fields = selected(info, *path)
    load_details(subscriptions, fields)
    if fields & {"pendingPlan", "pendingChanges"}:
        prefetch_related_objects(subscriptions, "pending_plan_version__plan")
    if "terms" in selected(info, *path, "plan"):
        versions = PlanVersion.objects.order_by("version")
        prefetch_related_objects(subscriptions, Prefetch("plan_version__plan__versions", queryset=versions))
    if "openInvoices" in fields:
        prefetch_related_objects(
            subscriptions, Prefetch("invoices", queryset=payable_invoices(), to_attr="payable")
        )
    if "invoices" in fields:
        prefetch_related_objects(
            subscriptions, Prefetch("invoices", queryset=issued_invoices(), to_attr="issued")
        )


def subscription_page(
    installation: Installation, query: SubscriptionQuery, sort_by: Any, request: PageRequest
) -> Connection[Subscription]:
    key, descending = sort_of(sort_by)
    request = request.checked()
    rows = query.rows(installation)
    page = paginate(staff_subscriptions(rows), key, descending, request)

    counted: dict[str, int] = {}

    def status_counts() -> dict[str, int]:
        if not counted:
            everything = query.rows(installation, with_status=False).order_by()
            counted.update(
                everything.values_list("status").annotate(n=Count("pk")).values_list("status", "n")
            )
            counted.setdefault("", 0)  # counted, even when nothing matched
        return {status: n for status, n in counted.items() if status}

    def total_count() -> int:
        """The rows of the states listed, from the counts per state: one query for both."""
        statuses = query.statuses()
        return sum(n for status, n in status_counts().items() if status in statuses)

    return Connection(page, total_count, {"status_counts": status_counts})


class StaffSubscriptionQueries(graphene.ObjectType):
    subscriptions = graphene.Field(
        SubscriptionListConnection,
        required=True,
        filter=graphene.Argument(SubscriptionFilterInput),
        search=graphene.String(
            description="Customer email or name (any part), subscription number, or an invoice's number."
        ),
        sort_by=graphene.Argument(SubscriptionSortingInput, description="Default: created, newest first."),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="The shop's subscriptions (staff, MANAGE_ORDERS): a page of 1 to 100, Relay-style.",
    )

    @staticmethod
    def resolve_subscriptions(  # noqa: PLR0917 (graphene passes the arguments by name)
        _root: Any,
        info: Any,
        filter: Any = None,
        search: str | None = None,
        sort_by: Any = None,
        first: int | None = None,
        after: str | None = None,
        last: int | None = None,
        before: str | None = None,
    ) -> Connection[Subscription]:
        installation = staff_shop(info)
        connection = subscription_page(
            installation, SubscriptionQuery(filter, search), sort_by, PageRequest(first, after, last, before)
        )
        complete_page(connection.page.items, installation, info, "edges", "node")
        return connection
