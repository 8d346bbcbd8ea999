"""What a report covers: a currency (a channel names its own), a date range and its buckets; refusals name
the argument at fault."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.money import minor_units
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.subscriptions.models import Subscription


class Granularity(StrEnum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"


MAX_BUCKETS = {Granularity.DAY: 400, Granularity.WEEK: 260, Granularity.MONTH: 120}
"""The longest range per granularity: 400 days, 5 years of weeks, 10 years of months."""


class ReportErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_FOUND = "not_found"
    RANGE_TOO_LONG = "range_too_long"


class ReportRefused(CodedError):
    """Arguments a report cannot use, naming the argument."""


@dataclass(frozen=True)
class Bucket:
    start: date
    end: date  # inclusive


@dataclass(frozen=True)
class Scope:
    """What one report is of: an installation's subscriptions in `currency` (of `channel` only, if given)."""

    installation_id: int
    currency: str
    channel: str | None
    start: date
    end: date
    granularity: Granularity
    buckets: tuple[Bucket, ...]


def _bucket_start(day: date, granularity: Granularity) -> date:
    if granularity is Granularity.WEEK:
        return day - timedelta(days=day.weekday())
    if granularity is Granularity.MONTH:
        return day.replace(day=1)
    return day


def _next_start(start: date, granularity: Granularity) -> date:
    if granularity is Granularity.DAY:
        return start + timedelta(days=1)
    if granularity is Granularity.WEEK:
        return start + timedelta(days=7)
    return date(start.year + start.month // 12, start.month % 12 + 1, 1)


def buckets_of(start: date, end: date, granularity: Granularity) -> tuple[Bucket, ...]:
    """Calendar days, ISO weeks (Monday to Sunday) or months, the first and last cut to `start`..`end`."""
    result: list[Bucket] = []
    cursor = _bucket_start(start, granularity)
    while cursor <= end:
        following = _next_start(cursor, granularity)
        result.append(Bucket(max(cursor, start), min(following - timedelta(days=1), end)))
        cursor = following
    return tuple(result)


def _currency_of_channel(installation_id: int, channel: str) -> str | None:
    for model in (Plan, Subscription):
        found = (
            model.objects.filter(installation_id=installation_id, channel_slug=channel)
            .values_list("currency", flat=True)
            .first()
        )
        if found:
            return str(found)
    return None


def scope_of(
    installation_id: int,
    *,
    channel: str | None,
    currency: str | None,
    start: date | None,
    end: date | None,
    granularity: Granularity,
) -> Scope:
    """The report's scope; ReportRefused naming `channel`, `currency`, `from` or `to`."""
    channel = (channel or "").strip() or None
    code = (currency or "").strip().upper() or None
    if start is None:
        raise ReportRefused(ReportErrorCode.REQUIRED, "give the first day of the report", "from")
    if end is None:
        raise ReportRefused(ReportErrorCode.REQUIRED, "give the last day of the report", "to")
    if end < start:
        raise ReportRefused(ReportErrorCode.INVALID, f"{end} is before the first day {start}", "to")
    if code is not None:
        try:
            minor_units(code)
        except ValueError:
            raise ReportRefused(ReportErrorCode.INVALID, f"unknown currency {code!r}", "currency") from None
    if channel is not None:
        found = _currency_of_channel(installation_id, channel)
        if found is None:
            raise ReportRefused(
                ReportErrorCode.NOT_FOUND, f"no plan is sold in channel {channel!r}", "channel"
            )
        if code is not None and code != found:
            message = f"channel {channel!r} sells in {found}, not {code}"
            raise ReportRefused(ReportErrorCode.INVALID, message, "currency")
        code = found
    if code is None:
        raise ReportRefused(ReportErrorCode.REQUIRED, "give a channel or a currency", "currency")
    buckets = buckets_of(start, end, granularity)
    most = MAX_BUCKETS[granularity]
    if len(buckets) > most:
        message = f"{len(buckets)} {granularity.value}s; at most {most} by {granularity.value}"
        raise ReportRefused(ReportErrorCode.RANGE_TOO_LONG, message, "to")
    return Scope(installation_id, code, channel, start, end, granularity, buckets)
