"""MRR, ARR and their movements, subscriber and trial counts per bucket, from the MRR change table.

Two statements: the sums of every change before the first day (the opening figures), and one pass over the
changes inside the range, grouped by subscription and bucket (a subscription's movement in a bucket compares
its MRR at the end of the day before the bucket with its MRR at the end of the bucket's last day).
"""

# ruff: noqa: E501 (SQL and table-like literals read best on one line)

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection

from saleor_subscriptions.reports.periods import Bucket, Scope
from saleor_subscriptions.reports.tables import MRR_STATES, sql

ZERO = Decimal(0)

_FILTER = """
    installation_id = %(installation)s AND currency = %(currency)s
    AND (%(channel)s::varchar IS NULL OR channel_slug = %(channel)s)
"""

_OPENING = (
    """
SELECT coalesce(sum(mrr_after - mrr_before), 0),
       coalesce(sum((status_after = ANY(%(mrr_states)s))::int - (status_before = ANY(%(mrr_states)s))::int), 0),
       coalesce(sum((status_after = 'trialing')::int - (status_before = 'trialing')::int), 0)
FROM {change} WHERE """
    + _FILTER
    + " AND day < %(start)s"
)

_MOVEMENTS = (
    """
WITH rows AS (
    SELECT subscription_id, day, mrr_before, mrr_after, status_before, status_after, cause, first_mrr,
           width_bucket(day, %(starts)s::date[]) AS bucket
    FROM {change} WHERE """
    + _FILTER
    + """ AND day BETWEEN %(start)s AND %(end)s
),
per_subscription AS (
    SELECT DISTINCT ON (subscription_id, bucket) subscription_id, bucket,
           first_value(mrr_before) OVER w AS opening,
           first_value(status_before) OVER w AS opening_status,
           mrr_after AS closing, status_after AS closing_status, cause,
           bool_or(first_mrr) OVER w AS first_time
    FROM rows
    WINDOW w AS (PARTITION BY subscription_id, bucket ORDER BY day
                 ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
    ORDER BY subscription_id, bucket, day DESC
),
moved AS (
    SELECT bucket,
        sum(closing - opening) AS net,
        sum(closing) FILTER (WHERE opening = 0 AND closing > 0 AND first_time) AS new,
        sum(closing) FILTER (WHERE opening = 0 AND closing > 0 AND NOT first_time) AS reactivation,
        sum(closing - opening) FILTER (WHERE opening > 0 AND closing > opening) AS expansion,
        sum(closing - opening) FILTER (WHERE opening > 0 AND closing > 0 AND closing < opening) AS contraction,
        sum(-opening) FILTER (WHERE opening > 0 AND closing = 0 AND cause <> 'cancel_for_nonpayment')
            AS churn_voluntary,
        sum(-opening) FILTER (WHERE opening > 0 AND closing = 0 AND cause = 'cancel_for_nonpayment')
            AS churn_nonpayment,
        count(*) FILTER (WHERE opening > 0 AND closing = 0 AND cause <> 'cancel_for_nonpayment')
            AS churned_voluntary,
        count(*) FILTER (WHERE opening > 0 AND closing = 0 AND cause = 'cancel_for_nonpayment')
            AS churned_nonpayment,
        count(*) FILTER (WHERE opening = 0 AND closing > 0 AND first_time) AS new_count,
        count(*) FILTER (WHERE opening = 0 AND closing > 0 AND NOT first_time) AS reactivated_count,
        sum((closing_status = ANY(%(mrr_states)s))::int - (opening_status = ANY(%(mrr_states)s))::int) AS active,
        sum((closing_status = 'trialing')::int - (opening_status = 'trialing')::int) AS trialing
    FROM per_subscription GROUP BY bucket
),
trials AS (
    SELECT bucket,
        count(*) FILTER (WHERE status_after = 'trialing' AND status_before <> 'trialing') AS started,
        count(*) FILTER (WHERE status_before = 'trialing' AND status_after <> 'trialing') AS ended,
        count(*) FILTER (WHERE status_before = 'trialing' AND status_after = 'active') AS converted
    FROM rows GROUP BY bucket
)
SELECT coalesce(moved.bucket, trials.bucket), net, new, reactivation, expansion, contraction,
       churn_voluntary, churn_nonpayment, churned_voluntary, churned_nonpayment, new_count, reactivated_count,
       active, trialing, started, ended, converted
FROM moved FULL JOIN trials ON trials.bucket = moved.bucket
"""
)


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
        "starts": [bucket.start for bucket in scope.buckets],
        "mrr_states": list(MRR_STATES),
    }


def _decimal(value: Any) -> Decimal:
    return ZERO if value is None else Decimal(value)


def mrr_buckets(scope: Scope) -> list[MrrBucket]:
    """The MRR figures of every bucket of `scope`, in order (read from the change table as it stands)."""
    params = _params(scope)
    with connection.cursor() as cursor:
        cursor.execute(sql(_OPENING), params)
        opening_mrr, opening_active, opening_trialing = cursor.fetchone()
        cursor.execute(sql(_MOVEMENTS), params)
        rows = {row[0]: row for row in cursor.fetchall()}
    result: list[MrrBucket] = []
    mrr, active, trialing = _decimal(opening_mrr), int(opening_active), int(opening_trialing)
    for number, bucket in enumerate(scope.buckets, start=1):
        figures = MrrBucket(bucket, opening_mrr=mrr, opening_active=active)
        row = rows.get(number)
        if row is not None:
            (_, net, new, reactivation, expansion, contraction, voluntary, nonpayment, churned_v, churned_n,
             new_count, reactivated, active_delta, trialing_delta, started, ended, converted) = row  # fmt: skip
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
