"""`BackgroundJob`: a bulk action or a test-clock advance, its progress and its result per subscription."""

from __future__ import annotations

from typing import Any

import graphene

from saleor_subscriptions.api.ids import global_id, subscription_global_id
from saleor_subscriptions.api.staff.pagination import bad_argument
from saleor_subscriptions.jobs.errors import JobErrorCode
from saleor_subscriptions.jobs.models import BackgroundJob, BackgroundJobRow

BACKGROUND_JOB_TYPE = "BackgroundJob"
RESULTS_MAX = 1000
JOB_PERMISSIONS = ("MANAGE_ORDERS", "MANAGE_SETTINGS")
"""Reading jobs: bulk actions are started with MANAGE_ORDERS, clock advances with MANAGE_SETTINGS."""

BackgroundJobKindEnum = graphene.Enum(
    "BackgroundJobKind",
    [(kind.name, kind.value) for kind in BackgroundJob.Kind],
    description="What a background job does.",
)
BackgroundJobStatusEnum = graphene.Enum(
    "BackgroundJobStatus",
    [(status.name, status.value) for status in BackgroundJob.Status],
    description="QUEUED (waiting for a worker), RUNNING, DONE (all rows tried), FAILED (`message`).",
)
BackgroundJobRowOutcomeEnum = graphene.Enum(
    "BackgroundJobRowOutcome",
    [(outcome.name, outcome.value) for outcome in BackgroundJobRow.Outcome],
    description="PENDING (not tried yet), OK (changed), FAILED (refused: `code` and `message`).",
)
BackgroundJobErrorCodeEnum = graphene.Enum(
    "BackgroundJobErrorCode",
    [(code.name, code.value) for code in JobErrorCode],
    description="Why a background job was not started.",
)


class BackgroundJobError(graphene.ObjectType):
    field = graphene.String(description="The argument that was refused; null for the request as a whole.")
    code = BackgroundJobErrorCodeEnum(required=True)
    message = graphene.String(required=True, description="What is wrong, for people.")


class BackgroundJobResult(graphene.ObjectType):
    """What the job did to one subscription."""

    subscription_id = graphene.ID(required=True, description="The subscription's global id.")
    number = graphene.Int(required=True, description="The subscription's number.")
    outcome = BackgroundJobRowOutcomeEnum(required=True)
    code = graphene.String(
        description="Why it was refused: the code the single staff action answers (SubscriptionErrorCode), "
        "NOT_FOUND or INTERNAL_ERROR."
    )
    message = graphene.String(description="Why it was refused, for people.")
    finished_at = graphene.DateTime()

    @staticmethod
    def resolve_subscription_id(root: BackgroundJobRow, _info: Any) -> str:
        return subscription_global_id(root.subscription_id)

    @staticmethod
    def resolve_number(root: BackgroundJobRow, _info: Any) -> int:
        return root.subscription_id

    @staticmethod
    def resolve_outcome(root: BackgroundJobRow, _info: Any) -> str:
        return BackgroundJobRow.Outcome(root.outcome).value

    @staticmethod
    def resolve_code(root: BackgroundJobRow, _info: Any) -> str | None:
        return root.code.upper() or None

    @staticmethod
    def resolve_message(root: BackgroundJobRow, _info: Any) -> str | None:
        return root.message or None


class BackgroundJobType(graphene.ObjectType):
    """A job started from the dashboard or the API, run by a worker in chunks. Bulk actions: one row per
    subscription (`total`), `done` of them tried, `failed` of those refused. The test clock: `done` is the
    percent of the way (`total` 100)."""

    class Meta:
        name = "BackgroundJob"

    id = graphene.ID(required=True)
    kind = BackgroundJobKindEnum(required=True)
    status = BackgroundJobStatusEnum(required=True)
    total = graphene.Int(required=True)
    done = graphene.Int(required=True)
    failed = graphene.Int(required=True)
    started_by = graphene.String(required=True, description="The staff user's Saleor id, or `api-key:…`.")
    options = graphene.JSONString(required=True, description="The action's options, as given.")
    message = graphene.String(description="Why the job stopped, or what the clock did.")
    created_at = graphene.DateTime(required=True)
    started_at = graphene.DateTime()
    finished_at = graphene.DateTime()
    results = graphene.List(
        graphene.NonNull(BackgroundJobResult),
        required=True,
        first=graphene.Int(default_value=100, description=f"At most {RESULTS_MAX}."),
        offset=graphene.Int(default_value=0),
        outcome=BackgroundJobRowOutcomeEnum(description="Only rows with this outcome."),
        description="Per subscription, in the job's order.",
    )

    @staticmethod
    def resolve_id(root: BackgroundJob, _info: Any) -> str:
        return global_id(BACKGROUND_JOB_TYPE, root.pk)

    @staticmethod
    def resolve_kind(root: BackgroundJob, _info: Any) -> str:
        return BackgroundJob.Kind(root.kind).value  # the plain value, which the enum maps to its name

    @staticmethod
    def resolve_status(root: BackgroundJob, _info: Any) -> str:
        return BackgroundJob.Status(root.status).value

    @staticmethod
    def resolve_message(root: BackgroundJob, _info: Any) -> str | None:
        return root.message or None

    @staticmethod
    def resolve_results(
        root: BackgroundJob, _info: Any, first: int, offset: int, outcome: Any = None
    ) -> list[BackgroundJobRow]:
        if not 1 <= first <= RESULTS_MAX:
            raise bad_argument("first", f"must be 1 to {RESULTS_MAX}, not {first}")
        if offset < 0:
            raise bad_argument("offset", f"must be 0 or more, not {offset}")
        rows = root.rows.order_by("position")
        if outcome is not None:
            rows = rows.filter(outcome=getattr(outcome, "value", outcome))
        return list(rows[offset : offset + first])
