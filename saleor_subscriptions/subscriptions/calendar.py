"""Where a subscription row stands on its billing calendar (BILLING_RULES §2).

The calendar of a subscription starts at `calendar_start` with its plan version's interval and anchor; its
period k is numbered `calendar_index_offset + k` on the subscription and its invoices, so that a calendar
started again (a reactivation, a switch to another interval) never reuses an invoice's period number. A
trial is period -1 of the first calendar.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from saleor_subscriptions.billing.calendar import AnchorMode, BillingCalendar, Period
from saleor_subscriptions.billing.clock import due_instant, local_date
from saleor_subscriptions.billing.states import minimum_term_end
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.subscriptions.models import Subscription

TRIAL_INDEX = -1


def zone(subscription: Subscription) -> ZoneInfo:
    """The time zone the subscription's dates are in (the installation's when it was made, §2)."""
    return ZoneInfo(subscription.time_zone)


def local_today(subscription: Subscription, now: datetime) -> date:
    """The calendar date of `now` where the subscription is billed (§2: dates are local)."""
    return local_date(now, zone(subscription))


def due_at(subscription: Subscription, day: date) -> datetime:
    """The UTC instant a charge falling on local `day` is due: the installation's due hour that day (§2)."""
    return due_instant(day, zone(subscription), subscription.installation.due_hour)


def invoice_lead_days(version: PlanVersion) -> int:
    """How many days before its due date a renewal invoice is made: exactly the plan's `invoice_lead_days`,
    0 being the due date itself (§1). The upcoming-renewal email is another term (`renewal_reminder_days`)."""
    return int(version.invoice_lead_days)


def renewal_at(subscription: Subscription, day: date) -> datetime:
    """When the renewal for a period starting on local `day` runs: its invoice is made (and the customer told
    of it) `invoice_lead_days` before the due date, at the installation's due hour; it is charged on the due
    date itself (§1, §2)."""
    lead = timedelta(days=invoice_lead_days(subscription.plan_version))
    return due_at(subscription, day - lead)


def calendar_of(version: PlanVersion, start: date) -> BillingCalendar:
    """The calendar of `version`'s terms starting at `start` (§2), counted from `start` itself: a new
    calendar (no trial before it). A subscription's own calendar is `billing_calendar` (or
    `subscription_calendar` for another version), which also knows the trial's origin."""
    # Only the interval and anchor: building the version's full terms (prices, currency) is not needed here.
    return BillingCalendar(version.billing_interval(), version.billing_anchor(), start)


def subscription_calendar(subscription: Subscription, version: PlanVersion) -> BillingCalendar:
    """The subscription's calendar under `version`'s terms, from `calendar_start` (§2). The first calendar
    after a trial of N intervals keeps counting from the purchase date (`trial_start`, offset N: see
    `BillingCalendar.origin`), so a trial ending on a clamped day does not move the later renewals; a
    calendar started again (reactivation, another interval) counts from its own start."""
    calendar = calendar_of(version, subscription.calendar_start)
    trial_start, intervals = subscription.trial_start, version.trial_intervals
    if (
        trial_start is None
        or not intervals
        or subscription.calendar_index_offset != 0
        or subscription.trial_end != subscription.calendar_start
        or calendar.interval.after(trial_start, intervals) != subscription.calendar_start
    ):
        return calendar
    return replace(calendar, origin=trial_start, origin_offset=intervals)


def _calendar_key(version: PlanVersion) -> tuple[object, ...]:
    """What decides how a version reads `calendar_start` (§2): the interval and, for monthly and yearly
    plans, the anchor (a day-of-month anchor ignores the short-month rule; daily and weekly plans ignore
    the anchor altogether)."""
    terms = version.terms(channel_price=Decimal(0))
    key: tuple[object, ...] = (terms.interval,)
    if not terms.interval.is_calendar_months:
        return key
    if terms.anchor.mode is AnchorMode.DAY_OF_MONTH:
        return (*key, terms.anchor.mode, terms.anchor.day)
    return (*key, terms.anchor.mode, terms.anchor.short_month_rule)


def same_calendar_terms(old: PlanVersion, new: PlanVersion) -> bool:
    """Whether a subscription moving from `old` to `new` keeps its calendar (§2): the same interval and, for
    monthly and yearly plans, the same anchor (mode, day of month, short-month rule). Otherwise `new` would
    read `calendar_start` differently, so the move starts a new calendar at a period boundary."""
    return _calendar_key(old) == _calendar_key(new)


def billing_calendar(subscription: Subscription) -> BillingCalendar:
    """The subscription's current calendar: its plan version's interval and anchor from `calendar_start`,
    counted from the purchase date after a trial of intervals (`subscription_calendar`)."""
    return subscription_calendar(subscription, subscription.plan_version)


def in_trial(subscription: Subscription) -> bool:
    """Whether the subscription is in its trial (period -1), paid for or not yet."""
    return subscription.current_period_index == TRIAL_INDEX and subscription.trial_end is not None


def current_period(subscription: Subscription) -> Period:
    """The period the subscription is in, as the calendar computes it (the trial has no calendar period).

    A bridged period is the exception: after staff moved the next billing date (`lifecycle.billing_dates`)
    the current period runs from its start to the new date, where the new calendar starts (its period 0 is
    the next one), so it is on no calendar. It is read from the row; its full period, the denominator of a
    later proration in it, is one interval from its start, or the whole bridged period when that is longer
    (a later date)."""
    index = subscription.current_period_index - subscription.calendar_index_offset
    if index == -1 and not in_trial(subscription):
        start, end = subscription.current_period_start, subscription.current_period_end
        full_end = max(end, subscription.plan_version.billing_interval().after(start, 1))
        return Period(index, start, end, start, full_end)
    return billing_calendar(subscription).period(index)


def set_period(subscription: Subscription, period: Period) -> None:
    """Make `period` of the subscription's calendar its current one (does not save)."""
    subscription.current_period_index = subscription.calendar_index_offset + period.index
    subscription.current_period_start = period.start
    subscription.current_period_end = period.end


def restart_index(subscription: Subscription) -> int:
    """The period number a calendar started again gets for its period 0: the one after the current period."""
    return max(subscription.current_period_index + 1, 0)


def reactivation_period(subscription: Subscription, today: date) -> tuple[int, Period]:
    """The period number and days of the period a reactivation on `today` starts (§7), for its invoice."""
    return restart_index(subscription), calendar_of(subscription.plan_version, today).period(0)


def restart_calendar(subscription: Subscription, version: PlanVersion, start: date) -> Period:
    """Start a new calendar at `start` (a reactivation or a switch of interval): its period 0 gets the next
    period number, and becomes the current period (does not save)."""
    subscription.calendar_index_offset = restart_index(subscription)
    subscription.calendar_start = start
    period = calendar_of(version, start).period(0)
    set_period(subscription, period)
    return period


def period_end_containing(subscription: Subscription, day: date) -> date:
    """The (exclusive) end of the period that contains `day`; a day of the trial ends with the trial."""
    if day < subscription.calendar_start:  # a day of the trial, or of a bridged period (`current_period`)
        return subscription.calendar_start
    return billing_calendar(subscription).period_containing(day).end


def minimum_term_end_of(subscription: Subscription) -> date | None:
    """The first day after the plan's minimum term, counted in full periods of the subscription's current
    calendar (§1); None without a minimum term.

    Decision: a calendar started again is a new contract with its own minimum term. A reactivation (§7)
    restarts it from the reactivation day, and a switch to another interval or anchor from the boundary where
    the new plan's calendar starts; the current version's `minimum_cycles` applies."""
    cycles = subscription.plan_version.minimum_cycles
    calendar = billing_calendar(subscription)
    return minimum_term_end(cycles, lambda k: calendar.period(k).end, calendar.first_full_index)
