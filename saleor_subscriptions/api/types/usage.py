"""A usage record as the API shows it: what was counted, when, and the invoice that billed it."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import graphene

from saleor_subscriptions.api.ids import subscription_global_id, usage_record_global_id
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.renewals.models import UsageRecord


class UsageRecordType(graphene.ObjectType):
    """Metered use of a subscription, billed in arrears on its next renewal invoice (BILLING_RULES §1, §4)."""

    class Meta:
        name = "UsageRecord"

    id = graphene.ID(required=True)
    subscription = graphene.ID(required=True, description="The subscription's id.")
    metric = graphene.String(required=True, description="A metric of the plan's usage prices.")
    quantity = DecimalScalar(required=True)
    occurred_at = graphene.DateTime(required=True, description="When it happened (as reported, or recorded).")
    idempotency_key = graphene.String(required=True)
    invoice_number = graphene.String(description="The invoice that billed it; null until it is billed.")

    @staticmethod
    def resolve_id(root: UsageRecord, _info: Any) -> str:
        return usage_record_global_id(root.pk)

    @staticmethod
    def resolve_subscription(root: UsageRecord, _info: Any) -> str:
        return subscription_global_id(root.subscription_id)

    @staticmethod
    def resolve_quantity(root: UsageRecord, _info: Any) -> str:
        return format(root.quantity.normalize(), "f")

    @staticmethod
    def resolve_occurred_at(root: UsageRecord, _info: Any) -> datetime:
        return root.recorded_at.astimezone(UTC)

    @staticmethod
    def resolve_invoice_number(root: UsageRecord, _info: Any) -> str | None:
        if root.invoice_id is None:
            return None
        return root.invoice.number if root.invoice is not None else None
