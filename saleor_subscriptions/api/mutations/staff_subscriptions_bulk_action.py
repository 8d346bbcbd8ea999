"""`staffSubscriptionsBulkAction`: one staff action on many subscriptions, as a background job."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.auth import Scope
from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.enums import CancelEffectEnum, enum_value
from saleor_subscriptions.api.ids import parse_subscription_id
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.mutations.staff_subscription_base import (
    STAFF_ORDERS_PERMISSION,
    staff_reason_argument,
)
from saleor_subscriptions.api.staff.subscription_filters import SubscriptionFilterInput, SubscriptionQuery
from saleor_subscriptions.api.types.background_jobs import BackgroundJobError, BackgroundJobType
from saleor_subscriptions.jobs.bulk_actions import MAX_ROWS, start_bulk_action
from saleor_subscriptions.jobs.errors import JobErrorCode, JobRefused
from saleor_subscriptions.jobs.models import BackgroundJob
from saleor_subscriptions.jobs.tasks import enqueue
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

IDS_MAX = 1000

SubscriptionBulkActionEnum = graphene.Enum(
    "SubscriptionBulkAction",
    [
        ("PAUSE", BackgroundJob.Kind.PAUSE.value),
        ("RESUME", BackgroundJob.Kind.RESUME.value),
        ("CANCEL", BackgroundJob.Kind.CANCEL.value),
        ("SKIP_NEXT_PERIOD", BackgroundJob.Kind.SKIP_NEXT_PERIOD.value),
        ("PRICE_MIGRATION", BackgroundJob.Kind.PRICE_MIGRATION.value),
    ],
    description="What a bulk action does to each subscription: the single staff action of the same name "
    "(PRICE_MIGRATION: staffSubscriptionPriceChange).",
)


def _chosen_ids(installation: Installation, data: dict[str, Any]) -> list[int]:
    """The subscriptions named by `ids` (each the shop's) or matching `filter` and `search` now."""
    ids, filter_, search = data.get("ids"), data.get("filter"), data.get("search")
    if ids is not None and (filter_ is not None or search is not None):
        raise JobRefused(JobErrorCode.INVALID_OPTION, "give ids, or a filter and search, not both", "ids")
    if ids is None:
        if filter_ is None and search is None:
            raise JobRefused(JobErrorCode.NO_SUBSCRIPTIONS, "give ids, or a filter (`{}`: all)", "filter")
        rows = SubscriptionQuery(filter=filter_, search=search).rows(installation)
        return list(rows.order_by("pk").values_list("pk", flat=True)[: MAX_ROWS + 1])
    if len(ids) > IDS_MAX:
        message = f"at most {IDS_MAX} ids, not {len(ids)}: use a filter for more"
        raise JobRefused(JobErrorCode.TOO_MANY_SUBSCRIPTIONS, message, "ids")
    pks = []
    for shown in ids:
        pk = parse_subscription_id(shown)
        if pk is None:
            raise JobRefused(JobErrorCode.NOT_FOUND, f"{shown!r} is not a subscription id", "ids")
        pks.append(pk)
    shop_rows = Subscription.objects.filter(installation=installation, pk__in=pks)
    found = set(shop_rows.values_list("pk", flat=True))
    missing = [shown for shown, pk in zip(ids, pks, strict=True) if pk not in found]
    if missing:
        message = f"no subscription of this shop has the id {missing[0]!r}"
        raise JobRefused(JobErrorCode.NOT_FOUND, message, "ids")
    return pks


class StaffSubscriptionsBulkAction(ApiMutation):
    """Starts one staff action on many subscriptions and answers at once with the job (QUEUED); a worker
    applies it to each subscription in its own transaction, through the same lifecycle call as the single
    action (events name the staff user). A subscription the rules refuse gets its row's code and message and
    the job goes on. `filter` and `search` are those of `subscriptions`, resolved to the subscriptions they
    match when asked (what the owner saw), at most 100,000."""

    class Arguments:
        action = SubscriptionBulkActionEnum(required=True)
        ids = graphene.List(graphene.NonNull(graphene.ID), description=f"At most {IDS_MAX} subscriptions.")
        filter = graphene.Argument(SubscriptionFilterInput, description="Every subscription it matches.")
        search = graphene.String(description="With `filter`: as the `subscriptions` query's search.")
        periods = graphene.Int(description="PAUSE: how many periods, at least 1; default: until resumed.")
        effect = CancelEffectEnum(description="CANCEL: when it ends; default: as each plan says.")
        credit = graphene.Boolean(description="CANCEL now: credit the unused part; default: the plan's.")
        version = graphene.Int(description="PRICE_MIGRATION: the number of the version of their plan.")
        effective_on = graphene.Date(description="PRICE_MIGRATION: from; default: the earliest allowed.")
        reason = staff_reason_argument()

    job = graphene.Field(BackgroundJobType, description="The job, queued.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(BackgroundJobError)))

    permissions = (STAFF_ORDERS_PERMISSION,)
    scope = Scope.WRITE

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        installation = context.principal.shop()
        options = {
            "periods": data.get("periods"),
            "effect": enum_value(data.get("effect")),
            "credit": data.get("credit"),
            "version": data.get("version"),
            "effective_on": data.get("effective_on"),
            "reason": data.get("reason"),
        }
        try:
            ids = _chosen_ids(installation, data)
            job = start_bulk_action(installation, enum_value(data["action"]), ids, options, staff.user_id)
        except JobRefused as refused:
            error = BackgroundJobError(
                field=input_name(refused.field), code=refused.code.value, message=refused.message
            )
            return cls(job=None, errors=[error])
        enqueue(job)
        return cls(job=job, errors=[])
