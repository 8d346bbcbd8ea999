"""EmailNotifier: the Notifier that emails customers through the outbox (never sends inline).

Each call writes the finished email as an `OutgoingEmail` row inside the caller's transaction (in a savepoint,
so a failure here never undoes the caller's work) and hands it to a worker once that transaction commits.
"""

from __future__ import annotations

import logging
from datetime import date
from functools import partial

from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications import messages
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.notifications.rendering import render, sender
from saleor_subscriptions.notifications.sending import SWEEPER_GRACE
from saleor_subscriptions.notifications.tasks import enqueue
from saleor_subscriptions.subscriptions.contacts import contact_url, contacts_of
from saleor_subscriptions.subscriptions.models import Subscription

logger = logging.getLogger(__name__)


class EmailNotifier:
    """Writes each message once per occasion (its idempotency key) and queues it for sending."""

    def signup_confirmed(self, subscription: Subscription) -> None:
        self.queue(lambda: messages.signup_confirmed(subscription))

    def trial_ending(self, subscription: Subscription) -> None:
        self.queue(lambda: messages.trial_ending(subscription))

    def renewal_upcoming(self, invoice: Invoice) -> None:
        self.queue(lambda: messages.renewal_upcoming(invoice))
        self._to_contacts(invoice, lambda: messages.renewal_upcoming(invoice))

    def renewal_reminder(self, subscription: Subscription, renews_on: date) -> None:
        self.queue(lambda: messages.renewal_reminder(subscription, renews_on))

    def receipt(self, invoice: Invoice) -> None:
        self.queue(lambda: messages.receipt(invoice))
        self._to_contacts(invoice, lambda: messages.receipt(invoice))

    def payment_failed(self, invoice: Invoice, pay_url: str, *, attempt: int | None = None) -> None:
        self.queue(lambda: messages.payment_failed(invoice, pay_url, attempt=attempt))
        self._to_contacts(invoice, lambda: messages.payment_failed(invoice, pay_url, attempt=attempt))

    def payment_request(self, invoice: Invoice, pay_url: str) -> None:
        self.queue(lambda: messages.payment_request(invoice, pay_url))
        self._to_contacts(invoice, lambda: messages.payment_request(invoice, pay_url))

    def suspended(self, subscription: Subscription, *, pay_url: str | None = None) -> None:
        self.queue(lambda: messages.suspended(subscription, pay_url=pay_url))

    def termination_warning(
        self, subscription: Subscription, *, terminates_on: date | None = None, pay_url: str | None = None
    ) -> None:
        self.queue(
            lambda: messages.termination_warning(subscription, terminates_on=terminates_on, pay_url=pay_url)
        )

    def cancelled(self, subscription: Subscription) -> None:
        self.queue(lambda: messages.cancelled(subscription))

    def expired(self, subscription: Subscription) -> None:
        self.queue(lambda: messages.expired(subscription))

    def plan_changed(
        self, subscription: Subscription, old_version: PlanVersion, new_version: PlanVersion
    ) -> None:
        self.queue(lambda: messages.plan_changed(subscription, old_version, new_version))

    def price_change_notice(
        self, subscription: Subscription, new_version: PlanVersion, effective_on: date
    ) -> None:
        self.queue(lambda: messages.price_change_notice(subscription, new_version, effective_on))

    def _to_contacts(self, invoice: Invoice, compose: messages.Composer) -> None:
        """A copy of an invoice or payment request for each of the customer's billing contacts: their own
        occasion, and their own link (the portal's read-only invoice pages) in place of the pay link.
        Never raises, like `queue`."""
        try:
            contacts = contacts_of(invoice.subscription)
        except Exception:
            logger.exception("could not find the billing contacts of an invoice; the caller's work is kept")
            return
        for contact in contacts:
            self.queue(
                partial(messages.for_contact, compose, contact.pk, contact.email, contact_url(contact))
            )

    def queue(self, compose: messages.Composer) -> OutgoingEmail | None:
        """Store the composed email unless this occasion already has one; send it after the caller commits.

        Never raises: an email that cannot be written is logged, and the caller's transaction goes on.
        """
        try:
            with transaction.atomic():
                return self._store(compose())
        except Exception:
            logger.exception("could not queue an email; the caller's work is kept")
            return None

    def _store(self, message: messages.Message) -> OutgoingEmail:
        existing = OutgoingEmail.objects.filter(
            installation=message.installation, idempotency_key=message.idempotency_key
        ).first()
        if existing is not None:
            return existing
        rendered = render(message)
        email, created = OutgoingEmail.objects.get_or_create(
            installation=message.installation,
            idempotency_key=message.idempotency_key,
            defaults={
                "kind": message.kind,
                "language": rendered.language,
                "from_email": sender(message.installation),
                "to_email": message.to_email,
                "subject": rendered.subject,
                "text_body": rendered.text,
                "html_body": rendered.html,
                "invoice": message.invoice,
                "attach_invoice_pdf": message.attach_invoice_pdf,
                "next_attempt_at": timezone.now() + SWEEPER_GRACE,
            },
        )
        if created:
            transaction.on_commit(partial(enqueue, email.pk), robust=True)
        return email
