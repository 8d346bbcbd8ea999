"""A sandbox shop with a test clock, and subscriptions placed on a known day of their calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.calendar import calendar_of, due_at, set_period
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An instant in UTC; at 10:00 UTC it is the same calendar day in Amsterdam."""
    return datetime(year, month, day, hour, tzinfo=UTC)


def sandbox(now: datetime, url: str = "https://shop.example.com/graphql/") -> Installation:
    return make_installation(url, sandbox=True, clock=now, time_zone="Europe/Amsterdam", due_hour=6)


def set_clock(installation: Installation, now: datetime) -> None:
    installation.clock = now
    installation.save(update_fields=["clock"])


def plan(installation: Installation, price: str = "30.00", **terms: Any) -> PlanVersion:
    terms.setdefault("variant_id", f"variant-{PlanVersion.objects.count() + 1}")
    return make_plan_version(installation, price=Decimal(price), **terms)


def active_since(version: PlanVersion, start: date, **fields: Any) -> Subscription:
    """An active subscription whose calendar started on `start` and that is in its period `index`."""
    index = fields.pop("index", 0)
    period = calendar_of(version, start).period(index)
    sub = make_subscription(
        version,
        status=fields.pop("status", "active"),
        calendar_start=start,
        current_period_start=period.start,
        current_period_end=period.end,
        current_period_index=index,
        started_at=datetime(start.year, start.month, start.day, 10, tzinfo=UTC),
        **fields,
    )
    set_period(sub, period)
    sub.next_billing_at = due_at(sub, period.end)
    sub.save()
    return sub


def reload(sub: Subscription) -> Subscription:
    return Subscription.objects.get(pk=sub.pk)


def events(sub: Subscription) -> list[tuple[str, str, str, str]]:
    """(kind, from, to, actor) of each event, oldest first."""
    return [
        (e.kind, e.from_status, e.to_status, e.actor_type)
        for e in SubscriptionEvent.objects.filter(subscription=sub).order_by("at", "pk")
    ]


def last_event(sub: Subscription) -> SubscriptionEvent:
    event = SubscriptionEvent.objects.filter(subscription=sub).order_by("-at", "-pk").first()
    assert event is not None
    return event


STAFF = Actor.STAFF
CUSTOMER = Actor.CUSTOMER
SYSTEM = Actor.SYSTEM
APP = Actor.APP
