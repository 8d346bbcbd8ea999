"""What happens after a renewal payment fails, as data (BILLING_RULES §6).

Days count from the due date of the failed charge (day 0). The default policy (seed 002):

    day 0   the charge fails: a reminder with a pay link (or, with `on_first_failure = suspend`, suspension)
    day 1, 3, 5   the charge is retried
    day 7   suspended ("on hold"), with an email
    day 14  a termination warning
    day 21  cancelled for nonpayment; the open invoice becomes uncollectible

Decisions:
- A RETRY step means "charge again, and when that fails send a reminder with the pay link": the reminder is
  part of the retry (it depends on the outcome), not a step of its own.
- With `on_first_failure = suspend` the subscription is suspended on day 0, so the later suspension step is
  left out; `suspend_day` must still be a valid day so that switching the setting back gives a valid policy.
- Retries are on day 1 or later (day 0 is the failure itself), and all days strictly increase: retries, then
  suspension, then the warning, then the cancellation.
- `reactivation_deadline` is the last day a customer can still pay to reactivate: the cancellation date plus
  `reactivation_window_days`, inclusive.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from enum import StrEnum
from itertools import pairwise

from saleor_subscriptions.billing.errors import CodedError


class DunningAction(StrEnum):
    """What a dunning step does (§6)."""

    REMIND = "remind"
    RETRY = "retry"
    SUSPEND = "suspend"
    WARN_TERMINATION = "warn_termination"
    CANCEL = "cancel"


class FirstFailure(StrEnum):
    """What the first failure of a renewal charge does (§6 step 1)."""

    REMIND = "remind"
    SUSPEND = "suspend"


class DunningPolicyCode(StrEnum):
    INVALID = "invalid"


class DunningPolicyError(CodedError, ValueError):
    """A dunning setting breaks a rule: names the setting and the reason (the message is "field: reason")."""

    field: str

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(DunningPolicyCode.INVALID, f"{field}: {reason}", field)
        self.reason = reason


@dataclass(frozen=True)
class DunningStep:
    """Do `action` on `day` days after the due date of the failed charge (§6)."""

    day: int
    action: DunningAction


def _check_day(field: str, value: object, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DunningPolicyError(field, f"a whole number of days, not {value!r}")
    if value < minimum:
        raise DunningPolicyError(field, f"must be at least {minimum}, got {value}")
    return value


@dataclass(frozen=True)
class DunningPolicy:
    """The failed-payment policy of an installation or a plan (§6), validated on creation."""

    on_first_failure: FirstFailure = FirstFailure.REMIND
    retry_days: tuple[int, ...] = (1, 3, 5)
    suspend_day: int = 7
    termination_warning_day: int = 14
    cancel_day: int = 21
    reactivation_window_days: int = 30

    def __post_init__(self) -> None:
        try:
            object.__setattr__(self, "on_first_failure", FirstFailure(self.on_first_failure))
        except ValueError:
            raise DunningPolicyError(
                "on_first_failure", f"must be remind or suspend, not {self.on_first_failure!r}"
            ) from None
        retries: object = self.retry_days
        if isinstance(retries, str | bytes) or not isinstance(retries, tuple | list):
            raise DunningPolicyError("retry_days", f"a list of days, not {retries!r}")
        days = tuple(_check_day("retry_days", day, minimum=1) for day in retries)
        if any(later <= earlier for earlier, later in pairwise(days)):
            raise DunningPolicyError("retry_days", f"days must strictly increase, got {list(days)}")
        object.__setattr__(self, "retry_days", days)
        last_retry = days[-1] if days else 0
        suspend = _check_day("suspend_day", self.suspend_day, minimum=1)
        if suspend <= last_retry:
            raise DunningPolicyError(
                "suspend_day", f"day {suspend} is not after the last retry on day {last_retry}"
            )
        warning = _check_day("termination_warning_day", self.termination_warning_day)
        if warning <= suspend:
            raise DunningPolicyError(
                "termination_warning_day", f"day {warning} is not after suspension on day {suspend}"
            )
        cancel = _check_day("cancel_day", self.cancel_day)
        if cancel <= warning:
            raise DunningPolicyError("cancel_day", f"day {cancel} is not after the warning on day {warning}")
        _check_day("reactivation_window_days", self.reactivation_window_days)

    def steps(self) -> tuple[DunningStep, ...]:
        """The steps in day order (§6): day 0 remind or suspend, each retry (a failed retry sends a reminder),
        suspension unless it happened on day 0, the termination warning, the cancellation."""
        suspend_first = self.on_first_failure is FirstFailure.SUSPEND
        first = DunningAction.SUSPEND if suspend_first else DunningAction.REMIND
        steps = [DunningStep(0, first)]
        steps += [DunningStep(day, DunningAction.RETRY) for day in self.retry_days]
        if first is not DunningAction.SUSPEND:
            steps.append(DunningStep(self.suspend_day, DunningAction.SUSPEND))
        steps.append(DunningStep(self.termination_warning_day, DunningAction.WARN_TERMINATION))
        steps.append(DunningStep(self.cancel_day, DunningAction.CANCEL))
        return tuple(steps)

    def next_step(self, days_done: int | None) -> DunningStep | None:
        """The first step strictly after the last day already done (§6): the day-0 step when nothing is done
        yet (None), and None once the cancellation is done."""
        steps = self.steps()
        if days_done is None:
            return steps[0]
        return next((step for step in steps if step.day > days_done), None)

    def reactivation_deadline(self, cancelled_on: date) -> date:
        """The last local date a customer cancelled on `cancelled_on` can pay to reactivate (§6 step 6)."""
        return cancelled_on + timedelta(days=self.reactivation_window_days)

    @classmethod
    def from_mapping(cls, data: Mapping[str, object], base: DunningPolicy | None = None) -> DunningPolicy:
        """A policy from stored settings (§6): `data` overrides `base` (the installation's policy under a
        plan's overrides; the defaults when None). An unknown key is a DunningPolicyError naming it."""
        known = {f.name for f in fields(cls)}
        for key in data:
            if key not in known:
                names = ", ".join(sorted(known))
                raise DunningPolicyError(str(key), f"unknown dunning setting; known: {names}")
        changes = dict(data)
        if "retry_days" in changes and isinstance(changes["retry_days"], list):
            changes["retry_days"] = tuple(changes["retry_days"])
        return replace(base if base is not None else cls(), **changes)  # type: ignore[arg-type]

    def to_mapping(self) -> dict[str, object]:
        """The policy as JSON-ready settings that `from_mapping` reads back."""
        return {
            "on_first_failure": self.on_first_failure.value,
            "retry_days": list(self.retry_days),
            "suspend_day": self.suspend_day,
            "termination_warning_day": self.termination_warning_day,
            "cancel_day": self.cancel_day,
            "reactivation_window_days": self.reactivation_window_days,
        }
