"""The Notifier port: what the domain tells customers, one method per message (ARCHITECTURE: ports).

The domain calls these inside its own transactions; an implementation must never raise into the caller, never
block on the network, and never undo the caller's work. Each message is sent at most once per occasion: asking
again for the same message (a retried renewal, say) is a no-op.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from saleor_subscriptions.catalog.models import PlanVersion
    from saleor_subscriptions.invoicing.models import Invoice
    from saleor_subscriptions.subscriptions.models import Subscription


class Notifier(Protocol):
    def signup_confirmed(self, subscription: Subscription) -> None:
        """The subscription started (or its trial did): what was bought, the price and the next charge."""

    def trial_ending(self, subscription: Subscription) -> None:
        """The trial ends in 3 days: from when and how much will be charged."""

    def renewal_upcoming(self, invoice: Invoice) -> None:
        """The renewal invoice is made `invoice_lead_days` ahead of its due date: its figures."""

    def renewal_reminder(self, subscription: Subscription, renews_on: date) -> None:
        """The subscription renews on `renews_on` (sent `renewal_reminder_days` ahead, §1): what will be
        charged, and that it can still be changed or cancelled before then."""

    def receipt(self, invoice: Invoice) -> None:
        """The invoice is paid; the invoice PDF is attached."""

    def payment_failed(self, invoice: Invoice, pay_url: str, *, attempt: int | None = None) -> None:
        """A charge failed or needs the customer (BILLING_RULES §6): the amount due and the pay link.

        `attempt` tells the reminders of one invoice apart (the dunning day); when absent the subscription's
        `dunning_days_done` is used, so each dunning step sends its reminder once.
        """

    def payment_request(self, invoice: Invoice, pay_url: str) -> None:
        """An invoice the customer is asked to pay through its pay link (a sign-up staff made with
        `pay_link` collection): the amount, the due date and the link."""

    def suspended(self, subscription: Subscription, *, pay_url: str | None = None) -> None:
        """Access stopped for non-payment (§6 day 7); paying reactivates it."""

    def termination_warning(
        self, subscription: Subscription, *, terminates_on: date | None = None, pay_url: str | None = None
    ) -> None:
        """The subscription will be cancelled for non-payment unless paid (§6 day 14)."""

    def cancelled(self, subscription: Subscription) -> None:
        """The subscription is (or will be, at period end) cancelled, by request or for non-payment."""

    def expired(self, subscription: Subscription) -> None:
        """A fixed-term subscription ran its course."""

    def plan_changed(
        self, subscription: Subscription, old_version: PlanVersion, new_version: PlanVersion
    ) -> None:
        """The plan was switched: from what, to what, the new price and when it takes effect (§7)."""

    def price_change_notice(
        self, subscription: Subscription, new_version: PlanVersion, effective_on: date
    ) -> None:
        """The price will change on `effective_on` (sent `price_change_notice_days` ahead, §1)."""
