"""`subscriptionUsageRecord` and `subscriptionUsageRecordBulk`: a shop reports metered use of a subscription
(BILLING_RULES §1 `usage_prices`, §4), billed in arrears on its next renewal invoice as a usage line.

The caller is the dashboard's token for this app (staff) with MANAGE_ORDERS, or an API key with the `usage`
scope (a shop's back-end).
Refusals come back in `errors` with a `UsageErrorCode` naming the argument; the rules are those of
`renewals.usage`. The bulk form takes up to `BULK_MAX` records and answers each on its own (per record, not
all or nothing): every record is stored or refused by itself, in its own transaction, and its idempotency key
makes sending the whole batch again safe.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import graphene
from django.db import transaction

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.scalars import Decimal as DecimalScalar
from saleor_subscriptions.api.types.errors import UsageError
from saleor_subscriptions.api.types.usage import UsageRecordType
from saleor_subscriptions.renewals.usage import Recorded, UsageErrorCode, UsageRefused, report_usage
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

USAGE_PERMISSION = "MANAGE_ORDERS"
"""What the dashboard's token must carry to report usage; an API key needs the `usage` scope."""
BULK_MAX = 100
ID_MAX = 100


def _quantity() -> DecimalScalar:
    return DecimalScalar(required=True, description='How much, above 0, at most 6 decimals ("1", "0.25").')


def _occurred_at() -> graphene.DateTime:
    return graphene.DateTime(
        description="When it happened, with an offset: from the open period's start up to now; default now."
    )


def _idempotency_key() -> graphene.String:
    return graphene.String(
        required=True,
        description=(
            "Unique per shop, 1 to 200 characters: sent again with the same figures it answers the same "
            "record; with other figures it is refused (IDEMPOTENCY_KEY_REUSED)."
        ),
    )


class UsageRecordInput(graphene.InputObjectType):
    """One usage record of a bulk report: the arguments of `subscriptionUsageRecord`."""

    subscription = graphene.ID(required=True, description="The subscription's id.")
    metric = graphene.String(required=True, description="A metric of the plan's usage prices.")
    quantity = _quantity()
    occurred_at = _occurred_at()
    idempotency_key = _idempotency_key()


def _find(given: str, found: Mapping[int, Subscription]) -> Subscription:
    pk = parse_subscription_id(given) if len(given) <= ID_MAX else None
    subscription = found.get(pk) if pk is not None else None
    if subscription is None:
        message = f"no subscription of this shop has the id {given[:ID_MAX]!r}"
        raise UsageRefused(UsageErrorCode.NOT_FOUND, message, "subscription")
    return subscription


def _subscriptions(installation: Installation, ids: list[str]) -> dict[int, Subscription]:
    """The shop's subscriptions named by `ids` (global ids), in one query."""
    pks = [pk for given in ids if len(given) <= ID_MAX and (pk := parse_subscription_id(given)) is not None]
    found = Subscription.objects.select_related("installation", "plan_version").filter(
        installation=installation, pk__in=pks
    )
    return {subscription.pk: subscription for subscription in found}


def _report(data: Mapping[str, Any], found: Mapping[int, Subscription]) -> Recorded:
    subscription = _find(data["subscription"], found)
    occurred_at: datetime | None = data.get("occurred_at")
    with transaction.atomic():
        return report_usage(
            subscription,
            data["metric"],
            data["quantity"],
            data["idempotency_key"],
            occurred_at=occurred_at,
        )


def _errors(refused: UsageRefused) -> list[UsageError]:
    return [UsageError(field=input_name(refused.field), code=refused.code, message=refused.message)]


class SubscriptionUsageRecord(ApiMutation):
    """Records metered use of a subscription (staff with MANAGE_ORDERS, or an API key with the usage scope),
    billed on its next renewal invoice. `created` is false when the idempotency key answered an earlier
    record."""

    class Arguments:
        subscription = graphene.ID(required=True, description="The subscription's id.")
        metric = graphene.String(required=True, description="A metric of the plan's usage prices.")
        quantity = _quantity()
        occurred_at = _occurred_at()
        idempotency_key = _idempotency_key()

    usage_record = graphene.Field(UsageRecordType)
    created = graphene.Boolean(required=True, description="False: an earlier call with this key made it.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(UsageError)))

    permissions = (USAGE_PERMISSION,)
    scope = Scope.USAGE

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> SubscriptionUsageRecord:
        installation = context.principal.shop()
        try:
            recorded = _report(data, _subscriptions(installation, [data["subscription"]]))
        except UsageRefused as refused:
            return cls(usage_record=None, created=False, errors=_errors(refused))
        return cls(usage_record=recorded.record, created=recorded.created, errors=[])


class UsageRecordResult(graphene.ObjectType):
    """The answer to one record of a bulk report, in the order sent."""

    usage_record = graphene.Field(UsageRecordType)
    created = graphene.Boolean(required=True, description="False: refused, or an earlier call made it.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(UsageError)))


class SubscriptionUsageRecordBulk(ApiMutation):
    """Records up to 100 usage records at once (staff with MANAGE_ORDERS, or an API key with the usage
    scope), each on its own: `results` answers every record in the order sent, stored or refused; one refused
    record does not stop the others."""

    class Arguments:
        records = graphene.List(graphene.NonNull(UsageRecordInput), required=True)

    results = graphene.NonNull(graphene.List(graphene.NonNull(UsageRecordResult)))
    errors = graphene.NonNull(
        graphene.List(graphene.NonNull(UsageError)), description="Refusals of the request as a whole."
    )

    permissions = (USAGE_PERMISSION,)
    scope = Scope.USAGE

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> SubscriptionUsageRecordBulk:
        installation = context.principal.shop()
        records: list[Mapping[str, Any]] = data["records"]
        if len(records) > BULK_MAX:
            message = f"at most {BULK_MAX} records at once, not {len(records)}"
            refused = UsageRefused(UsageErrorCode.TOO_MANY_RECORDS, message, "records")
            return cls(results=[], errors=_errors(refused))
        found = _subscriptions(installation, [record["subscription"] for record in records])
        results = []
        for record in records:
            try:
                recorded = _report(record, found)
            except UsageRefused as refused:
                results.append(UsageRecordResult(usage_record=None, created=False, errors=_errors(refused)))
            else:
                results.append(
                    UsageRecordResult(usage_record=recorded.record, created=recorded.created, errors=[])
                )
        return cls(results=results, errors=[])
