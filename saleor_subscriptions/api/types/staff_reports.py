"""The types of `subscriptionReport` and `billingIntegrity` (docs/reports.md defines every figure)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import graphene

from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.billing.money import round_to_minor_unit
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.reports.figures import (
    EventCount,
    PlanRevenue,
    Recovery,
    events_by_bucket,
    recovery,
    revenue_by_plan,
    upcoming,
)
from saleor_subscriptions.reports.integrity import IntegrityRule
from saleor_subscriptions.reports.mrr import MrrBucket, mrr_buckets
from saleor_subscriptions.reports.periods import Granularity, ReportErrorCode, Scope

RATE = Decimal("0.0001")
INVOICE_TYPE = "Invoice"

ReportGranularityEnum = graphene.Enum.from_enum(
    Granularity, name="ReportGranularity", description="Buckets: calendar days, ISO weeks or months."
)
ReportErrorCodeEnum = graphene.Enum.from_enum(ReportErrorCode, name="ReportErrorCode")
IntegrityRuleEnum = graphene.Enum.from_enum(
    IntegrityRule, name="IntegrityRule", description="A rule of billing integrity (docs/reports.md)."
)


class ReportError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the request as a whole.")
    code = ReportErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


@dataclass
class ReportSource:
    """One report's scope and what its fields computed, each once, when asked."""

    scope: Scope
    zone: str
    now: datetime
    memo: dict[str, Any] = field(default_factory=dict)

    def money(self, amount: Decimal) -> Decimal:
        return round_to_minor_unit(amount, self.scope.currency)

    def buckets(self) -> list[MrrBucket]:
        if "mrr" not in self.memo:
            self.memo["mrr"] = mrr_buckets(self.scope)
        return list(self.memo["mrr"])

    def recovery_of(self, number: int) -> Recovery | None:
        if "recovery" not in self.memo:
            self.memo["recovery"] = {row.bucket: row for row in recovery(self.scope, self.zone)}
        found: Recovery | None = self.memo["recovery"].get(number)
        return found

    def events_of(self, number: int) -> list[EventCount]:
        if "events" not in self.memo:
            grouped: dict[int, list[EventCount]] = defaultdict(list)
            for row in events_by_bucket(self.scope, self.zone):
                grouped[row.bucket].append(row)
            self.memo["events"] = grouped
        return list(self.memo["events"].get(number, []))

    def revenue(self) -> list[PlanRevenue]:
        if "revenue" not in self.memo:
            self.memo["revenue"] = revenue_by_plan(self.scope, self.zone)
        return list(self.memo["revenue"])


def _rate(part: int, whole: int) -> Decimal | None:
    return (Decimal(part) / Decimal(whole)).quantize(RATE) if whole else None


class MrrMovements(graphene.ObjectType):
    new = DecimalScalar(required=True, description="MRR of subscriptions that had none before, ever.")
    expansion = DecimalScalar(required=True, description="MRR gained by subscriptions that had MRR.")
    contraction = DecimalScalar(required=True, description="MRR lost by subscriptions that keep some (≤ 0).")
    churn = DecimalScalar(required=True, description="MRR of subscriptions that fell to none (≤ 0).")
    churn_voluntary = DecimalScalar(required=True, description="Churn not for nonpayment (≤ 0).")
    churn_nonpayment = DecimalScalar(required=True, description="Churn by cancellation for nonpayment (≤ 0).")
    reactivation = DecimalScalar(required=True, description="MRR of subscriptions that had MRR before.")
    net = DecimalScalar(required=True, description="The sum of the movements: closing less opening MRR.")


class ChurnedSubscriptions(graphene.ObjectType):
    voluntary = graphene.Int(required=True)
    nonpayment = graphene.Int(required=True)
    rate = DecimalScalar(description="Churned over active at the start of the bucket; null when none was.")


class TrialFigures(graphene.ObjectType):
    trialing = graphene.Int(required=True, description="Subscriptions in a trial at the end of the bucket.")
    started = graphene.Int(required=True)
    ended = graphene.Int(required=True)
    converted = graphene.Int(required=True, description="Trials that ended by becoming active.")
    conversion_rate = DecimalScalar(description="Converted over ended; null when none ended.")


class PaymentRecovery(graphene.ObjectType):
    failed_invoices = graphene.Int(required=True, description="Invoices whose first failed charge fell here.")
    recovered_invoices = graphene.Int(required=True, description="Of those, the ones paid since.")
    rate = DecimalScalar(description="Recovered over failed; null when none failed.")
    failed_amount = DecimalScalar(required=True, description="What those invoices asked for.")
    recovered_amount = DecimalScalar(required=True, description="What the recovered ones paid.")


class EventsOfKind(graphene.ObjectType):
    kind = graphene.String(required=True)
    count = graphene.Int(required=True)


class ReportBucket(graphene.ObjectType):
    start = graphene.Date(required=True)
    end = graphene.Date(required=True, description="The last day of the bucket (inclusive).")
    opening_mrr = DecimalScalar(required=True, description="MRR at the end of the day before the bucket.")
    mrr = DecimalScalar(required=True, description="MRR at the end of the bucket's last day.")
    arr = DecimalScalar(required=True, description="12 × MRR.")
    movements = graphene.Field(graphene.NonNull(MrrMovements))
    active_subscriptions = graphene.Int(required=True, description="Counted in MRR at the end of the bucket.")
    opening_active_subscriptions = graphene.Int(required=True)
    new_subscriptions = graphene.Int(required=True)
    reactivated_subscriptions = graphene.Int(required=True)
    churned_subscriptions = graphene.Field(graphene.NonNull(ChurnedSubscriptions))
    trials = graphene.Field(graphene.NonNull(TrialFigures))
    payment_recovery = graphene.Field(graphene.NonNull(PaymentRecovery))
    events = graphene.List(graphene.NonNull(EventsOfKind), required=True, description="By kind.")

    @staticmethod
    def resolve_start(root: Any, _info: Any) -> Any:
        return root[2].bucket.start

    @staticmethod
    def resolve_end(root: Any, _info: Any) -> Any:
        return root[2].bucket.end

    @staticmethod
    def resolve_opening_mrr(root: Any, _info: Any) -> Decimal:
        return Decimal(root[0].money(root[2].opening_mrr))

    @staticmethod
    def resolve_mrr(root: Any, _info: Any) -> Decimal:
        return Decimal(root[0].money(root[2].mrr))

    @staticmethod
    def resolve_arr(root: Any, _info: Any) -> Decimal:
        return Decimal(root[0].money(root[2].mrr * 12))

    @staticmethod
    def resolve_movements(root: Any, _info: Any) -> MrrMovements:
        source, moved = root[0], root[2].movements
        return MrrMovements(
            new=source.money(moved.new),
            expansion=source.money(moved.expansion),
            contraction=source.money(moved.contraction),
            churn=source.money(moved.churn),
            churn_voluntary=source.money(moved.churn_voluntary),
            churn_nonpayment=source.money(moved.churn_nonpayment),
            reactivation=source.money(moved.reactivation),
            net=source.money(moved.net),
        )

    @staticmethod
    def resolve_active_subscriptions(root: Any, _info: Any) -> int:
        return int(root[2].active)

    @staticmethod
    def resolve_opening_active_subscriptions(root: Any, _info: Any) -> int:
        return int(root[2].opening_active)

    @staticmethod
    def resolve_new_subscriptions(root: Any, _info: Any) -> int:
        return int(root[2].new_subscriptions)

    @staticmethod
    def resolve_reactivated_subscriptions(root: Any, _info: Any) -> int:
        return int(root[2].reactivated_subscriptions)

    @staticmethod
    def resolve_churned_subscriptions(root: Any, _info: Any) -> ChurnedSubscriptions:
        figures = root[2]
        churned = figures.churned_voluntary + figures.churned_nonpayment
        return ChurnedSubscriptions(
            voluntary=figures.churned_voluntary,
            nonpayment=figures.churned_nonpayment,
            rate=_rate(churned, figures.opening_active),
        )

    @staticmethod
    def resolve_trials(root: Any, _info: Any) -> TrialFigures:
        figures = root[2]
        return TrialFigures(
            trialing=figures.trialing,
            started=figures.trials_started,
            ended=figures.trials_ended,
            converted=figures.trials_converted,
            conversion_rate=_rate(figures.trials_converted, figures.trials_ended),
        )

    @staticmethod
    def resolve_payment_recovery(root: Any, _info: Any) -> PaymentRecovery:
        source, number = root[0], root[1]
        row = source.recovery_of(number)
        if row is None:
            zero = source.money(Decimal(0))
            return PaymentRecovery(failed_invoices=0, recovered_invoices=0, rate=None, failed_amount=zero,
                                   recovered_amount=zero)  # fmt: skip
        return PaymentRecovery(
            failed_invoices=row.failed_invoices,
            recovered_invoices=row.recovered_invoices,
            rate=_rate(row.recovered_invoices, row.failed_invoices),
            failed_amount=source.money(row.failed_amount),
            recovered_amount=source.money(row.recovered_amount),
        )

    @staticmethod
    def resolve_events(root: Any, _info: Any) -> list[EventsOfKind]:
        return [EventsOfKind(kind=row.kind, count=row.count) for row in root[0].events_of(root[1])]


class UpcomingRevenue(graphene.ObjectType):
    days = graphene.Int(required=True, description="30, 60 or 90 days from now.")
    open_invoices = DecimalScalar(
        required=True, description="Open invoices falling due by then (net of credit)."
    )
    renewals = DecimalScalar(
        required=True, description="Renewals due by then, at their last period's charge."
    )
    total = DecimalScalar(required=True)


class PlanRevenueRow(graphene.ObjectType):
    plan_id = graphene.ID(required=True)
    plan_name = graphene.String(required=True)
    product_id = graphene.ID(required=True, description="The Saleor product.")
    invoices = graphene.Int(required=True)
    amount = DecimalScalar(required=True, description="What the invoices paid in the range collected.")


class ProductRevenueRow(graphene.ObjectType):
    product_id = graphene.ID(required=True, description="The Saleor product.")
    invoices = graphene.Int(required=True)
    amount = DecimalScalar(required=True)


class SubscriptionReport(graphene.ObjectType):
    currency = graphene.String(required=True)
    channel = graphene.String(description="The channel reported on; null for every channel of the currency.")
    start = graphene.Date(required=True, name="from")
    end = graphene.Date(required=True, name="to")
    granularity = ReportGranularityEnum(required=True)
    time_zone = graphene.String(required=True, description="The installation's, in which days are counted.")
    buckets = graphene.List(graphene.NonNull(ReportBucket), required=True)
    upcoming_revenue = graphene.List(graphene.NonNull(UpcomingRevenue), required=True)
    revenue_by_plan = graphene.List(graphene.NonNull(PlanRevenueRow), required=True)
    revenue_by_product = graphene.List(graphene.NonNull(ProductRevenueRow), required=True)

    @staticmethod
    def resolve_currency(root: ReportSource, _info: Any) -> str:
        return root.scope.currency

    @staticmethod
    def resolve_channel(root: ReportSource, _info: Any) -> str | None:
        return root.scope.channel

    @staticmethod
    def resolve_start(root: ReportSource, _info: Any) -> Any:
        return root.scope.start

    @staticmethod
    def resolve_end(root: ReportSource, _info: Any) -> Any:
        return root.scope.end

    @staticmethod
    def resolve_granularity(root: ReportSource, _info: Any) -> Granularity:
        return root.scope.granularity

    @staticmethod
    def resolve_time_zone(root: ReportSource, _info: Any) -> str:
        return root.zone

    @staticmethod
    def resolve_buckets(root: ReportSource, _info: Any) -> list[tuple[ReportSource, int, MrrBucket]]:
        return [(root, number, figures) for number, figures in enumerate(root.buckets(), start=1)]

    @staticmethod
    def resolve_upcoming_revenue(root: ReportSource, _info: Any) -> list[UpcomingRevenue]:
        return [
            UpcomingRevenue(
                days=row.days,
                open_invoices=root.money(row.open_invoices),
                renewals=root.money(row.renewals),
                total=root.money(row.total),
            )
            for row in upcoming(root.scope, root.zone, root.now)
        ]

    @staticmethod
    def resolve_revenue_by_plan(root: ReportSource, _info: Any) -> list[PlanRevenueRow]:
        return [
            PlanRevenueRow(
                plan_id=plan_global_id(row.plan_id),
                plan_name=row.plan_name,
                product_id=row.product_id,
                invoices=row.invoices,
                amount=root.money(row.amount),
            )
            for row in root.revenue()
        ]

    @staticmethod
    def resolve_revenue_by_product(root: ReportSource, _info: Any) -> list[ProductRevenueRow]:
        totals: dict[str, tuple[int, Decimal]] = {}
        for row in root.revenue():
            count, amount = totals.get(row.product_id, (0, Decimal(0)))
            totals[row.product_id] = (count + row.invoices, amount + row.amount)
        ordered = sorted(totals.items(), key=lambda item: (-item[1][1], item[0]))
        return [
            ProductRevenueRow(product_id=product, invoices=count, amount=root.money(amount))
            for product, (count, amount) in ordered
        ]


class SubscriptionReportResult(graphene.ObjectType):
    report = graphene.Field(SubscriptionReport, description="Null when the arguments were refused.")
    errors = graphene.List(graphene.NonNull(ReportError), required=True)


class IntegrityFinding(graphene.ObjectType):
    rule = IntegrityRuleEnum(required=True)
    subscription_id = graphene.ID(description="The subscription concerned, if one is.")
    invoice_id = graphene.ID(description="The invoice concerned, if one is.")
    invoice_number = graphene.String()
    expected = graphene.String(required=True)
    found = graphene.String(required=True)


class BillingIntegrity(graphene.ObjectType):
    findings = graphene.List(graphene.NonNull(IntegrityFinding), required=True)
    truncated = graphene.Boolean(required=True, description="More rows break the rules than `limit`.")
    errors = graphene.List(graphene.NonNull(ReportError), required=True)


def finding_ids(subscription_id: int | None, invoice_id: int | None) -> tuple[str | None, str | None]:
    """The global ids of a finding's subscription and invoice."""
    return (
        subscription_global_id(subscription_id) if subscription_id is not None else None,
        global_id(INVOICE_TYPE, invoice_id) if invoice_id is not None else None,
    )
