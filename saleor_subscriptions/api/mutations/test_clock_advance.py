"""`testClockAdvance`: move a sandbox installation's test clock forward, as a background job."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import graphene

from saleor_subscriptions.api.context import ApiContext
from saleor_subscriptions.api.mutations.base import ApiMutation, input_name
from saleor_subscriptions.api.types.background_jobs import BackgroundJobError, BackgroundJobType
from saleor_subscriptions.jobs.errors import JobErrorCode, JobRefused
from saleor_subscriptions.jobs.tasks import enqueue
from saleor_subscriptions.jobs.test_clock import start_clock_advance

MANAGE_SETTINGS = "MANAGE_SETTINGS"


class TestClockAdvance(ApiMutation):
    """Moves the sandbox's clock forward to `to`, running in order every renewal, retry, dunning step and
    email due on the way (the CLI's `clock advance`), as a job whose `done` is the percent of the way.
    Refused on a live installation (`sandbox`: NOT_A_SANDBOX), for a moment before the clock (`to`:
    IN_THE_PAST) and while another advance runs (`to`: CLOCK_BUSY)."""

    class Arguments:
        to = graphene.DateTime(required=True, description="Where the clock goes (with its offset).")

    job = graphene.Field(BackgroundJobType, description="The job, queued.")
    errors = graphene.NonNull(graphene.List(graphene.NonNull(BackgroundJobError)))

    permissions = (MANAGE_SETTINGS,)

    @classmethod
    def perform_mutation(cls, context: ApiContext, **data: Any) -> Any:
        staff = context.principal.require_permissions(cls.permissions, cls.scope)
        to: datetime = data["to"]
        try:
            if to.tzinfo is None:
                raise JobRefused(JobErrorCode.INVALID_OPTION, "give the time with its offset", "to")
            job = start_clock_advance(context.principal.shop(), to, staff.user_id)
        except JobRefused as refused:
            error = BackgroundJobError(
                field=input_name(refused.field), code=refused.code.value, message=refused.message
            )
            return cls(job=None, errors=[error])
        enqueue(job)
        return cls(job=job, errors=[])
