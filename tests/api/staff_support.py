"""What the tests of the staff mutations share: a dashboard token with MANAGE_ORDERS, the id of its staff
user, subscriptions of the test shop, and a snapshot to show a refusal changed nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.forms.models import model_to_dict

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from tests.api.conftest import ApiShop
from tests.factories import make_plan_version, make_subscription

ORDERS = ("MANAGE_ORDERS",)
STAFF_EMAIL = "owner@example.com"


def staff_token(shop: ApiShop, permissions: tuple[str, ...] = ORDERS) -> str:
    return shop.staff_token(permissions)


def staff_user_id(shop: ApiShop) -> str:
    """The Saleor id of the staff user the fake's dashboard tokens are for."""
    return str(shop.fake.staff_user(STAFF_EMAIL).id)


def version(shop: ApiShop, price: str = "30.00", **terms: Any) -> PlanVersion:
    return make_plan_version(shop.installation, price=Decimal(price), **terms)


def subscription(shop: ApiShop, on: PlanVersion | None = None, **fields: Any) -> Subscription:
    """An active subscription of the shop's customer (a plan at 30.00 a month unless `on`)."""
    fields.setdefault("status", "active")
    return make_subscription(on or version(shop), customer_user_id=shop.saleor.customer.id, **fields)


def sub_id(sub: Subscription) -> str:
    return subscription_global_id(sub.pk)


def snapshot(sub: Subscription) -> Any:
    """Everything a staff action could change about a subscription and its money."""
    return (
        model_to_dict(Subscription.objects.get(pk=sub.pk)),
        list(SubscriptionEvent.objects.filter(subscription=sub).values_list("pk", flat=True)),
        list(Invoice.objects.filter(subscription=sub).values_list("pk", "status", "amount_due")),
        list(CreditNote.objects.filter(subscription=sub).values_list("pk", flat=True)),
    )


def staff_events(sub: Subscription) -> list[tuple[str, str, str, str]]:
    """(kind, actor type, actor id, reason) of the subscription's events, oldest first."""
    return list(
        SubscriptionEvent.objects.filter(subscription=sub)
        .order_by("at", "pk")
        .values_list("kind", "actor_type", "actor_id", "reason")
    )
