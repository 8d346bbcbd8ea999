"""A sandbox shop whose renewals run through in-memory ports, and subscriptions signed up on it."""

from __future__ import annotations

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway, InMemoryOrderSink
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.subscriptions.models import Subscription
from tests.lifecycle.helpers import at, plan, reload, sandbox, set_clock

__all__ = ["at", "invoices", "memory_ports", "plan", "reload", "sandbox", "set_clock", "signed_up"]


class Ports(RenewalPorts):
    orders: InMemoryOrderSink
    payments: InMemoryGateway
    notifier: RecordingNotifier


def memory_ports(**latency: float) -> Ports:
    return Ports(
        orders=InMemoryOrderSink(latency_ms=latency.get("order_ms", 0)),
        payments=InMemoryGateway(latency_ms=latency.get("charge_ms", 0)),
        notifier=RecordingNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
        concurrency=8,
    )


def signed_up(version: PlanVersion, email: str = "piet@example.com", quantity: int = 1) -> Subscription:
    """Signed up and paid now, on the installation's clock (the checkout's payment)."""
    subscription = lifecycle.start_subscription(
        version.installation,
        version,
        customer_user_id=None,
        customer_email=email,
        quantity=quantity,
        channel_slug=version.plan.channel_slug,
        actor=Actor.CUSTOMER,
    )
    return lifecycle.activate_subscription(subscription, actor=Actor.APP, order_id="signup-order")


def invoices(subscription: Subscription) -> list[Invoice]:
    return list(Invoice.objects.filter(subscription=subscription).order_by("period_index", "pk"))
