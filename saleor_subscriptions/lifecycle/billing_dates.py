"""Staff move a subscription's next billing date (BILLING_RULES §2, §7 "an admin may also change the next
billing date (prorating)", §8).

The new date D re-anchors the schedule: the current period now ends on D, a new calendar starts there (its
period 0 gets the next period number, so no invoice's number is used twice) and the renewal for D runs when
any renewal would (the plan's `invoice_lead_days` before, at the due hour). The bridge between the current
period's end E and D is settled now (`billing.date_moves`):

- D later than E: the days [E, D) are charged pro rata against the full period ending on D, on an open
  change invoice charged off-session like an upgrade (D at most one interval after E);
- D earlier than E: the paid days [D, E) come back as a credit note of their share of what the period's
  invoices charged (§8).

Refused, with a code: anything but an active subscription (the table: a trial, a pause, an unpaid period,
an ended one), staff only; a fixed term or a minimum term (both count periods on the schedule); a pending
cancellation (its date is the old period end); a renewal invoice already made ahead for a period that has
not started (moving the date would bill that period twice or leave it billed for the wrong days: wait until
it starts); an open invoice (a credit or a bridge against unpaid days); D not after today, equal to E, more
than one interval after E, or a day the plan's anchor would not renew on (a day-of-month anchor, or the
29th-31st under `first_of_next_month`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.date_moves import bridge_period, latest_billing_date, unused_days_line
from saleor_subscriptions.billing.pricing import PricedLine, plan_line, total
from saleor_subscriptions.billing.states import Actor, Transition
from saleor_subscriptions.invoicing.change_invoices import open_change_invoice
from saleor_subscriptions.invoicing.credits import issue_credit_note
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.pricing import unit_price, unused_paid
from saleor_subscriptions.lifecycle.transition import (
    SubscriptionRef,
    allowed,
    moment_of,
    refuse,
    transition_step,
)
from saleor_subscriptions.subscriptions.calendar import (
    calendar_of,
    current_period,
    due_at,
    renewal_at,
)
from saleor_subscriptions.subscriptions.errors import LifecycleErrorCode
from saleor_subscriptions.subscriptions.models import Subscription

Direction = Literal["later", "earlier"]


@dataclass(frozen=True)
class BillingDateChange:
    """What moving the next billing date does: the bridge's lines (charged or credited now) and the first
    period of the new schedule, billed on the new date."""

    from_date: date
    to_date: date
    direction: Direction
    lines: tuple[PricedLine, ...]
    amount_due_now: Decimal
    credit_now: Decimal
    next_period: Period


def _check(sub: Subscription, new_date: date, today: date) -> None:
    version = sub.plan_version
    if version.billing_cycles is not None:
        message = f"a fixed term of {version.billing_cycles} periods runs on its schedule; it is not moved"
        raise refuse(LifecycleErrorCode.FIXED_TERM, message)
    if version.minimum_cycles:
        message = f"a minimum term of {version.minimum_cycles} periods counts on its schedule: not moved"
        raise refuse(LifecycleErrorCode.MINIMUM_TERM, message)
    if sub.cancel_at_period_end:
        message = f"a cancellation takes effect on {sub.cancel_at}: undo it first"
        raise refuse(LifecycleErrorCode.CANCELLATION_PENDING, message)
    if sub.current_period_start > today:
        message = (
            f"the renewal invoice for the period from {sub.current_period_start} is made already; the date "
            "can be moved once that period has started"
        )
        raise refuse(LifecycleErrorCode.RENEWAL_ALREADY_INVOICED, message)
    unpaid = (
        Invoice.objects.filter(subscription_id=sub.pk, status=Invoice.Status.OPEN)
        .values_list("number", flat=True)
        .first()
    )
    if unpaid is not None:
        message = f"invoice {unpaid} is open: it is paid or voided before the date moves"
        raise refuse(LifecycleErrorCode.OPEN_INVOICE, message)
    if new_date <= today:
        message = f"the next billing date is a day after today ({today}), not {new_date}"
        raise refuse(LifecycleErrorCode.BILLING_DATE_NOT_IN_FUTURE, message, "next_billing_date")
    if new_date == sub.current_period_end:
        message = f"the next billing date is {new_date} already"
        raise refuse(LifecycleErrorCode.SAME_BILLING_DATE, message, "next_billing_date")
    latest = latest_billing_date(sub.current_period_end, version.billing_interval())
    if new_date > latest:
        message = f"at most one period after the current period's end: {latest} at the latest"
        raise refuse(LifecycleErrorCode.BILLING_DATE_TOO_FAR, message, "next_billing_date")
    if calendar_of(version, new_date).starts_with_partial_period:
        message = f"this plan renews on another day of the month than {new_date.day}"
        raise refuse(LifecycleErrorCode.BILLING_DATE_OFF_ANCHOR, message, "next_billing_date")


def _figures(sub: Subscription, new_date: date, today: date) -> BillingDateChange:
    _check(sub, new_date, today)
    end = sub.current_period_end
    lines: list[PricedLine] = []
    if new_date > end:
        direction: Direction = "later"
        bridge = bridge_period(-1, end, new_date, sub.plan_version.billing_interval())
        terms = sub.plan_version.terms(channel_price=unit_price(sub))
        line = plan_line(terms, bridge, sub.quantity)
        lines = [line] if line.amount > 0 else []
    else:
        direction = "earlier"
        period = current_period(sub)
        lines = unused_days_line(
            unused_paid(sub, period, new_date), new_date, sub.current_period_start, end, sub.currency
        )
    net = total(lines)
    return BillingDateChange(
        from_date=end,
        to_date=new_date,
        direction=direction,
        lines=tuple(lines),
        amount_due_now=max(net, Decimal(0)),
        credit_now=max(-net, Decimal(0)),
        next_period=calendar_of(sub.plan_version, new_date).period(0),
    )


def preview_billing_date_change(
    subscription: SubscriptionRef, new_date: date, *, actor: Actor = Actor.STAFF
) -> BillingDateChange:
    """What moving the next billing date to `new_date` would charge or credit now, and the first period of
    the new schedule, refused as the change itself would be; changes nothing."""
    sub = (
        subscription if isinstance(subscription, Subscription) else Subscription.objects.get(pk=subscription)
    )
    moment = moment_of(sub)
    allowed(sub, Transition.CHANGE_BILLING_DATE, actor, moment.today)
    return _figures(sub, new_date, moment.today)


def change_billing_date(
    subscription: SubscriptionRef, new_date: date, *, actor: Actor, actor_id: str = "", reason: str = ""
) -> Subscription:
    """Move the next billing date to `new_date` (see the module): the bridge charged on an open change
    invoice or credited on a credit note, the current period ending on `new_date` and the schedule counted
    from it; one `change_billing_date` event naming the staff user, with the figures."""
    with transition_step(
        subscription, Transition.CHANGE_BILLING_DATE, actor=actor, actor_id=actor_id, reason=reason
    ) as step:
        sub, moment = step.subscription, step.moment
        step.allow()
        change = _figures(sub, new_date, moment.today)
        data: dict[str, object] = {
            "from_date": change.from_date,
            "to_date": change.to_date,
            "direction": change.direction,
            "bridge_days": abs((change.to_date - change.from_date).days),
        }
        if change.amount_due_now > 0:
            invoice = open_change_invoice(
                sub,
                change.lines,
                period_start=change.from_date,
                period_end=change.to_date,
                due_at=min(moment.now, due_at(sub, moment.today)),
            )
            data.update(amount_due_now=change.amount_due_now, invoice=invoice.number)
        elif change.credit_now > 0:
            note = issue_credit_note(
                sub,
                change.credit_now,
                reason=f"Billing date moved from {change.from_date} to {change.to_date}: unused days",
            )
            data.update(credit_now=change.credit_now, credit_note=note.number)
        step.data = data
        # The schedule counts from the new date: the current period ends there, the next is period 0 of a
        # calendar starting on it (numbered after the current one).
        sub.calendar_index_offset = sub.current_period_index + 1
        sub.calendar_start = new_date
        sub.current_period_end = new_date
        sub.next_billing_at = renewal_at(sub, new_date)
    return sub
