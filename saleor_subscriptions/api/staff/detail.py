"""One subscription for staff, with every detail loaded."""

from __future__ import annotations

from typing import Any

from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.staff.access import staff_shop
from saleor_subscriptions.api.staff.pagination import bad_argument
from saleor_subscriptions.api.staff.queries import complete_page, staff_subscriptions
from saleor_subscriptions.subscriptions.models import Subscription


def staff_subscription(info: Any, id: str) -> Subscription | None:
    """Any subscription of the shop (`MANAGE_ORDERS`); null when unknown."""
    installation = staff_shop(info)
    pk = parse_subscription_id(id)
    if pk is None:
        raise bad_argument("id", f"{id!r} is not a subscription id")
    found = staff_subscriptions(Subscription.objects.filter(installation=installation, pk=pk)).first()
    if found is not None:
        complete_page([found], installation, info)
    return found
