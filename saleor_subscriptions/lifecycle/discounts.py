"""A discount code given with a plan switch (BILLING_RULES §7, §9): found, checked, and redeemed."""

from __future__ import annotations

from datetime import datetime

from django.db import connection

from saleor_subscriptions.billing.pricing import Discount, DiscountTarget
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.lifecycle.transition import refuse
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription


def _invalid(message: str) -> Exception:
    return refuse(LifecycleErrorCode.DISCOUNT_CODE_INVALID, message, "discount_code")


def code_refusal(
    installation_id: int, plan_id: int, currency: str, code: str, now: datetime, *, customer_key: str | None
) -> tuple[DiscountCode | None, str]:
    """(the code, "") if the installation's code `code` (any case) may be used now on a plan (§9): active,
    within its dates (`now` is the installation's clock), for this plan (no plans: every plan) and, for a
    fixed amount, this currency, under its total redemption limit and, when the customer is known, under the
    per-customer limit; else (the code or None, why not). Sign-up at the checkout and a code added to a
    subscription both ask this.

    Inside a transaction the code's row stays locked until it ends, so two redemptions of the last use
    cannot both pass the count."""
    codes = DiscountCode.objects.filter(installation_id=installation_id, code__iexact=code.strip()).order_by(
        "pk"
    )
    if connection.in_atomic_block:
        codes = codes.select_for_update()
    found = codes.first()
    if found is None or not found.active:
        return None, f"the code {code!r} does not exist"
    if (found.valid_from and now < found.valid_from) or (found.valid_until and now >= found.valid_until):
        return found, f"the code {code!r} is not valid now"
    if found.plans.exists() and not found.plans.filter(pk=plan_id).exists():
        return found, f"the code {code!r} does not apply to this plan"
    if found.kind == DiscountCode.Kind.FIXED and found.currency != currency:
        return found, f"the code {code!r} is for another currency"
    redemptions = found.redemptions.all()
    if found.max_redemptions is not None and redemptions.count() >= found.max_redemptions:
        return found, f"the code {code!r} has been used up"
    if (
        customer_key is not None
        and found.max_per_customer is not None
        and redemptions.filter(customer_key=customer_key).count() >= found.max_per_customer
    ):
        return found, f"the code {code!r} has been used as often as a customer may"
    return found, ""


def usable_code(subscription: Subscription, version: PlanVersion, code: str, now: datetime) -> DiscountCode:
    """The installation's code `code` if it may be used now on `version` by this subscription's customer
    (`code_refusal`) and is not on the subscription already; a LifecycleError saying why not."""
    found, refusal = code_refusal(
        subscription.installation_id,
        version.plan_id,
        subscription.currency,
        code,
        now,
        customer_key=subscription.customer_key,
    )
    if found is None or refusal:
        raise _invalid(refusal)
    if found.redemptions.filter(subscription=subscription).exists():
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
