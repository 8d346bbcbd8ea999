"""Rebuilding the MRR change table (`MrrChange`) from the subscription events and the period invoices.

One statement per refresh, set-based: every status-changing event and every period invoice of the
subscriptions concerned becomes a point on the subscription's local calendar; the state and the last period
invoice are carried forward to the end of each such day; the days on which the MRR or the state differ from
the day before are stored (docs/reports.md "MRR of one subscription").

`refresh` runs every minute for every installation (the Celery beat task `reports.refresh_mrr_changes`,
`reports/tasks.py`), so the first build (tens of seconds for 100,000 subscriptions) and most of the tail are
paid there, and again before every report for the events since: it rebuilds the subscriptions that have an
event newer than the installation's `RefreshMark` (all of them the first time), under a transaction-level
advisory lock so that two refreshes never rebuild the same rows at once. A report does not wait for a refresh
running elsewhere (`wait=False`) once the table was built: it reads the table as that refresh found it.
Only the subscriptions of the events after the mark are rebuilt, unless the `MARGIN` ids behind the mark now
hold more events than when the mark was set (an event whose transaction committed after a later one's was
taken in): then those of the margin's events too, so a late event is seen at the next refresh that finds
something new.
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection, transaction

from saleor_subscriptions.reports.models import RefreshMark
from saleor_subscriptions.reports.tables import MRR_STATES, sql

LOCK_CLASS = 0x5245504F  # "REPO": the advisory lock class of the refresh, keyed by installation
MARGIN = 1000

# Normalising one period's charge to a month (docs/reports.md): value x numerator / denominator.
_MONTHLY_NUMERATOR = "CASE subs.interval WHEN 'week' THEN 52 WHEN 'day' THEN 365 ELSE 1 END"
_MONTHLY_DENOMINATOR = "CASE subs.interval WHEN 'month' THEN 1 ELSE 12 END * subs.interval_count"

_REBUILD = """
WITH subs AS (
    SELECT s.id, s.installation_id, s.currency, s.channel_slug, s.time_zone, v.interval, v.interval_count
    FROM {subscription} s JOIN {version} v ON v.id = s.plan_version_id
    WHERE s.installation_id = %(installation)s AND (%(every)s OR s.id = ANY(%(ids)s))
),
period_invoices AS (
    SELECT i.subscription_id AS sid, i.period_start AS day, i.id AS ord,
           sum(CASE WHEN l.kind IN ('plan', 'proration') THEN l.unit_amount * l.quantity ELSE 0 END) AS listed,
           sum(CASE WHEN l.kind IN ('plan', 'proration') THEN l.amount ELSE 0 END) AS billed,
           sum(CASE WHEN l.kind = 'discount' AND l.target = 'recurring' THEN l.amount ELSE 0 END) AS discount
    FROM {invoice} i
    JOIN subs ON subs.id = i.subscription_id
    JOIN {line} l ON l.invoice_id = i.id
    WHERE i.installation_id = %(installation)s
      AND i.billing_reason IN ('signup', 'renewal') AND i.status NOT IN ('draft', 'void')
    GROUP BY i.id
),
points AS (
    SELECT sid, day, 1 AS src, ord,
           greatest(round(listed + CASE WHEN billed > 0 THEN discount * listed / billed ELSE 0 END, 6), 0)
               AS value,
           NULL::varchar AS status, NULL::varchar AS cause
    FROM period_invoices
    UNION ALL
    SELECT e.subscription_id, (e.at AT TIME ZONE subs.time_zone)::date, 0, e.id, NULL, e.to_status, e.kind
    FROM {event} e JOIN subs ON subs.id = e.subscription_id
    WHERE e.installation_id = %(installation)s AND (e.kind = 'start' OR e.to_status <> e.from_status)
),
carried AS (
    SELECT *, count(value) OVER w AS value_group, count(status) OVER w AS status_group
    FROM points WINDOW w AS (PARTITION BY sid ORDER BY day, src, ord)
),
filled AS (
    SELECT sid, day, src, ord,
           first_value(value) OVER (PARTITION BY sid, value_group ORDER BY day, src, ord) AS value,
           first_value(status) OVER (PARTITION BY sid, status_group ORDER BY day, src, ord) AS status,
           first_value(cause) OVER (PARTITION BY sid, status_group ORDER BY day, src, ord) AS cause
    FROM carried
),
daily AS (
    SELECT DISTINCT ON (sid, day) sid, day, coalesce(value, 0) AS value, coalesce(status, '') AS status,
           coalesce(cause, '') AS cause
    FROM filled ORDER BY sid, day, src DESC, ord DESC
),
state AS (
    SELECT daily.*, subs.installation_id, subs.currency, subs.channel_slug,
           CASE WHEN daily.status = ANY(%(mrr_states)s)
                THEN round(daily.value * ({numerator}) / ({denominator}), 6) ELSE 0 END AS mrr
    FROM daily JOIN subs ON subs.id = daily.sid
),
compared AS (
    SELECT state.*,
           lag(mrr, 1, 0::numeric) OVER w AS mrr_before,
           lag(status, 1, ''::varchar) OVER w AS status_before,
           max(mrr) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS earlier_most
    FROM state WINDOW w AS (PARTITION BY sid ORDER BY day)
)
INSERT INTO {change} (installation_id, subscription_id, currency, channel_slug, day, mrr_before_micros,
                      mrr_after_micros, period_value, status_before, status_after, counted_before, counted_after,
                      cause, first_mrr, previous_day, next_day, month, previous_month, next_month)
SELECT installation_id, sid, currency, channel_slug, day, (mrr_before * 1000000)::bigint, (mrr * 1000000)::bigint,
       value, status_before, status, status_before = ANY(%(mrr_states)s), status = ANY(%(mrr_states)s), cause,
       mrr > 0 AND coalesce(earlier_most, 0) = 0, lag(day) OVER w, lead(day) OVER w, month,
       lag(month) OVER w, lead(month) OVER w
FROM (SELECT *, (extract(year FROM day) * 12 + extract(month FROM day) - 1)::int AS month FROM compared) AS changed
WHERE mrr <> mrr_before OR status <> status_before
WINDOW w AS (PARTITION BY sid ORDER BY day)
"""


def _rebuild(installation_id: int, subscription_ids: Sequence[int] | None) -> None:
    every = subscription_ids is None
    template = _REBUILD.replace("{numerator}", _MONTHLY_NUMERATOR).replace(
        "{denominator}", _MONTHLY_DENOMINATOR
    )
    with connection.cursor() as cursor:
        if every:
            cursor.execute(sql("DELETE FROM {change} WHERE installation_id = %s"), [installation_id])
        else:
            cursor.execute(
                sql("DELETE FROM {change} WHERE subscription_id = ANY(%s)"), [list(subscription_ids or [])]
            )
        cursor.execute(
            sql(template),
            {
                "installation": installation_id,
                "every": every,
                "ids": list(subscription_ids or []),
                "mrr_states": list(MRR_STATES),
            },
        )


def _margin_events(cursor: Any, installation_id: int, mark: int) -> int:
    """How many of the installation's events have ids in the `MARGIN` ids up to `mark`."""
    cursor.execute(
        sql("SELECT count(*) FROM {event} WHERE installation_id = %s AND id > %s AND id <= %s"),
        [installation_id, max(mark - MARGIN, 0), mark],
    )
    return int(cursor.fetchone()[0])


def built(installation_id: int) -> bool:
    """Whether the installation's MRR change table was built once (by the beat task or a report)."""
    return RefreshMark.objects.filter(installation_id=installation_id, last_event_id__gt=0).exists()


def refresh(installation_id: int, *, full: bool = False, wait: bool = True) -> bool:
    """Bring the installation's MRR change table up to its newest event (all of it with `full`). Without
    `wait`, returns False at once, refreshing nothing, when another refresh holds the installation's lock
    and the table was built already (the caller reads it as that refresh left it); True when it refreshed."""
    with transaction.atomic(), connection.cursor() as cursor:
        if wait:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, installation_id])
        else:
            cursor.execute("SELECT pg_try_advisory_xact_lock(%s, %s)", [LOCK_CLASS, installation_id])
            if not cursor.fetchone()[0]:
                if built(installation_id):
                    return False
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_CLASS, installation_id])
        mark, _ = RefreshMark.objects.select_for_update().get_or_create(installation_id=installation_id)
        cursor.execute(
            sql("SELECT max(id) FROM {event} WHERE installation_id = %s AND id > %s"),
            [installation_id, max(mark.last_event_id - MARGIN, 0)],
        )
        newest = cursor.fetchone()[0]
        if full or (mark.last_event_id == 0 and newest is not None):  # without any event: nothing to build
            _rebuild(installation_id, None)
            if newest is not None:  # the planner's figures for the reports that follow
                cursor.execute(sql("ANALYZE {change}"))
        elif newest is not None and newest > mark.last_event_id:
            late = _margin_events(cursor, installation_id, mark.last_event_id) != mark.margin_events
            cursor.execute(
                sql("SELECT DISTINCT subscription_id FROM {event} WHERE installation_id = %s AND id > %s"),
                [installation_id, max(mark.last_event_id - MARGIN, 0) if late else mark.last_event_id],
            )
            touched = [row[0] for row in cursor.fetchall()]
            _rebuild(installation_id, touched)
        if newest is not None and newest > mark.last_event_id:
            mark.last_event_id = newest
            mark.margin_events = _margin_events(cursor, installation_id, newest)
            mark.save()
    return True
