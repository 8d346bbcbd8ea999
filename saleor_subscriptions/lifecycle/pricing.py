"""What a subscription's period costs, for the credits and prorations of its changes (§1, §2, §3, §7, §8)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.billing.pricing import LineKind, LineTarget
from saleor_subscriptions.billing.proration import days_left
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.transition import refuse
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription


def unit_price(subscription: Subscription, version: PlanVersion | None = None) -> Decimal:
    """The price per unit per period: an admin's price for this subscription on its own version, else the
    version's price (§1); a version priced at the variant's channel price cannot be priced here."""
    version = version or subscription.plan_version
    if version.pk == subscription.plan_version_id and subscription.unit_price is not None:
        return subscription.unit_price
    if version.price is None:
        raise refuse(
            LifecycleErrorCode.PRICE_UNKNOWN, "this plan takes the variant's channel price, unknown here"
        )
    return version.price


def period_amount(
    subscription: Subscription, version: PlanVersion | None = None, quantity: int | None = None
) -> Decimal:
    """Price x quantity of one full period, rounded to the currency (§3)."""
    qty = subscription.quantity if quantity is None else quantity
    return round_money(unit_price(subscription, version) * qty, subscription.currency)


_PLAN_LINES = (LineKind.PLAN, LineKind.PRORATION)
_DISCOUNT = LineKind.DISCOUNT.value
_CHARGED = (Invoice.Status.OPEN, Invoice.Status.PAID)


def _plan_net(invoice: Invoice) -> Decimal:
    """What `invoice` charges for the plan itself: its plan and proration lines less the discounts on them
    (a discount of the setup fee, the setup fee and usage are left out), never below zero (§4, §9)."""
    net = Decimal(0)
    for line in invoice.lines.all():
        if line.kind in _PLAN_LINES or (line.kind == _DISCOUNT and line.target == LineTarget.RECURRING):
            net += line.amount
    return max(net, Decimal(0))


def unused_paid(subscription: Subscription, period: Period, on: date) -> Fraction:
    """The part of what was charged for the current `period` that the days from `on` to its end (`on`
    included) have not used (§2, §7, §8), exactly (the caller rounds once).

    Rule: what was charged is the net plan amount (plan and proration lines after their discounts; never the
    setup fee nor usage) of the subscription's sign-up or renewal invoice for `current_period_index`, plus
    that of the change invoices of the same period (an upgrade or more seats, charged from the day of the
    change); only invoices that were issued and not voided or written off count (`open` or `paid`). Each
    invoice's net is spread evenly over the days it covers, so the result is never more than was charged for
    the period. A period without such an invoice charged nothing (a sign-up has its own invoice, §4): its
    unused part is 0, never a share of the list price.
    """
    days_left(period, on)  # `on` must be a day of the period (ValueError otherwise)
    invoices = list(
        Invoice.objects.filter(
            subscription_id=subscription.pk,
            period_index=subscription.current_period_index,
            status__in=_CHARGED,
        ).prefetch_related("lines")
    )
    unused = Fraction(0)
    for invoice in invoices:
        days = (invoice.period_end - invoice.period_start).days
        # Clipped to the period: a billing date moved earlier ends the period before its invoice's end,
        # and the days after the new date were credited then (`lifecycle.billing_dates`).
        unused_days = min((min(invoice.period_end, period.end) - max(on, invoice.period_start)).days, days)
        if days > 0 and unused_days > 0:
            unused += Fraction(_plan_net(invoice)) * unused_days / days
    return unused
