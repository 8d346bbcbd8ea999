"""What happens when a subscription reaches the end of its period (BILLING_RULES §1, §2, §4, §5, §7).

In this order: a pending cancellation takes effect; a fixed term that has run its course expires; a pending
plan switch or seat decrease is applied; a paused period or a skipped one passes without an invoice;
otherwise the next period is priced for its invoice. Only the last case is the common one, and it is kept
free of queries so a batch of renewals costs a handful of statements (see `pipeline`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.plans import PlanTerms
from saleor_subscriptions.billing.pricing import Discount, PricedLine, UsageCharge, price_period, total
from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.lifecycle.discounts import as_discount
from saleor_subscriptions.lifecycle.pricing import unit_price
from saleor_subscriptions.lifecycle.transition import record_event
from saleor_subscriptions.subscriptions.calendar import (
    TRIAL_INDEX,
    billing_calendar,
    renewal_at,
    same_calendar_terms,
    set_period,
)
from saleor_subscriptions.subscriptions.models import Subscription


class TermsCache:
    """Plan terms by version, built once per batch (building them validates every field)."""

    def __init__(self) -> None:
        self._terms: dict[tuple[int, Decimal], PlanTerms] = {}

    def terms(self, version: PlanVersion, price: Decimal) -> PlanTerms:
        key = (version.pk, price)
        found = self._terms.get(key)
        if found is None:
            found = self._terms[key] = version.terms(channel_price=price)
        return found


def next_period(subscription: Subscription) -> Period:
    """The period after the current one on the subscription's calendar (after a trial: period 0)."""
    calendar = billing_calendar(subscription)
    if subscription.current_period_index == TRIAL_INDEX:
        return calendar.period(0)
    return calendar.period(subscription.current_period_index - subscription.calendar_index_offset + 1)


def discount_for_period(redemption: DiscountRedemption | None) -> Discount | None:
    """The code's discount when it still has periods to give: once, N periods, or forever (§9)."""
    if redemption is None or redemption.ended_at is not None:
        return None
    code = redemption.code
    if code.duration == DiscountCode.Duration.ONCE and redemption.periods_used >= 1:
        return None
    if code.duration == DiscountCode.Duration.REPEATING and redemption.periods_used >= (
        code.duration_periods or 0
    ):
        return None
    return as_discount(code)


def use_discount(redemption: DiscountRedemption, now: datetime) -> None:
    """Count one discounted period; a code with no periods left ends (does not save)."""
    redemption.periods_used += 1
    code = redemption.code
    limit = {DiscountCode.Duration.ONCE: 1, DiscountCode.Duration.REPEATING: code.duration_periods}.get(
        DiscountCode.Duration(code.duration)
    )
    if limit is not None and redemption.periods_used >= limit:
        redemption.ended_at = now


@dataclass
class RenewalDraft:
    """The invoice of one subscription's next period, before it is stored."""

    subscription: Subscription
    period: Period
    lines: list[PricedLine]
    usage_ids: list[int] = field(default_factory=list)
    discounted: DiscountRedemption | None = None

    @property
    def net(self) -> Decimal:
        return total(self.lines)


def price_next_period(
    subscription: Subscription,
    period: Period,
    cache: TermsCache,
    *,
    redemption: DiscountRedemption | None,
    usage: list[tuple[list[int], UsageCharge]],
) -> RenewalDraft:
    """The lines of the next period's invoice: price x quantity (prorated when partial), the setup fee if not
    yet charged, the closed period's usage, then the discount (§4); credit is applied once Saleor has put
    its taxes on the order."""
    terms = cache.terms(subscription.plan_version, unit_price(subscription))
    discount = discount_for_period(redemption)
    lines = price_period(
        terms,
        period,
        quantity=subscription.quantity,
        include_setup_fee=not subscription.setup_fee_billed,
        discount=discount,
        usage=[charge for _, charge in usage],
    )
    return RenewalDraft(
        subscription=subscription,
        period=period,
        lines=lines,
        usage_ids=[pk for pks, _ in usage for pk in pks],
        discounted=redemption if discount is not None else None,
    )


def advance(subscription: Subscription, period: Period) -> None:
    """Make `period` current and set when the renewal after it runs (does not save)."""
    set_period(subscription, period)
    subscription.next_billing_at = renewal_at(subscription, period.end)
    if not period.is_partial:
        subscription.cycles_billed += 1
    subscription.setup_fee_billed = True


def _pass_period(subscription: Subscription, period: Period, kind: str, now: datetime, reason: str) -> None:
    before = subscription.status
    set_period(subscription, period)
    subscription.next_billing_at = renewal_at(subscription, period.end)
    subscription.save()
    record_event(
        subscription,
        kind,
        actor=Actor.SYSTEM,
        actor_id="",
        from_status=before,
        at=now,
        reason=reason,
        data={"period_start": period.start, "period_end": period.end},
    )


def settle_boundary(subscription: Subscription, now: datetime) -> Period | None:
    """Everything but billing that happens at the boundary; the period to bill, or None when nothing is billed
    (cancelled, expired, paused, skipped). Runs inside the batch's transaction with the row locked."""
    if subscription.current_period_index == TRIAL_INDEX:
        return next_period(subscription)
    boundary = subscription.current_period_end
    if (
        subscription.cancel_at_period_end
        and subscription.cancel_at is not None
        and subscription.cancel_at <= boundary
    ):
        lifecycle.finish_cancellation(subscription, actor=Actor.SYSTEM)
        return None
    version = subscription.plan_version
    if version.billing_cycles is not None and subscription.cycles_billed >= version.billing_cycles:
        lifecycle.expire_subscription(subscription, actor=Actor.SYSTEM)
        return None
    _apply_pending_changes(subscription, boundary, now)
    period = next_period(subscription)
    if subscription.state is SubscriptionStatus.PAUSED:
        remaining = subscription.pause_periods_remaining
        if remaining is None or remaining > 0:
            if remaining is not None:
                subscription.pause_periods_remaining = remaining - 1
            _pass_period(subscription, period, "period_paused", now, "paused: this period is not billed")
            return None
        lifecycle.resume_subscription(subscription, actor=Actor.SYSTEM)
        subscription.refresh_from_db()
    if period.index + subscription.calendar_index_offset in subscription.skip_periods:
        _pass_period(subscription, period, "period_skipped", now, "the customer skipped this period")
        return None
    return period


def _apply_pending_changes(subscription: Subscription, boundary: date, now: datetime) -> None:
    """A downgrade or seat decrease asked for earlier takes effect at this boundary (§7)."""
    new_version = subscription.pending_plan_version
    if (
        subscription.pending_plan_version_from is not None
        and boundary < subscription.pending_plan_version_from
    ):
        new_version = None  # a price change announced for a later boundary waits
    new_quantity = subscription.pending_quantity
    if new_version is None and new_quantity is None:
        return
    old_version, old_quantity = subscription.plan_version, subscription.quantity
    if new_version is not None:
        if not same_calendar_terms(old_version, new_version):
            # Another interval or anchor starts a new calendar on the boundary: its period 0 is the next one
            # to bill, numbered after the current period so no invoice's period number is used twice.
            subscription.calendar_index_offset = subscription.current_period_index + 1
            subscription.calendar_start = boundary
        subscription.plan_version = new_version
        subscription.unit_price = None
        subscription.pending_plan_version = None
        subscription.pending_plan_version_from = None
    if new_quantity is not None:
        subscription.quantity = new_quantity
    subscription.pending_quantity = None
    subscription.save()
    record_event(
        subscription,
        "pending_change_applied",
        actor=Actor.SYSTEM,
        actor_id="",
        from_status=subscription.status,
        at=now,
        reason="a change asked for earlier takes effect",
        data={
            "plan_version": [old_version.pk, subscription.plan_version_id],
            "quantity": [old_quantity, subscription.quantity],
            "effective_on": boundary,
        },
    )
