"""Usage charges: metered use recorded as it happens and billed in arrears on the next invoice (§1, §4)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction

from saleor_subscriptions.billing.calendar import Period
from saleor_subscriptions.billing.pricing import UsageCharge
from saleor_subscriptions.renewals.boundary import TermsCache
from saleor_subscriptions.renewals.models import UsageRecord
from saleor_subscriptions.subscriptions.calendar import local_today
from saleor_subscriptions.subscriptions.errors import LifecycleError, LifecycleErrorCode
from saleor_subscriptions.subscriptions.lifecycle.pricing import unit_price
from saleor_subscriptions.subscriptions.models import Subscription


def record_usage(
    subscription: Subscription,
    metric: str,
    quantity: Decimal,
    idempotency_key: str,
    *,
    at: datetime | None = None,
) -> UsageRecord:
    """Record `quantity` of `metric` on the subscription, once per `idempotency_key`: a repeat with the same
    figures returns the first record, a repeat with others is refused (§1 usage_prices)."""
    prices = subscription.plan_version.usage_prices
    if metric not in prices:
        known = ", ".join(sorted(prices)) or "none"
        raise LifecycleError(
            LifecycleErrorCode.INVALID_USAGE,
            f"this plan has no price for {metric!r} (metrics: {known})",
            "metric",
        )
    try:
        amount = Decimal(quantity)
    except (InvalidOperation, TypeError, ValueError):
        raise LifecycleError(
            LifecycleErrorCode.INVALID_USAGE, f"not a number: {quantity!r}", "quantity"
        ) from None
    if not amount.is_finite() or amount <= 0:
        raise LifecycleError(LifecycleErrorCode.INVALID_USAGE, "the quantity must be above 0", "quantity")
    if not idempotency_key.strip():
        raise LifecycleError(
            LifecycleErrorCode.INVALID_USAGE, "an idempotency key is required", "idempotency_key"
        )
    fields = {"subscription": subscription, "metric": metric, "quantity": amount}
    try:
        with transaction.atomic():
            return UsageRecord.objects.create(
                installation_id=subscription.installation_id,
                idempotency_key=idempotency_key,
                recorded_at=at or subscription.installation.now(),
                **fields,
            )
    except IntegrityError:
        earlier = UsageRecord.objects.get(
            installation_id=subscription.installation_id, idempotency_key=idempotency_key
        )
        if (earlier.subscription_id, earlier.metric, earlier.quantity) != (subscription.pk, metric, amount):
            raise LifecycleError(
                LifecycleErrorCode.INVALID_USAGE,
                f"the idempotency key {idempotency_key!r} was used for other usage",
                "idempotency_key",
            ) from None
        return earlier


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
