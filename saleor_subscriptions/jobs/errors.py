"""Why a background job cannot be started."""

from __future__ import annotations

from enum import StrEnum

from saleor_subscriptions.billing.errors import CodedError


class JobErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    NO_SUBSCRIPTIONS = "no_subscriptions"
    TOO_MANY_SUBSCRIPTIONS = "too_many_subscriptions"
    INVALID_OPTION = "invalid_option"
    NOT_A_SANDBOX = "not_a_sandbox"
    IN_THE_PAST = "in_the_past"
    CLOCK_BUSY = "clock_busy"


class JobRefused(CodedError):
    """A job refused before it starts: nothing was queued; `field` names the argument at fault."""

    code: JobErrorCode


class RowErrorCode(StrEnum):
    """A row's codes that are not the lifecycle's own."""

    NOT_FOUND = "not_found"
    INTERNAL_ERROR = "internal_error"
