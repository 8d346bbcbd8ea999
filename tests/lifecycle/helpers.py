"""A sandbox shop with a test clock, and subscriptions placed on a known day of their calendar."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from saleor_subscriptions.billing.pricing import Discount, price_period, total
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice, InvoiceLine
from saleor_subscriptions.subscriptions.calendar import calendar_of, current_period, due_at, set_period
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation, make_plan_version, make_subscription


def at(year: int, month: int, day: int, hour: int = 10, minute: int = 0) -> datetime:
    """An instant in UTC; at 10:00 UTC it is the same calendar day in Amsterdam."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def sandbox(now: datetime, url: str = "https://shop.example.com/graphql/", **fields: Any) -> Installation:
    """A sandbox shop in Amsterdam whose charges fall due at 06:00, its test clock at `now`."""
    fields.setdefault("time_zone", "Europe/Amsterdam")
    fields.setdefault("due_hour", 6)
    return make_installation(url, sandbox=True, clock=now, **fields)


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


def period_invoice(
    sub: Subscription, *, percent_off: str | None = None, status: str = "paid", reason: str = "renewal"
) -> Invoice:
    """The subscription's invoice for its current period as a renewal makes it (§4): the plan line, and a
    percentage code's discount line when `percent_off`."""
    terms = sub.plan_version.terms()
    discount = Discount("CODE", percent=Decimal(percent_off)) if percent_off is not None else None
    lines = price_period(terms, current_period(sub), quantity=sub.quantity, discount=discount)
    net = total(lines)
    invoice = Invoice.objects.create(
        installation=sub.installation,
        subscription=sub,
        billing_reason=reason,
        number=f"INV-P{sub.pk}-{sub.current_period_index}",
        status=status,
        currency=sub.currency,
        period_index=sub.current_period_index,
        period_start=sub.current_period_start,
        period_end=sub.current_period_end,
        subtotal=net,
        total=net,
        amount_due=net,
        amount_paid=net if status == "paid" else Decimal(0),
        due_at=due_at(sub, sub.current_period_start),
    )
    InvoiceLine.objects.bulk_create(
        InvoiceLine(
            installation=sub.installation,
            invoice=invoice,
            position=position,
            kind=line.kind.value,
            target=line.target.value if line.target else "",
            description=line.description,
            reason=line.reason,
            quantity=Decimal(line.quantity),
            unit_amount=line.unit_amount,
            amount=line.amount,
            period_start=line.period_start,
            period_end=line.period_end,
        )
        for position, line in enumerate(lines, start=1)
    )
    return invoice


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
