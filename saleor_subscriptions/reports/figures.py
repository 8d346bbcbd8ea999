"""The report's figures that are not MRR: failed-payment recovery, upcoming and collected revenue, and the
events by date. Each is one set-based statement, run only when the report's field is asked for."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db import connection

from saleor_subscriptions.reports.periods import Scope
from saleor_subscriptions.reports.tables import MRR_STATES, sql

FAILED_ATTEMPTS = ("declined", "failed", "requires_action", "amount_refused")
UPCOMING_DAYS = (30, 60, 90)

_SUBSCRIPTIONS_IN_SCOPE = """
    s.installation_id = %(installation)s AND s.currency = %(currency)s
    AND (%(channel)s::varchar IS NULL OR s.channel_slug = %(channel)s)
"""

_RECOVERY = (
    """
WITH failed AS (
    SELECT a.invoice_id, min(a.created_at) AS first_failed
    FROM {attempt} a
    WHERE a.installation_id = %(installation)s AND a.currency = %(currency)s
      AND a.status IN ('declined', 'failed', 'requires_action', 'amount_refused')
    GROUP BY a.invoice_id
)
SELECT width_bucket((failed.first_failed AT TIME ZONE %(zone)s)::date, %(starts)s::date[]),
       count(*), count(*) FILTER (WHERE i.status = 'paid'),
       coalesce(sum(i.amount_due), 0), coalesce(sum(i.amount_paid) FILTER (WHERE i.status = 'paid'), 0)
FROM failed
JOIN {invoice} i ON i.id = failed.invoice_id
JOIN {subscription} s ON s.id = i.subscription_id
WHERE """
    + _SUBSCRIPTIONS_IN_SCOPE
    + """
  AND (failed.first_failed AT TIME ZONE %(zone)s)::date BETWEEN %(start)s AND %(end)s
GROUP BY 1
"""
)

_OPEN_INVOICES = (
    """
SELECT array[
    coalesce(sum(i.amount_due) FILTER (WHERE i.due_at < %(now)s + make_interval(days => 30)), 0),
    coalesce(sum(i.amount_due) FILTER (WHERE i.due_at < %(now)s + make_interval(days => 60)), 0),
    coalesce(sum(i.amount_due) FILTER (WHERE i.due_at < %(now)s + make_interval(days => 90)), 0)]
FROM {invoice} i JOIN {subscription} s ON s.id = i.subscription_id
WHERE i.status = 'open' AND """
    + _SUBSCRIPTIONS_IN_SCOPE
)

_RENEWALS = (
    """
WITH live AS (
    SELECT s.id, s.next_billing_at, s.cancel_at, s.time_zone,
           make_interval(years => CASE v.interval WHEN 'year' THEN v.interval_count ELSE 0 END,
                         months => CASE v.interval WHEN 'month' THEN v.interval_count ELSE 0 END,
                         weeks => CASE v.interval WHEN 'week' THEN v.interval_count ELSE 0 END,
                         days => CASE v.interval WHEN 'day' THEN v.interval_count ELSE 0 END) AS step,
           (SELECT c.period_value FROM {change} c WHERE c.subscription_id = s.id ORDER BY c.day DESC LIMIT 1)
               AS value
    FROM {subscription} s JOIN {version} v ON v.id = s.plan_version_id
    WHERE """
    + _SUBSCRIPTIONS_IN_SCOPE
    + """
      AND s.status = ANY(%(mrr_states)s) AND s.next_billing_at IS NOT NULL
      AND s.next_billing_at < %(now)s + make_interval(days => 90)
),
renewals AS (
    SELECT live.value, live.next_billing_at + k * live.step AS due
    FROM live, generate_series(0, 90) AS k
    WHERE live.next_billing_at + k * live.step < %(now)s + make_interval(days => 90)
      AND (live.cancel_at IS NULL
           OR ((live.next_billing_at + k * live.step) AT TIME ZONE live.time_zone)::date < live.cancel_at)
)
SELECT coalesce(sum(value) FILTER (WHERE due < %(now)s + make_interval(days => 30)), 0),
       coalesce(sum(value) FILTER (WHERE due < %(now)s + make_interval(days => 60)), 0),
       coalesce(sum(value), 0)
FROM renewals
"""
)

_REVENUE = (
    """
SELECT p.id, p.name, p.product_id, count(*), sum(i.amount_paid)
FROM {invoice} i
JOIN {subscription} s ON s.id = i.subscription_id
JOIN {version} v ON v.id = s.plan_version_id
JOIN {plan} p ON p.id = v.plan_id
WHERE i.installation_id = %(installation)s AND i.status = 'paid' AND i.currency = %(currency)s
  AND i.paid_at >= %(from_instant)s AND i.paid_at < %(to_instant)s AND """
    + _SUBSCRIPTIONS_IN_SCOPE
    + """
GROUP BY p.id, p.name, p.product_id ORDER BY sum(i.amount_paid) DESC, p.id
"""
)

_EVENTS = (
    """
SELECT width_bucket((e.at AT TIME ZONE %(zone)s)::date, %(starts)s::date[]), e.kind, count(*)
FROM {event} e JOIN {subscription} s ON s.id = e.subscription_id
WHERE e.installation_id = %(installation)s AND e.at >= %(from_instant)s AND e.at < %(to_instant)s AND """
    + _SUBSCRIPTIONS_IN_SCOPE
    + """
GROUP BY 1, 2 ORDER BY 1, 2
"""
)


@dataclass(frozen=True)
class Recovery:
    bucket: int
    failed_invoices: int
    recovered_invoices: int
    failed_amount: Decimal
    recovered_amount: Decimal


@dataclass(frozen=True)
class Upcoming:
    days: int
    open_invoices: Decimal
    renewals: Decimal

    @property
    def total(self) -> Decimal:
        return self.open_invoices + self.renewals


@dataclass(frozen=True)
class PlanRevenue:
    plan_id: int
    plan_name: str
    product_id: str
    invoices: int
    amount: Decimal


@dataclass(frozen=True)
class EventCount:
    bucket: int
    kind: str
    count: int


def _params(scope: Scope, zone: str, **more: Any) -> dict[str, Any]:
    return {
        "installation": scope.installation_id,
        "currency": scope.currency,
        "channel": scope.channel,
        "start": scope.start,
        "end": scope.end,
        "starts": [bucket.start for bucket in scope.buckets],
        "zone": zone,
        "mrr_states": list(MRR_STATES),
        **more,
    }


def _rows(query: str, params: dict[str, Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql(query), params)
        return list(cursor.fetchall())


def recovery(scope: Scope, zone: str) -> list[Recovery]:
    """Per bucket: invoices whose first failed charge fell in it, and how many of them were paid since."""
    return [
        Recovery(int(b), int(failed), int(recovered), Decimal(due), Decimal(paid))
        for b, failed, recovered, due, paid in _rows(_RECOVERY, _params(scope, zone))
    ]


def upcoming(scope: Scope, zone: str, now: datetime) -> list[Upcoming]:
    """What is expected within 30, 60 and 90 days of `now`: open invoices falling due, and renewals."""
    params = _params(scope, zone, now=now)
    ((owed,),) = _rows(_OPEN_INVOICES, params)
    ((within_30, within_60, within_90),) = _rows(_RENEWALS, params)
    renewals = (within_30, within_60, within_90)
    return [
        Upcoming(days, Decimal(open_amount), Decimal(renewal))
        for days, open_amount, renewal in zip(UPCOMING_DAYS, owed, renewals, strict=True)
    ]


def _instants(scope: Scope, zone: str) -> tuple[datetime, datetime]:
    tz = ZoneInfo(zone)
    start = datetime(scope.start.year, scope.start.month, scope.start.day, tzinfo=tz)
    after = scope.end + timedelta(days=1)
    return start, datetime(after.year, after.month, after.day, tzinfo=tz)


def revenue_by_plan(scope: Scope, zone: str) -> list[PlanRevenue]:
    """What the invoices paid in the range collected, per plan (largest first)."""
    start, end = _instants(scope, zone)
    rows = _rows(_REVENUE, _params(scope, zone, from_instant=start, to_instant=end))
    return [
        PlanRevenue(int(pk), str(name), str(product), int(n), Decimal(amount))
        for pk, name, product, n, amount in rows
    ]


def events_by_bucket(scope: Scope, zone: str) -> list[EventCount]:
    """How many events of each kind happened in each bucket."""
    start, end = _instants(scope, zone)
    rows = _rows(_EVENTS, _params(scope, zone, from_instant=start, to_instant=end))
    return [EventCount(int(b), str(kind), int(n)) for b, kind, n in rows]
