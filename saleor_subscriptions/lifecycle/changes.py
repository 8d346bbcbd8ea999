"""Changes to a running subscription: switch plan and change quantity (BILLING_RULES §7, §8).

More per period (an upgrade, more seats) is charged now for the rest of the period, pro rata by calendar
days (§2), on an open change invoice; less per period takes effect at the end of the period, or (a downgrade
asked for now) returns the unused difference as a credit note. During a trial nothing has been paid for a
period, so every change applies at once and costs nothing now.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from saleor_subscriptions.billing.bounds import max_charge
from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.change_lines import proration_lines_for_change, switch_lines_against_paid
from saleor_subscriptions.billing.pricing import (
    PricedLine,
    discount_lines,
    price_period,
    total,
)
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.change_invoices import open_change_invoice
from saleor_subscriptions.invoicing.credits import CreditReason, issue_credit_note
from saleor_subscriptions.lifecycle.discounts import as_discount, redeem, usable_code
from saleor_subscriptions.lifecycle.pricing import period_amount, unused_paid
from saleor_subscriptions.lifecycle.signup import check_quantity, check_version_for_sale
from saleor_subscriptions.lifecycle.transition import Moment, SubscriptionRef, refuse, transition_step
from saleor_subscriptions.subscriptions.calendar import (
    calendar_of,
    current_period,
    due_at,
    in_trial,
    local_today,
    same_calendar_terms,
    subscription_calendar,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

Timing = Literal["now", "period_end"]
Direction = Literal["upgrade", "downgrade", "across"]


@dataclass(frozen=True)
class SwitchPreview:
    """What a switch would do, as the customer sees it before confirming (§7): the lines charged now (an
    upgrade, with its discount) or the credit returned now (a downgrade now), and the lines of the first full
    period on the new plan."""

    from_version_id: int
    to_version_id: int
    direction: Direction
    timing: Timing
    effective_on: date
    lines: tuple[PricedLine, ...]
    amount_due_now: Decimal
    credit_now: Decimal
    next_period_lines: tuple[PricedLine, ...]
    next_period_total: Decimal
    discount_code: str | None = None


def _check_switch_target(sub: Subscription, version: PlanVersion) -> None:
    if version.pk == sub.plan_version_id:
        raise refuse(
            LifecycleErrorCode.SAME_PLAN_VERSION, "the subscription is on this plan already", "plan_version"
        )
    check_version_for_sale(sub.installation, version, sub.channel_slug)
    if version.plan.currency != sub.currency:
        raise refuse(LifecycleErrorCode.CURRENCY_MISMATCH, "this plan is in another currency", "plan_version")


def _same_calendar(sub: Subscription, version: PlanVersion) -> bool:
    """Whether `version` renews on the subscription's calendar (§2): the same interval and the same anchor
    (mode, day of month, short-month rule). Anything else reads `calendar_start` differently, so a switch to
    it starts a new calendar at the period end, like a switch to another interval."""
    return same_calendar_terms(sub.plan_version, version)


def _choose_timing(
    sub: Subscription, version: PlanVersion, direction: Direction, timing: Timing | None
) -> Timing:
    if timing not in (None, "now", "period_end"):
        raise refuse(LifecycleErrorCode.INVALID_TIMING, f"unknown timing {timing!r}", "timing")
    if in_trial(sub):
        return "now"  # nothing paid for a period yet: the trial simply continues on the new plan
    if not _same_calendar(sub, version):
        # Another interval or anchor starts a new calendar, where the paid period ends.
        if timing == "now":
            raise refuse(
                LifecycleErrorCode.INVALID_TIMING,
                "a switch to another interval or renewal day starts at the period end",
                "timing",
            )
        return "period_end"
    return timing or ("now" if direction == "upgrade" else "period_end")


def _first_period_on(sub: Subscription, version: PlanVersion) -> Period:
    """The first full period billed on `version`: the first after the trial, or after the current period."""
    if in_trial(sub):
        return subscription_calendar(sub, version).period(0)
    if not _same_calendar(sub, version):
        return calendar_of(version, sub.current_period_end).period(0)
    index = sub.current_period_index - sub.calendar_index_offset + 1
    return subscription_calendar(sub, version).period(index)


def _switch_figures(
    sub: Subscription, version: PlanVersion, on: date, timing: Timing | None, code: DiscountCode | None
) -> SwitchPreview:
    """The figures of a switch on day `on` (§7, §8).

    The direction compares the list amounts of a full period (price x quantity) of the two versions. A
    switch now settles the rest of the current period against what it actually cost: the new version's
    list amount for the days from `on` to the period end (`on` included), less the unused part of what was
    charged for the period on the old version after its discounts (`unused_paid`: the period's invoices,
    the sign-up's included; nothing when none charged it). An upgrade charges that difference (then
    discounted by a code given with the switch); a downgrade credits it, so the credit is never more than
    the unused part of what was paid. An upgrade whose difference is not positive charges nothing, and a
    downgrade whose difference is not negative credits nothing (possible when the old period was discounted
    below the new list price): a switch never turns into the opposite kind of money movement. A discount
    the subscription already carries is applied by the renewals, not to this difference.
    """
    _check_switch_target(sub, version)
    old, new = period_amount(sub), period_amount(sub, version)
    direction: Direction = "upgrade" if new > old else "downgrade" if new < old else "across"
    chosen = _choose_timing(sub, version, direction, timing)
    discount = as_discount(code) if code is not None else None
    lines: list[PricedLine] = []
    if chosen == "now" and not in_trial(sub) and direction != "across":
        period = current_period(sub)
        lines = switch_lines_against_paid(unused_paid(sub, period, on), new, period, on, sub.currency)
        if total(lines) * (1 if direction == "upgrade" else -1) <= 0:
            lines = []  # an upgrade never returns money, a downgrade never charges (see `_switch_figures`)
        if discount is not None and total(lines) > 0:
            lines += discount_lines(discount, lines, sub.currency)
    net = total(lines)
    terms = version.terms()
    # A code used once is spent on the invoice made now, if there is one.
    spent = code is not None and code.duration == DiscountCode.Duration.ONCE and net > 0
    next_lines = price_period(
        terms, _first_period_on(sub, version), quantity=sub.quantity, discount=None if spent else discount
    )
    return SwitchPreview(
        from_version_id=sub.plan_version_id,
        to_version_id=version.pk,
        direction=direction,
        timing=chosen,
        effective_on=on if chosen == "now" else sub.current_period_end,
        lines=tuple(lines),
        amount_due_now=max(net, Decimal(0)),
        credit_now=max(-net, Decimal(0)),
        next_period_lines=tuple(next_lines),
        next_period_total=total(next_lines),
        discount_code=code.code if code is not None else None,
    )


def preview_switch(
    subscription: SubscriptionRef,
    new_version: PlanVersion,
    *,
    on: date | None = None,
    timing: Timing | None = None,
    discount_code: str | None = None,
) -> SwitchPreview:
    """The exact lines a switch to `new_version` would charge or credit, and the first full period on it,
    without changing anything (§7)."""
    sub = (
        subscription if isinstance(subscription, Subscription) else Subscription.objects.get(pk=subscription)
    )
    now = sub.installation.now()
    code = usable_code(sub, new_version, discount_code, now) if discount_code else None
    return _switch_figures(sub, new_version, on or local_today(sub, now), timing, code)


def switch_plan(
    subscription: SubscriptionRef,
    new_version: PlanVersion,
    *,
    actor: Actor,
    actor_id: str = "",
    timing: Timing | None = None,
    discount_code: str | None = None,
    reason: str = "",
) -> Subscription:
    """Switch to another version (§7): an upgrade now, charging the pro-rata difference on an open change
    invoice; a downgrade at the period end (`pending_plan_version`), or now with the unused difference as a
    credit note (§8). `timing` None: now for an upgrade, at the period end otherwise."""
    with transition_step(
        subscription, Transition.SWITCH_PLAN, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub, moment = step.subscription, step.moment
        step.allow()
        code = usable_code(sub, new_version, discount_code, moment.now) if discount_code else None
        preview = _switch_figures(sub, new_version, moment.today, timing, code)
        if code is not None:
            redeem(sub, code, moment.now)
        step.data = {
            "from_version": preview.from_version_id,
            "to_version": preview.to_version_id,
            "direction": preview.direction,
            "timing": preview.timing,
            "effective_on": preview.effective_on,
            "discount_code": preview.discount_code,
        }
        if preview.timing == "now":
            step.data.update(
                _charge_or_credit(sub, preview.lines, preview.amount_due_now, preview.credit_now, moment)
            )
            sub.plan_version = new_version
            sub.unit_price = None  # an admin's price belonged to the old plan
            sub.pending_plan_version = None
        else:
            sub.pending_plan_version = new_version
        sub.pending_plan_version_from = None  # a switch replaces a scheduled price change
    return sub


def _charge_or_credit(
    sub: Subscription, lines: Sequence[PricedLine], due: Decimal, credit: Decimal, moment: Moment
) -> dict[str, object]:
    """Open the change invoice of what is due now, or issue the credit note of what is returned now (§8)."""
    today = moment.today
    if due > 0:
        invoice = open_change_invoice(
            sub,
            [line for line in lines if line.amount != 0],
            period_start=today,
            period_end=sub.current_period_end,
            due_at=min(moment.now, due_at(sub, today)),
        )
        return {"amount_due_now": due, "invoice": invoice.number}
    if credit > 0:
        unused = CreditReason("unused_difference", today, sub.current_period_end)
        note = issue_credit_note(sub, credit, reason=unused)
        return {"credit_now": credit, "credit_note": note.number}
    return {}


def change_quantity(
    subscription: SubscriptionRef, quantity: int, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """Change the number of units (seats) (§7): an increase now, charged pro rata for the rest of the period
    on an open change invoice; a decrease at the period end (`pending_quantity`). Asking for the current
    quantity withdraws a pending decrease."""
    check_quantity(quantity)
    with transition_step(
        subscription, Transition.CHANGE_QUANTITY, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub, moment = step.subscription, step.moment
        step.allow()
        old = sub.quantity
        data: dict[str, object] = {"from_quantity": old, "to_quantity": quantity}
        step.data = data
        most = max_charge(sub.currency)
        if sub.plan_version.price is not None and period_amount(sub, quantity=quantity) > most:
            message = f"a period of {quantity:,} units costs more than one charge can be ({most})"
            raise refuse(LifecycleErrorCode.INVALID_QUANTITY, message, "quantity")
        if quantity == old:
            if sub.pending_quantity is None:
                raise refuse(LifecycleErrorCode.SAME_QUANTITY, "the quantity is already this", "quantity")
            data["withdrawn_pending_quantity"] = sub.pending_quantity
            sub.pending_quantity = None
        elif in_trial(sub):
            sub.quantity = quantity
            sub.pending_quantity = None
            data["timing"] = "now"
        elif quantity > old:
            lines = proration_lines_for_change(
                period_amount(sub),
                period_amount(sub, quantity=quantity),
                current_period(sub),
                moment.today,
                sub.currency,
            )
            data.update(_charge_or_credit(sub, lines, total(lines), Decimal(0), moment))
            sub.quantity = quantity
            sub.pending_quantity = None
            data["timing"] = "now"
        else:
            sub.pending_quantity = quantity
            data["timing"] = "period_end"
            data["effective_on"] = sub.current_period_end
    return sub
