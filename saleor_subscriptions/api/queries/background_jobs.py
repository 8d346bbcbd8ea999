"""`backgroundJob`, `backgroundJobs` and `testClock`: the shop's jobs with their progress, and its clock."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import graphene

from saleor_subscriptions.api.ids import parse_global_id
from saleor_subscriptions.api.staff.access import staff_shop
from saleor_subscriptions.api.staff.pagination import (
    Connection,
    PageRequest,
    SortKey,
    ValueKind,
    connection_type,
    paginate,
)
from saleor_subscriptions.api.types.background_jobs import (
    BACKGROUND_JOB_TYPE,
    JOB_PERMISSIONS,
    BackgroundJobKindEnum,
    BackgroundJobType,
)
from saleor_subscriptions.jobs.models import BackgroundJob

JOB_SORT = SortKey("created", "created_at", ValueKind.DATETIME)
BackgroundJobCountableConnection = connection_type(
    "BackgroundJob", BackgroundJobType, "A page of the shop's background jobs, newest first."
)


class TestClock(graphene.ObjectType):
    """The installation's clock: a sandbox's test clock, or the real time on a live installation."""

    now = graphene.DateTime(required=True, description="What the app takes as now for this shop.")
    sandbox = graphene.Boolean(required=True, description="Whether the clock can be moved (a sandbox).")
    job = graphene.Field(BackgroundJobType, description="The advance under way, if one is.")


class BackgroundJobQueries(graphene.ObjectType):
    background_job = graphene.Field(
        BackgroundJobType,
        id=graphene.ID(required=True),
        description="One of the shop's jobs; null when the id names none. MANAGE_ORDERS or MANAGE_SETTINGS.",
    )
    background_jobs = graphene.Field(
        BackgroundJobCountableConnection,
        required=True,
        kind=BackgroundJobKindEnum(),
        first=graphene.Int(),
        after=graphene.String(),
        last=graphene.Int(),
        before=graphene.String(),
        description="The shop's jobs, newest first. MANAGE_ORDERS or MANAGE_SETTINGS.",
    )
    test_clock = graphene.Field(
        TestClock, required=True, description="The shop's clock. MANAGE_ORDERS or MANAGE_SETTINGS."
    )

    @staticmethod
    def resolve_background_job(_root: Any, info: Any, id: str) -> BackgroundJob | None:
        installation = staff_shop(info, JOB_PERMISSIONS)
        pk = parse_global_id(id, BACKGROUND_JOB_TYPE)
        if pk is None:
            return None
        return BackgroundJob.objects.filter(installation=installation, pk=pk).first()

    @staticmethod
    def resolve_background_jobs(
        _root: Any, info: Any, kind: Any = None, **page: Any
    ) -> Connection[BackgroundJob]:
        installation = staff_shop(info, JOB_PERMISSIONS)
        request = PageRequest(**page).checked()
        rows = BackgroundJob.objects.filter(installation=installation)
        if kind is not None:
            rows = rows.filter(kind=getattr(kind, "value", kind))
        return Connection(paginate(rows, JOB_SORT, True, request), rows.count)

    @staticmethod
    def resolve_test_clock(_root: Any, info: Any) -> TestClock:
        installation = staff_shop(info, JOB_PERMISSIONS)
        running = (
            BackgroundJob.objects.filter(
                installation=installation,
                kind=BackgroundJob.Kind.TEST_CLOCK,
                status__in=(BackgroundJob.Status.QUEUED, BackgroundJob.Status.RUNNING),
            )
            .order_by("-created_at")
            .first()
        )
        now: datetime = installation.now()
        return TestClock(now=now, sandbox=installation.sandbox, job=running)
