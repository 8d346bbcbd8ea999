"""A Notifier that only remembers what it was asked to say: for the unit tests of the domain."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from saleor_subscriptions.catalog.models import PlanVersion
    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.subscriptions.models import Subscription


@dataclass(frozen=True)
class Notification:
    """One call to the notifier: the message kind and what it was called with."""

    kind: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


@dataclass
class RecordingNotifier:
    """Records every call, in order; `kinds()` and `of(kind)` make assertions short."""

    calls: list[Notification] = field(default_factory=list)

    def kinds(self) -> list[str]:
        return [call.kind for call in self.calls]

    def of(self, kind: str) -> list[Notification]:
        return [call for call in self.calls if call.kind == kind]

    def _record(self, kind: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append(Notification(kind, args, kwargs))

    def signup_confirmed(self, subscription: Subscription) -> None:
        self._record("signup_confirmed", subscription)

    def trial_ending(self, subscription: Subscription) -> None:
        self._record("trial_ending", subscription)

    def renewal_upcoming(self, invoice: Invoice) -> None:
        self._record("renewal_upcoming", invoice)

    def renewal_reminder(self, subscription: Subscription, renews_on: date) -> None:
        self._record("renewal_reminder", subscription, renews_on)

    def receipt(self, invoice: Invoice) -> None:
        self._record("receipt", invoice)

    def payment_failed(self, invoice: Invoice, pay_url: str, *, attempt: int | None = None) -> None:
        self._record("payment_failed", invoice, pay_url, attempt=attempt)

    def payment_request(self, invoice: Invoice, pay_url: str) -> None:
        self._record("payment_request", invoice, pay_url)

    def suspended(self, subscription: Subscription, *, pay_url: str | None = None) -> None:
        self._record("suspended", subscription, pay_url=pay_url)

    def termination_warning(
        self, subscription: Subscription, *, terminates_on: date | None = None, pay_url: str | None = None
    ) -> None:
        self._record("termination_warning", subscription, terminates_on=terminates_on, pay_url=pay_url)

    def cancelled(self, subscription: Subscription) -> None:
        self._record("cancelled", subscription)

    def expired(self, subscription: Subscription) -> None:
        self._record("expired", subscription)

    def plan_changed(
        self, subscription: Subscription, old_version: PlanVersion, new_version: PlanVersion
    ) -> None:
        self._record("plan_changed", subscription, old_version, new_version)

    def price_change_notice(
        self, subscription: Subscription, new_version: PlanVersion, effective_on: date
    ) -> None:
        self._record("price_change_notice", subscription, new_version, effective_on)
