"""What staff see of a subscription beyond the customer's view, loaded for a whole page at once: one query per
kind of detail asked for, however many subscriptions are listed."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db.models import Sum

from saleor_subscriptions.api.staff.invoice_types import attach_refunds_and_notes, invoices_with_details
from saleor_subscriptions.api.staff.subscription_filters import OWED
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice
from saleor_subscriptions.payments.models import StripeCustomer
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent

Loader = Callable[[list[Subscription]], None]


def load_events(subscriptions: list[Subscription]) -> None:
    found: dict[int, list[SubscriptionEvent]] = defaultdict(list)
    for event in SubscriptionEvent.objects.filter(subscription__in=subscriptions).order_by("at", "pk"):
        found[event.subscription_id].append(event)
    for subscription in subscriptions:
        subscription.staff_events = found[subscription.pk]  # type: ignore[attr-defined]


def load_invoices(subscriptions: list[Subscription]) -> None:
    """Every invoice, drafts included, newest first, with lines, attempts, refunds and credit notes."""
    invoices = list(
        invoices_with_details(Invoice.objects.filter(subscription__in=subscriptions)).order_by(
            "-period_start", "-pk"
        )
    )
    attach_refunds_and_notes(invoices)
    found: dict[int, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        found[invoice.subscription_id].append(invoice)
    for subscription in subscriptions:
        subscription.staff_invoices = found[subscription.pk]  # type: ignore[attr-defined]


def load_payment_methods(subscriptions: list[Subscription]) -> None:
    """The customer's saved method type, as last recorded in any of the shop's Stripe accounts."""
    keys = {s.customer_key for s in subscriptions}
    installations = {s.installation_id for s in subscriptions}
    latest: dict[tuple[int, str], str] = {}
    rows = (
        StripeCustomer.objects.filter(installation_id__in=installations, customer_key__in=keys)
        .exclude(default_payment_method_id="")
        .order_by("updated_at", "pk")
        .values_list("installation_id", "customer_key", "payment_method_type")
    )
    for installation_id, key, method in rows:
        latest[(installation_id, key)] = method
    for subscription in subscriptions:
        found = latest.get((subscription.installation_id, subscription.customer_key))
        subscription.staff_payment_method = found or None  # type: ignore[attr-defined]


def load_attention(subscriptions: list[Subscription]) -> None:
    """Why each needs attention: its state, a charge waiting for the customer, an order that failed."""
    ids = [s.pk for s in subscriptions]
    action = set(
        PaymentAttempt.objects.filter(
            invoice__subscription_id__in=ids,
            invoice__status__in=OWED,
            status=PaymentAttempt.Status.REQUIRES_ACTION,
        ).values_list("invoice__subscription_id", flat=True)
    )
    orders = set(
        Invoice.objects.filter(subscription_id__in=ids, status__in=OWED)
        .exclude(order_problem="")
        .values_list("subscription_id", flat=True)
    )
    for subscription in subscriptions:
        reasons = [subscription.status] if subscription.status in ("past_due", "suspended") else []
        if subscription.pk in action:
            reasons.append("action_required")
        if subscription.pk in orders:
            reasons.append("order_failed")
        subscription.staff_attention = reasons  # type: ignore[attr-defined]


def load_credit(subscriptions: list[Subscription]) -> None:
    """The customer's credit balance in each currency (BILLING_RULES §8), none when it is zero."""
    keys = {s.customer_key for s in subscriptions}
    installations = {s.installation_id for s in subscriptions}
    balances: dict[tuple[int, str], list[tuple[str, Decimal]]] = defaultdict(list)
    rows = (
        CreditLedgerEntry.objects.filter(installation_id__in=installations, customer_key__in=keys)
        .values("installation_id", "customer_key", "currency")
        .annotate(balance=Sum("amount"))
        .order_by("currency")
    )
    for row in rows:
        if row["balance"]:
            balances[(row["installation_id"], row["customer_key"])].append((row["currency"], row["balance"]))
    for subscription in subscriptions:
        found = balances[(subscription.installation_id, subscription.customer_key)]
        subscription.staff_credit = found  # type: ignore[attr-defined]


LOADERS: dict[str, Loader] = {
    "events": load_events,
    "invoiceDetails": load_invoices,
    "saleorOrders": load_invoices,
    "paymentMethodType": load_payment_methods,
    "attention": load_attention,
    "creditBalance": load_credit,
}
"""The staff fields of `Subscription` that need more rows, and what loads them for a page."""


def load_details(subscriptions: list[Subscription], fields: Iterable[str]) -> None:
    """Loads what the `fields` selected need, once each, for all `subscriptions`."""
    done: set[Loader] = set()
    for name in fields:
        loader = LOADERS.get(name)
        if loader is not None and loader not in done and subscriptions:
            loader(subscriptions)
            done.add(loader)


def loaded(subscription: Subscription, attribute: str, loader: Loader) -> object:
    """A detail of one subscription, loaded alone when no page loaded it."""
    if not hasattr(subscription, attribute):
        loader([subscription])
    return getattr(subscription, attribute)
