"""Usage charges: metered use recorded as it happens and billed in arrears on the next invoice (§1, §4).

Decisions:
- A usage record names a metric of the subscription's plan version (its `usage_prices`), a quantity above 0
  with at most 6 decimals, and an idempotency key unique per installation: the same key with the same figures
  answers the first record; with other figures it is refused (`idempotency_key_reused`).
- What a shop reports (`report_usage`, the API) may not fall in a closed period nor in the future: it is
  dated from the start of the period running today (the one before the current period, when the next invoice
  was made ahead) up to now (a few minutes of clock skew allowed). Only a subscription that has not ended
  (trialing, active, past due, suspended, paused) takes usage.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from django.db import IntegrityError, transaction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.pricing import UsageCharge
from saleor_subscriptions.billing.states import LIVE
from saleor_subscriptions.lifecycle.pricing import unit_price
from saleor_subscriptions.renewals.boundary import TermsCache
from saleor_subscriptions.renewals.models import UsageRecord
from saleor_subscriptions.subscriptions.calendar import billing_calendar, local_today
from saleor_subscriptions.subscriptions.models import Subscription

METRIC_MAX = 64
KEY_MAX = 200
QUANTITY_DECIMALS = 6
QUANTITY_BELOW = Decimal(10) ** 12
"""What a record's quantity must stay below (the column holds 18 digits, 6 of them decimals)."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far ahead of the app's clock a reported moment may be: the reporter's clock may run a little fast."""


class UsageErrorCode(StrEnum):
    """Why usage was refused; the values never change once released."""

    NOT_FOUND = "not_found"
    SUBSCRIPTION_ENDED = "subscription_ended"
    UNKNOWN_METRIC = "unknown_metric"
    INVALID_QUANTITY = "invalid_quantity"
    INVALID = "invalid"
    PERIOD_CLOSED = "period_closed"
    IN_THE_FUTURE = "in_the_future"
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    TOO_MANY_RECORDS = "too_many_records"


class UsageRefused(CodedError):
    """Usage that was refused: `code` for programs, `message` for people, `field` the argument refused."""

    code: UsageErrorCode

    def __init__(self, code: UsageErrorCode, message: str, field: str | None = None) -> None:
        super().__init__(code, message, field)


@dataclass(frozen=True)
class Recorded:
    """A usage record, and whether this call made it (False: an earlier call with the same key did)."""

    record: UsageRecord
    created: bool


def _quantity(quantity: object) -> Decimal:
    amount: Decimal | None = None
    if isinstance(quantity, Decimal | int | str) and not isinstance(quantity, bool):
        try:
            amount = Decimal(quantity)
        except (InvalidOperation, TypeError, ValueError):
            amount = None
    if amount is None or not amount.is_finite():
        raise UsageRefused(UsageErrorCode.INVALID_QUANTITY, f"not a number: {quantity!r}", "quantity")
    if amount <= 0:
        message = f"the quantity must be above 0, not {amount}"
        raise UsageRefused(UsageErrorCode.INVALID_QUANTITY, message, "quantity")
    if amount >= QUANTITY_BELOW:
        message = f"a quantity is below {QUANTITY_BELOW}, not {amount}"
        raise UsageRefused(UsageErrorCode.INVALID_QUANTITY, message, "quantity")
    if amount.quantize(Decimal(1).scaleb(-QUANTITY_DECIMALS)) != amount:
        message = f"a quantity has at most {QUANTITY_DECIMALS} decimals, {amount} has more"
        raise UsageRefused(UsageErrorCode.INVALID_QUANTITY, message, "quantity")
    return amount


def _checked_metric(subscription: Subscription, metric: str) -> str:
    if not metric.strip() or len(metric) > METRIC_MAX:
        message = f"a metric is named in 1 to {METRIC_MAX} characters"
        raise UsageRefused(UsageErrorCode.INVALID, message, "metric")
    prices = subscription.plan_version.usage_prices
    if metric not in prices:
        known = ", ".join(sorted(prices)) or "none"
        message = f"this subscription's plan has no price for {metric!r} (its metrics: {known})"
        raise UsageRefused(UsageErrorCode.UNKNOWN_METRIC, message, "metric")
    return metric


def _checked_key(idempotency_key: str) -> str:
    if not idempotency_key.strip() or len(idempotency_key) > KEY_MAX:
        message = f"an idempotency key is 1 to {KEY_MAX} characters, not only spaces"
        raise UsageRefused(UsageErrorCode.INVALID, message, "idempotency_key")
    return idempotency_key


def record_usage(
    subscription: Subscription,
    metric: str,
    quantity: Decimal,
    idempotency_key: str,
    *,
    at: datetime | None = None,
) -> UsageRecord:
    """Record `quantity` of `metric` on the subscription, once per `idempotency_key`: a repeat with the same
    figures returns the first record, a repeat with others is refused (§1 usage_prices). `at` is taken as
    given; what a shop reports goes through `report_usage`, which also checks when it happened."""
    return _record(subscription, metric, quantity, idempotency_key, at, at_given=at is not None).record


def open_usage_from(subscription: Subscription, today: date) -> date:
    """The first day usage may still be dated on (§4): the start of the period running `today`. After an
    invoice made ahead the subscription is already in the next period while the one before still runs; its
    usage goes on the invoice after."""
    start = subscription.current_period_start
    if today >= start:
        return start
    try:
        return min(start, billing_calendar(subscription).period_containing(today).start)
    except ValueError:  # before the calendar's start: the trial, or a calendar started again
        return start


def report_usage(
    subscription: Subscription,
    metric: str,
    quantity: object,
    idempotency_key: str,
    *,
    occurred_at: datetime | None = None,
) -> Recorded:
    """Usage a shop reports (§1, §4): as `record_usage`, for a subscription that has not ended, dated (by
    default now) no earlier than the open period and no later than now; UsageRefused naming the argument. A
    key already used answers its record (same figures) or is refused, whenever it is sent again."""
    if subscription.status not in LIVE:
        message = f"a {subscription.status} subscription takes no more usage"
        raise UsageRefused(UsageErrorCode.SUBSCRIPTION_ENDED, message, "subscription")
    now = subscription.installation.now()
    retried = UsageRecord.objects.filter(
        installation_id=subscription.installation_id, idempotency_key=idempotency_key
    ).exists()
    # A retry is answered like the first call, even once its period has closed (or its record was billed).
    if occurred_at is not None and not retried:
        if occurred_at.tzinfo is None or occurred_at.utcoffset() is None:
            message = "a moment has an offset (2026-12-01T10:00:00+01:00 or …Z)"
            raise UsageRefused(UsageErrorCode.INVALID, message, "occurred_at")
        if occurred_at > now + CLOCK_SKEW:
            message = f"{occurred_at.isoformat()} has not happened yet (it is {now.isoformat()})"
            raise UsageRefused(UsageErrorCode.IN_THE_FUTURE, message, "occurred_at")
        opened = open_usage_from(subscription, local_today(subscription, now))
        if local_today(subscription, occurred_at) < opened:
            message = f"the period before {opened} is closed: usage is dated from {opened} on"
            raise UsageRefused(UsageErrorCode.PERIOD_CLOSED, message, "occurred_at")
    when = occurred_at or now
    return _record(subscription, metric, quantity, idempotency_key, when, at_given=occurred_at is not None)


def _record(
    subscription: Subscription,
    metric: str,
    quantity: object,
    idempotency_key: str,
    at: datetime | None,
    *,
    at_given: bool,
) -> Recorded:
    metric = _checked_metric(subscription, metric)
    amount = _quantity(quantity)
    key = _checked_key(idempotency_key)
    try:
        with transaction.atomic():
            created = UsageRecord.objects.create(
                installation_id=subscription.installation_id,
                subscription=subscription,
                metric=metric,
                quantity=amount,
                idempotency_key=key,
                recorded_at=at or subscription.installation.now(),
            )
            return Recorded(created, True)
    except IntegrityError:
        earlier = UsageRecord.objects.get(installation_id=subscription.installation_id, idempotency_key=key)
    same = (earlier.subscription_id, earlier.metric, earlier.quantity) == (subscription.pk, metric, amount)
    if not same or (at_given and at is not None and earlier.recorded_at != at):
        raise UsageRefused(
            UsageErrorCode.IDEMPOTENCY_KEY_REUSED,
            f"the idempotency key {key!r} was used for other usage",
            "idempotency_key",
        )
    return Recorded(earlier, False)


@dataclass
class UnbilledUsage:
    """The usage not yet on an invoice, of a batch of subscriptions (read in one query)."""

    records: dict[int, list[UsageRecord]]

    def charges_for(
        self, subscription: Subscription, period: Period, cache: TermsCache
    ) -> list[tuple[list[int], UsageCharge]]:
        """One charge per metric for the usage recorded before `period` starts: the closed period's (§4)."""
        by_metric: dict[str, list[UsageRecord]] = defaultdict(list)
        for record in self.records.get(subscription.pk, []):
            if local_today(subscription, record.recorded_at) < period.start:
                by_metric[record.metric].append(record)
        if not by_metric:
            return []
        terms = cache.terms(subscription.plan_version, unit_price(subscription))
        return [
            (
                [r.pk for r in records],
                UsageCharge(
                    metric=metric,
                    quantity=sum((r.quantity for r in records), Decimal(0)),
                    unit_price=terms.usage_prices[metric],
                    period_start=subscription.current_period_start,
                    period_end=subscription.current_period_end,
                ),
            )
            for metric, records in sorted(by_metric.items())
            if metric in terms.usage_prices
        ]


def unbilled_usage(subscription_ids: list[int]) -> UnbilledUsage:
    records: dict[int, list[UsageRecord]] = defaultdict(list)
    for record in UsageRecord.objects.filter(subscription_id__in=subscription_ids, invoice__isnull=True):
        records[record.subscription_id].append(record)
    return UnbilledUsage(records)
