"""`subscriptionReport` and `billingIntegrity`: the shop owner's figures (staff with MANAGE_ORDERS).

A report first brings the MRR change table up to the newest event (`reports.changes.refresh`: beat keeps it
current every minute, so this rebuilds only the subscriptions with newer events, and does not wait for a
refresh already running), then each of its fields runs its own statement when asked for, so a page that shows
only MRR reads only the change table.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import context_of
from saleor_subscriptions.api.types.staff_reports import (
    BillingIntegrity,
    IntegrityFinding,
    ReportError,
    ReportGranularityEnum,
    ReportSource,
    SubscriptionReportResult,
    finding_ids,
)
from saleor_subscriptions.reports.changes import refresh
from saleor_subscriptions.reports.integrity import findings
from saleor_subscriptions.reports.periods import (
    Granularity,
    ReportErrorCode,
    ReportRefused,
    scope_of,
)

REPORTS_PERMISSION = "MANAGE_ORDERS"
MAX_FINDINGS = 1000


def _errors(refused: ReportRefused) -> list[ReportError]:
    return [ReportError(field=refused.field, code=refused.code, message=refused.message)]


class StaffReportQueries(graphene.ObjectType):
    subscription_report = graphene.Field(
        graphene.NonNull(SubscriptionReportResult),
        channel=graphene.String(description="A channel's slug: its subscriptions, in its currency."),
        currency=graphene.String(description="Every channel selling in this currency (without `channel`)."),
        start=graphene.Date(name="from", required=True, description="The first day (installation's zone)."),
        end=graphene.Date(name="to", required=True, description="The last day, inclusive."),
        granularity=ReportGranularityEnum(default_value=Granularity.MONTH.value),
        description=(
            "MRR and ARR with their movements, subscribers, trials, churn, payment recovery and events per "
            "day, week or month; upcoming revenue and revenue by plan and product (docs/reports.md). Staff "
            "with MANAGE_ORDERS."
        ),
    )
    billing_integrity = graphene.Field(
        graphene.NonNull(BillingIntegrity),
        limit=graphene.Int(default_value=100, description=f"At most this many rows (1 to {MAX_FINDINGS})."),
        description=(
            "The rows that break a rule of billing integrity (docs/reports.md); none on a clean history. "
            "Staff with MANAGE_ORDERS."
        ),
    )

    @staticmethod
    def resolve_subscription_report(  # noqa: PLR0917 (graphene passes the arguments by name)
        _root: Any,
        info: Any,
        start: date,
        end: date,
        channel: str | None = None,
        currency: str | None = None,
        granularity: Any = Granularity.MONTH.value,
    ) -> SubscriptionReportResult:
        principal = context_of(info).principal
        principal.require_permissions([REPORTS_PERMISSION], scope=Scope.READ)
        installation = principal.shop()
        unit = Granularity(getattr(granularity, "value", granularity))
        try:
            scope = scope_of(
                installation.pk, channel=channel, currency=currency, start=start, end=end, granularity=unit
            )
        except ReportRefused as refused:
            return SubscriptionReportResult(report=None, errors=_errors(refused))
        refresh(installation.pk, wait=False)
        source = ReportSource(scope, str(installation.zone), installation.now())
        return SubscriptionReportResult(report=source, errors=[])

    @staticmethod
    def resolve_billing_integrity(_root: Any, info: Any, limit: int = 100) -> BillingIntegrity:
        principal = context_of(info).principal
        principal.require_permissions([REPORTS_PERMISSION], scope=Scope.READ)
        installation = principal.shop()
        if not 1 <= limit <= MAX_FINDINGS:
            refused = ReportRefused(ReportErrorCode.INVALID, f"from 1 to {MAX_FINDINGS}", "limit")
            return BillingIntegrity(findings=[], truncated=False, errors=_errors(refused))
        rows, truncated = findings(installation.pk, limit)
        listed = []
        for row in rows:
            subscription_id, invoice_id = finding_ids(row.subscription_id, row.invoice_id)
            listed.append(
                IntegrityFinding(
                    rule=row.rule,
                    subscription_id=subscription_id,
                    invoice_id=invoice_id,
                    invoice_number=row.invoice_number,
                    expected=row.expected,
                    found=row.found,
                )
            )
        return BillingIntegrity(findings=listed, truncated=truncated, errors=[])
