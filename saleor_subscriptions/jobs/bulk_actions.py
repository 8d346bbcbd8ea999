"""Bulk actions on subscriptions: the same lifecycle call as the staff's single action, once per subscription,
each in its own transaction with the row that records it (BILLING_RULES §7, "an admin may also …").

A job is made with its rows (the subscriptions chosen when it was asked for) and its options checked, then
each row is applied by `apply_row`: the row is locked, skipped unless still pending, the action is run and the
outcome written in the same transaction. A crash rolls both back; a row is never applied twice, whoever runs
it again. A refusal (the lifecycle's coded reason) is recorded on the row and the job goes on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from saleor_subscriptions import lifecycle
from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.jobs.errors import JobErrorCode, JobRefused, RowErrorCode
from saleor_subscriptions.jobs.models import BackgroundJob, BackgroundJobRow
from saleor_subscriptions.lifecycle.self_service import (
    REASON_MAX,
    CustomerRequestCode,
    CustomerRequestRefused,
)
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

MAX_ROWS = 100_000
"""The most subscriptions one job may change (the shop's list stays fast at this many)."""
BULK_KINDS = (
    BackgroundJob.Kind.PAUSE,
    BackgroundJob.Kind.RESUME,
    BackgroundJob.Kind.CANCEL,
    BackgroundJob.Kind.SKIP_NEXT_PERIOD,
    BackgroundJob.Kind.PRICE_MIGRATION,
)
CANCEL_EFFECTS = ("immediately", "period_end")


def checked_options(kind: str, options: dict[str, Any]) -> dict[str, Any]:
    """The options an action keeps (JSON), each checked; JobRefused naming the option otherwise."""
    reason = options.get("reason") or ""
    if len(reason) > REASON_MAX:
        raise JobRefused(
            JobErrorCode.INVALID_OPTION, f"at most {REASON_MAX} characters, not {len(reason)}", "reason"
        )
    kept: dict[str, Any] = {"reason": reason}
    if kind == BackgroundJob.Kind.PAUSE:
        periods = options.get("periods")
        if periods is not None and periods < 1:
            raise JobRefused(JobErrorCode.INVALID_OPTION, f"at least 1, not {periods}", "periods")
        kept["periods"] = periods
    elif kind == BackgroundJob.Kind.CANCEL:
        effect = options.get("effect")
        if effect is not None and effect not in CANCEL_EFFECTS:
            raise JobRefused(JobErrorCode.INVALID_OPTION, f"not a cancel effect: {effect!r}", "effect")
        kept.update(effect=effect, credit=options.get("credit"))
    elif kind == BackgroundJob.Kind.PRICE_MIGRATION:
        version = options.get("version")
        if version is None or version < 1:
            raise JobRefused(JobErrorCode.INVALID_OPTION, "the version to move to (1 or more)", "version")
        effective_on = options.get("effective_on")
        kept.update(version=version, effective_on=effective_on.isoformat() if effective_on else None)
    return kept


def start_bulk_action(
    installation: Installation,
    kind: str,
    subscription_ids: Sequence[int],
    options: dict[str, Any],
    started_by: str,
) -> BackgroundJob:
    """A queued job of `kind` on `subscription_ids` (the shop's, in this order, each once) with its rows;
    the caller sends it to a worker (`tasks.enqueue`) once committed."""
    if kind not in BULK_KINDS:
        raise JobRefused(JobErrorCode.INVALID_OPTION, f"not a bulk action: {kind!r}", "action")
    kept = checked_options(kind, options)
    ids = list(dict.fromkeys(subscription_ids))
    if not ids:
        raise JobRefused(JobErrorCode.NO_SUBSCRIPTIONS, "no subscription is chosen", "ids")
    if len(ids) > MAX_ROWS:
        message = f"at most {MAX_ROWS} subscriptions in one job, not {len(ids)}: narrow the filter"
        raise JobRefused(JobErrorCode.TOO_MANY_SUBSCRIPTIONS, message, "filter")
    with transaction.atomic():
        job = BackgroundJob.objects.create(
            installation=installation, kind=kind, options=kept, total=len(ids), started_by=started_by
        )
        BackgroundJobRow.objects.bulk_create(
            (BackgroundJobRow(job=job, position=n, subscription_id=pk) for n, pk in enumerate(ids)),
            batch_size=5000,
        )
    return job


Action = Callable[..., Any]


def _version_of_its_plan(subscription: Subscription, number: int) -> PlanVersion:
    found = PlanVersion.objects.filter(plan_id=subscription.plan_version.plan_id, version=number).first()
    if found is None:
        message = f"the plan has no version {number}"
        raise CustomerRequestRefused("version", CustomerRequestCode.PLAN_NOT_FOUND, message)
    return found


def action_of(job: BackgroundJob) -> Action:
    """The lifecycle call of the job's kind with its options: the staff mutations' own calls."""
    options = job.options
    if job.kind == BackgroundJob.Kind.PAUSE:
        return lambda sub, **who: lifecycle.pause_subscription(sub, periods=options.get("periods"), **who)
    if job.kind == BackgroundJob.Kind.RESUME:
        return lifecycle.resume_subscription
    if job.kind == BackgroundJob.Kind.SKIP_NEXT_PERIOD:
        return lifecycle.skip_next_period
    if job.kind == BackgroundJob.Kind.CANCEL:
        return lambda sub, **who: lifecycle.cancel_subscription(
            sub, effect=options.get("effect"), credit=options.get("credit"), **who
        )
    if job.kind == BackgroundJob.Kind.PRICE_MIGRATION:
        effective_on = options.get("effective_on")
        return lambda sub, **who: lifecycle.move_to_version(
            sub,
            _version_of_its_plan(sub, options["version"]),
            effective_on=date.fromisoformat(effective_on) if effective_on else None,
            **who,
        )
    raise ValueError(f"job {job.pk} is not a bulk action ({job.kind})")


def apply_row(job: BackgroundJob, row_id: int, action: Action) -> bool:
    """Apply the job's action to one row's subscription unless the row is done already or being applied by
    another worker (locked); True when this call applied or refused it."""
    with transaction.atomic():
        row = (
            BackgroundJobRow.objects.select_for_update(skip_locked=True)
            .filter(pk=row_id, job=job, outcome=BackgroundJobRow.Outcome.PENDING)
            .first()
        )
        if row is None:
            return False
        subscription = (
            Subscription.objects.filter(installation_id=job.installation_id, pk=row.subscription_id)
            .select_related("installation", "plan_version__plan")
            .first()
        )
        row.outcome, row.code, row.message = BackgroundJobRow.Outcome.OK, "", ""
        if subscription is None:
            row.outcome, row.code = BackgroundJobRow.Outcome.FAILED, RowErrorCode.NOT_FOUND.value
            row.message = f"subscription {row.subscription_id} is no longer in this shop"
        else:
            try:
                with transaction.atomic():
                    action(
                        subscription,
                        actor=Actor.STAFF,
                        actor_id=job.started_by,
                        reason=job.options.get("reason") or "",
                    )
            except CodedError as refused:
                row.outcome, row.code, row.message = (
                    BackgroundJobRow.Outcome.FAILED,
                    refused.code.value,
                    refused.message,
                )
            except Exception:
                # A fault of this row only (the others go on); the log keeps the traceback.
                logger.exception("job %s: subscription %s failed", job.pk, row.subscription_id)
                row.outcome, row.code = BackgroundJobRow.Outcome.FAILED, RowErrorCode.INTERNAL_ERROR.value
                row.message = "an unexpected error; the app's log has the details"
        row.finished_at = timezone.now()
        row.save(update_fields=["outcome", "code", "message", "finished_at"])
        return True
