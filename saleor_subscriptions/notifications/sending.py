"""Delivering stored emails over the configured backend (SMTP in production), each at most once.

A row is sent under a row lock and only while `queued`; a failure is recorded on the row with the time of the
next attempt, and after MAX_ATTEMPTS the row is `failed`. Nothing here raises into a caller.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.notifications.models import OutgoingEmail

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 6
# The task's own retry comes first; the sweeper only picks up rows whose retry never came (a lost task).
SWEEPER_GRACE = timedelta(minutes=5)


def retry_delay(attempts: int) -> timedelta:
    """Backoff after the n-th failed attempt: 1, 4, 16, 64 minutes, then at most 4 hours."""
    return min(timedelta(minutes=4 ** max(attempts - 1, 0)), timedelta(hours=4))


@dataclass(frozen=True)
class Delivery:
    """What one delivery attempt came to: `sent`, `retry` (with `retry_in`), `failed` or `skipped`."""

    outcome: str
    retry_in: timedelta | None = None


def deliver(outgoing_email_id: int, *, now: datetime | None = None) -> Delivery:
    """Send one queued email now; a sent, failed or concurrently locked row is left alone (at most once)."""
    with transaction.atomic():
        email = (
            OutgoingEmail.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("installation", "invoice")
            .filter(pk=outgoing_email_id)
            .first()
        )
        if email is None or email.status != OutgoingEmail.Status.QUEUED:
            return Delivery("skipped")
        at = now or timezone.now()
        email.attempts += 1
        try:
            as_email_message(email).send(fail_silently=False)
        except Exception as exc:
            email.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            if email.attempts >= MAX_ATTEMPTS:
                email.status = OutgoingEmail.Status.FAILED
                email.save(update_fields=["attempts", "last_error", "status"])
                logger.error("email %s failed for good after %s attempts: %s", email.pk, email.attempts, exc)
                return Delivery("failed")
            delay = retry_delay(email.attempts)
            email.next_attempt_at = at + delay + SWEEPER_GRACE
            email.save(update_fields=["attempts", "last_error", "next_attempt_at"])
            logger.warning(
                "email %s not sent (attempt %s), retrying in %s: %s", email.pk, email.attempts, delay, exc
            )
            return Delivery("retry", retry_in=delay)
        email.status = OutgoingEmail.Status.SENT
        email.sent_at = at
        email.save(update_fields=["attempts", "status", "sent_at"])
        return Delivery("sent")


def send_due_emails(now: datetime, *, limit: int = 200) -> int:
    """Send queued emails whose time has come (enqueues lost in a crash, retries whose task vanished).

    Returns how many were sent.
    """
    due = (
        OutgoingEmail.objects.filter(status=OutgoingEmail.Status.QUEUED, next_attempt_at__lte=now)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:limit]
    )
    return sum(1 for pk in list(due) if deliver(pk, now=now).outcome == "sent")


def as_email_message(email: OutgoingEmail) -> EmailMultiAlternatives:
    """The stored email as a MIME message: text and HTML parts, and the invoice PDF where it has one."""
    message = EmailMultiAlternatives(
        subject=email.subject,
        body=email.text_body,
        from_email=email.from_email,
        to=[email.to_email],
        headers={"Content-Language": email.language, "Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(email.html_body, "text/html")
    if email.attach_invoice_pdf:
        if email.invoice is None:
            raise ValueError(f"email {email.pk} should carry an invoice PDF but its invoice is gone")
        name = email.invoice.number or f"invoice-{email.invoice.pk}"
        message.attach(f"{name}.pdf", render_invoice_pdf(email.invoice), "application/pdf")
    return message
