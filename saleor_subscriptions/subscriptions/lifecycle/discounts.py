"""A discount code given with a plan switch (BILLING_RULES §7, §9): found, checked, and redeemed."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from saleor_subscriptions.billing.pricing import Discount, DiscountTarget
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.lifecycle.transition import refuse
from saleor_subscriptions.subscriptions.models import Subscription


def _invalid(message: str) -> Exception:
    return refuse(LifecycleErrorCode.DISCOUNT_CODE_INVALID, message, "discount_code")


def usable_code(subscription: Subscription, version: PlanVersion, code: str, now: datetime) -> DiscountCode:
    """The installation's code `code` (any case) if it may be used now on `version` by this customer (§9):
    active, within its dates (`now` is the installation's clock), for this plan (no plans: every plan) and,
    for a fixed amount, this currency, and under its total and per-customer redemption limits.

    Inside a transaction the code's row stays locked until it ends, so two redemptions of the last use
    cannot both pass the count."""
    codes = DiscountCode.objects.filter(
        installation_id=subscription.installation_id, code__iexact=code.strip()
    ).order_by("pk")
    if connection.in_atomic_block:
        codes = codes.select_for_update()
    found = codes.first()
    if found is None or not found.active:
        raise _invalid(f"the code {code!r} does not exist")
    if (found.valid_from and now < found.valid_from) or (found.valid_until and now >= found.valid_until):
        raise _invalid(f"the code {code!r} is not valid now")
    if found.plans.exists() and not found.plans.filter(pk=version.plan_id).exists():
        raise _invalid(f"the code {code!r} does not apply to this plan")
    if found.kind == DiscountCode.Kind.FIXED and found.currency != subscription.currency:
        raise _invalid(f"the code {code!r} is for another currency")
    redemptions = found.redemptions.all()
    if found.max_redemptions is not None and redemptions.count() >= found.max_redemptions:
        raise _invalid(f"the code {code!r} has been used up")
    if found.max_per_customer is not None and (
        redemptions.filter(customer_key=subscription.customer_key).count() >= found.max_per_customer
    ):
        raise _invalid(f"the code {code!r} has been used as often as a customer may")
    if redemptions.filter(subscription=subscription).exists():
        raise _invalid(f"the code {code!r} is already on this subscription")
    return found


def as_discount(code: DiscountCode) -> Discount:
    """The billing engine's view of a code (§9)."""
    return Discount(
        code=code.code,
        percent=code.percent,
        amount_off=code.amount_off,
        applies_to=DiscountTarget(code.applies_to),
    )


def redeem(subscription: Subscription, code: DiscountCode, now: datetime) -> DiscountRedemption:
    """Record that the code is now used on this subscription (§9)."""
    return DiscountRedemption.objects.create(
        installation_id=subscription.installation_id,
        code=code,
        subscription=subscription,
        customer_key=subscription.customer_key,
        redeemed_at=now,
    )
