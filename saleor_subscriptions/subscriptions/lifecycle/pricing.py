"""What a subscription's period costs, for the credits and prorations of its changes (§1, §2, §3)."""

from __future__ import annotations

from decimal import Decimal

from saleor_subscriptions.billing.money import round_money
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.lifecycle.transition import refuse
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
