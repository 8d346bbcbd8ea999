"""One subscription for staff, with every detail loaded."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch

from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.staff.access import staff_shop
from saleor_subscriptions.api.staff.pagination import bad_argument
from saleor_subscriptions.api.staff.queries import staff_subscriptions
from saleor_subscriptions.api.staff.selection import selected
from saleor_subscriptions.api.staff.subscription_details import load_details
from saleor_subscriptions.api.types.subscriptions import issued_invoices, payable_invoices
from saleor_subscriptions.subscriptions.models import Subscription


def staff_subscription(info: Any, id: str) -> Subscription | None:
    """Any subscription of the shop (`MANAGE_ORDERS`); null when unknown."""
    installation = staff_shop(info)
    pk = parse_subscription_id(id)
    if pk is None:
        raise bad_argument("id", f"{id!r} is not a subscription id")
    rows = staff_subscriptions(
        Subscription.objects.filter(installation=installation, pk=pk)
    ).prefetch_related(
        Prefetch("invoices", queryset=payable_invoices(), to_attr="payable"),
        Prefetch("invoices", queryset=issued_invoices(), to_attr="issued"),
    )
    found = rows.first()
    if found is not None:
        load_details([found], selected(info))
    return found
