"""MRR, ARR and their movements, subscriber and trial counts per bucket, from the MRR change table.

Two statements: the sums of every change before the first day (the opening figures), and one pass over the
changes inside the range, grouped by subscription and bucket (a subscription's movement in a bucket compares
its MRR at the end of the day before the bucket with its MRR at the end of the bucket's last day).
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db import connection, transaction

from saleor_subscriptions.reports.periods import Bucket, Granularity, Scope
from saleor_subscriptions.reports.tables import MRR_STATES, sql

ZERO = Decimal(0)

_FILTER = """
    installation_id = %(installation)s AND currency = %(currency)s
    AND (%(channel)s::varchar IS NULL OR channel_slug = %(channel)s)
"""

_OPENING = (
    """
SELECT coalesce(sum(mrr_after_micros - mrr_before_micros), 0),
       coalesce(sum(counted_after::int - counted_before::int), 0),
       coalesce(sum((status_after = 'trialing')::int - (status_before = 'trialing')::int), 0)
FROM {change} WHERE """
    + _FILTER
    + " AND day < %(start)s"
)

# Net movement and the counts of states are sums over the changes (each change starts where the one before
# ended). Classifying a movement needs the subscription's opening and closing MRR of the bucket: a change that
# is alone in its bucket (its neighbours, `previous_day` and `next_day`, fall in other buckets or outside the
# range) has both, and most changes are; only the others are grouped by subscription and bucket. BUCKET(x) is
# the bucket number of day x (1 for the first), by arithmetic on the date (`_bucket_sql`).
_CLASSIFIED = """
        sum(closing) FILTER (WHERE opening = 0 AND closing > 0 AND first_time) AS new,
        sum(closing) FILTER (WHERE opening = 0 AND closing > 0 AND NOT first_time) AS reactivation,
        sum(closing - opening) FILTER (WHERE opening > 0 AND closing > opening) AS expansion,
        sum(closing - opening) FILTER (WHERE opening > 0 AND closing > 0 AND closing < opening) AS contraction,
        sum(-opening) FILTER (WHERE opening > 0 AND closing = 0 AND NOT nonpayment) AS churn_voluntary,
        sum(-opening) FILTER (WHERE opening > 0 AND closing = 0 AND nonpayment) AS churn_nonpayment,
        count(*) FILTER (WHERE opening > 0 AND closing = 0 AND NOT nonpayment) AS churned_voluntary,
        count(*) FILTER (WHERE opening > 0 AND closing = 0 AND nonpayment) AS churned_nonpayment,
        count(*) FILTER (WHERE opening = 0 AND closing > 0 AND first_time) AS new_count,
        count(*) FILTER (WHERE opening = 0 AND closing > 0 AND NOT first_time) AS reactivated_count
"""
_MOVEMENTS = (
    """
WITH rows AS NOT MATERIALIZED (
    SELECT subscription_id, BUCKET(day) AS bucket, mrr_before_micros, mrr_after_micros, first_mrr,
           cause = 'cancel_for_nonpayment' AS nonpayment, status_before, status_after, counted_before, counted_after,
           (previous_day IS NULL OR previous_day < %(start)s OR BUCKET(previous_day) <> BUCKET(day))
           AND (next_day IS NULL OR next_day > %(end)s OR BUCKET(next_day) <> BUCKET(day)) AS alone,
           (day - date '2000-01-01') AS n
    FROM {change} WHERE """
    + _FILTER
    + """ AND day BETWEEN %(start)s AND %(end)s
),
grouped AS (
    SELECT bucket, (min(ARRAY[n::bigint, mrr_before_micros]))[2] AS opening,
           (max(ARRAY[n::bigint, mrr_after_micros]))[2] AS closing, bool_or(first_mrr) AS first_time,
           (max(ARRAY[n, nonpayment::int]))[2] = 1 AS nonpayment
    FROM rows WHERE NOT alone GROUP BY subscription_id, bucket
)
SELECT bucket, sum(mrr_after_micros - mrr_before_micros) AS net,
       sum(counted_after::int - counted_before::int) AS active,
       sum((status_after = 'trialing')::int - (status_before = 'trialing')::int) AS trialing,
       count(*) FILTER (WHERE status_after = 'trialing' AND status_before <> 'trialing') AS trials_started,
       count(*) FILTER (WHERE status_before = 'trialing' AND status_after <> 'trialing') AS trials_ended,
       count(*) FILTER (WHERE status_before = 'trialing' AND status_after = 'active') AS trials_converted,
"""
    + _CLASSIFIED.replace("(WHERE", "(WHERE alone AND")
    .replace("opening", "mrr_before_micros")
    .replace("closing", "mrr_after_micros")
    .replace("first_time", "first_mrr")
    + """
FROM rows GROUP BY bucket
UNION ALL
SELECT bucket, NULL, NULL, NULL, NULL, NULL, NULL,"""
    + _CLASSIFIED
    + """
FROM grouped GROUP BY bucket
"""
)


def _bucket_sql(scope: Scope, column: str) -> str:
    """The SQL of BUCKET(column): the number of the bucket holding that day, counted from 1 (parameters of
    `_params`; months by the stored month numbers)."""
    if scope.granularity is Granularity.DAY:
        return f"({column} - %(origin)s::date + 1)"
    if scope.granularity is Granularity.WEEK:
        return f"(({column} - %(origin)s::date) / 7 + 1)"
    month = {"day": "month", "previous_day": "previous_month", "next_day": "next_month"}[column]
    return f"({month} - %(origin_month)s + 1)"


def _movements_sql(scope: Scope) -> str:
    query = sql(_MOVEMENTS)
    for column in ("previous_day", "next_day", "day"):
        query = query.replace(f"BUCKET({column})", _bucket_sql(scope, column))
    return query


@dataclass
class Movements:
    new: Decimal = ZERO
    expansion: Decimal = ZERO
    contraction: Decimal = ZERO
    churn_voluntary: Decimal = ZERO
    churn_nonpayment: Decimal = ZERO
    reactivation: Decimal = ZERO

    @property
    def churn(self) -> Decimal:
        return self.churn_voluntary + self.churn_nonpayment

    @property
    def net(self) -> Decimal:
        return self.new + self.expansion + self.contraction + self.churn + self.reactivation


@dataclass
class MrrBucket:
    """One bucket's figures (docs/reports.md); amounts unrounded (6 decimals)."""

    bucket: Bucket
    opening_mrr: Decimal = ZERO
    mrr: Decimal = ZERO
    movements: Movements = field(default_factory=Movements)
    opening_active: int = 0
    active: int = 0
    trialing: int = 0
    new_subscriptions: int = 0
    reactivated_subscriptions: int = 0
    churned_voluntary: int = 0
    churned_nonpayment: int = 0
    trials_started: int = 0
    trials_ended: int = 0
    trials_converted: int = 0


def _params(scope: Scope) -> dict[str, Any]:
    return {
        "installation": scope.installation_id,
        "currency": scope.currency,
        "channel": scope.channel,
        "start": scope.start,
        "end": scope.end,
        "origin": scope.buckets[0].start - timedelta(days=scope.buckets[0].start.weekday())
        if scope.granularity is Granularity.WEEK
        else scope.start,
        "origin_month": scope.start.year * 12 + scope.start.month - 1,
        "mrr_states": list(MRR_STATES),
    }


def _decimal(value: Any) -> Decimal:
    """An amount in millionths of the currency unit, as a Decimal."""
    return ZERO if value is None else Decimal(int(value)).scaleb(-6)


def mrr_buckets(scope: Scope) -> list[MrrBucket]:
    """The MRR figures of every bucket of `scope`, in order (read from the change table as it stands)."""
    params = _params(scope)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL work_mem = '64MB'")  # the grouping of a year of changes stays in memory
        cursor.execute(sql(_OPENING), params)
        opening_mrr, opening_active, opening_trialing = cursor.fetchone()
        cursor.execute(_movements_sql(scope), params)
        rows: dict[int, list[Any]] = {}
        for row in cursor.fetchall():
            summed = rows.setdefault(int(row[0]), [None] * len(row))
            for position, value in enumerate(row[1:], start=1):
                if value is not None:
                    summed[position] = value if summed[position] is None else summed[position] + value
    result: list[MrrBucket] = []
    mrr, active, trialing = _decimal(opening_mrr), int(opening_active), int(opening_trialing)
    for number, bucket in enumerate(scope.buckets, start=1):
        figures = MrrBucket(bucket, opening_mrr=mrr, opening_active=active)
        row = rows.get(number)
        if row is not None:
            (_, net, active_delta, trialing_delta, started, ended, converted, new, reactivation, expansion,
             contraction, voluntary, nonpayment, churned_v, churned_n, new_count, reactivated) = row  # fmt: skip
            figures.movements = Movements(
                new=_decimal(new),
                expansion=_decimal(expansion),
                contraction=_decimal(contraction),
                churn_voluntary=_decimal(voluntary),
                churn_nonpayment=_decimal(nonpayment),
                reactivation=_decimal(reactivation),
            )
            mrr += _decimal(net)
            active += int(active_delta or 0)
            trialing += int(trialing_delta or 0)
            figures.new_subscriptions, figures.reactivated_subscriptions = (
                int(new_count or 0),
                int(reactivated or 0),
            )
            figures.churned_voluntary, figures.churned_nonpayment = int(churned_v or 0), int(churned_n or 0)
            figures.trials_started = int(started or 0)
            figures.trials_ended, figures.trials_converted = int(ended or 0), int(converted or 0)
        figures.mrr, figures.active, figures.trialing = mrr, active, trialing
        result.append(figures)
    return result
