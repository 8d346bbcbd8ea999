"""Inbound messages (a Saleor webhook delivery, a Stripe event): stored raw first, then checked, accepted
once, and applied by a worker.

- `refused_answer`: a request refused before it is accepted is recorded as such and answered with
  `{status: "refused", <row>: id, error: {code, message}}` and the refusal's HTTP status;
- `accept_once`: the row is marked accepted unless one with the same key was (a database constraint), and
  is a duplicate of that one then;
- `apply_locked`: counts the attempt, runs the handler in a savepoint (when it fails, nothing it wrote
  stays), and records on the row the outcome, or the failure with its traceback and whether it was
  transient and may be retried. The caller holds the row's lock (`select_for_update`) in a transaction and
  has checked that the row may be applied.
"""

from __future__ import annotations

import json
import logging
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.db.models import Model, QuerySet
from django.http import JsonResponse
from django.utils import timezone

logger = logging.getLogger(__name__)

FAILED, PROCESSED, REFUSED, DUPLICATE = "failed", "processed", "refused", "duplicate"


@dataclass
class Refused(Exception):
    """An inbound request refused before it is accepted: the HTTP status, a code and the reason."""

    status: int
    code: str
    message: str


class StoredRequest(Protocol):
    pk: Any
    status: Any
    accepted: bool
    refusal_code: str
    refusal_reason: str
    duplicate_of: Any

    def save(self) -> None: ...


def refused_answer(row: StoredRequest, refused: Refused, *, name: str, what: str) -> JsonResponse:
    """Records the refusal on the stored request and answers it (`name`: the answer's key of the row id)."""
    row.status = REFUSED
    row.refusal_code = refused.code
    row.refusal_reason = refused.message
    row.save()
    logger.warning("%s %s refused (%s): %s", what, row.pk, refused.code, refused.message)
    error = {"code": refused.code, "message": refused.message}
    return JsonResponse({"status": "refused", name: row.pk, "error": error}, status=refused.status)


def accept_once(row: StoredRequest, accepted_before: Callable[[], QuerySet[Any]]) -> bool:
    """Marks the row accepted, unless a row with its key was (the constraint refuses a second): then it is a
    duplicate of the first of `accepted_before()` (False)."""
    try:
        with transaction.atomic():
            row.accepted = True
            row.save()
    except IntegrityError:
        row.accepted = False
        row.status = DUPLICATE
        first: Model | None = accepted_before().order_by("pk").first()
        row.duplicate_of = first
        row.save()
        return False
    return True


class InboxRow(Protocol):
    status: Any
    outcome: Any
    traceback: str
    attempts: int
    processed_at: Any

    def save(self, *, update_fields: list[str]) -> None: ...


@dataclass(frozen=True)
class Applied:
    """A row's status after an application, and whether retrying may help."""

    status: str
    retry: bool = False


def jsonable(outcome: Any) -> Any:
    """An outcome as stored in a JSON field (Decimal, dates and the like as Django's encoder writes them)."""
    return json.loads(json.dumps(outcome, cls=DjangoJSONEncoder))


def apply_locked(
    row: InboxRow,
    handle: Callable[[], Any],
    *,
    transient: Callable[[Exception], bool],
    max_attempts: int,
    what: str,
) -> Applied:
    """Run `handle` for the locked `row` and record what came of it (see the module doc). A failure is
    retried only when `transient` says so and fewer than `max_attempts` were made."""
    row.attempts += 1
    retry = False
    try:
        with transaction.atomic():
            outcome = handle()
    except Exception as exc:
        is_transient = transient(exc)
        retry = is_transient and row.attempts < max_attempts
        row.status = FAILED
        row.outcome = {"error": f"{type(exc).__name__}: {exc}", "retry": retry, "transient": is_transient}
        row.traceback = traceback.format_exc()
        logger.warning("%s failed: %s", what, exc)
    else:
        row.status = PROCESSED
        row.outcome = jsonable(outcome)
        row.traceback = ""
    row.processed_at = timezone.now()
    row.save(update_fields=["status", "outcome", "traceback", "attempts", "processed_at"])
    return Applied(str(row.status), retry)
