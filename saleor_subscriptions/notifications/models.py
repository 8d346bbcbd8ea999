"""The outbox of emails: each one is stored before it is sent, so a send can be retried and never doubles."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.tenants.models import Installation


class MessageKind(models.TextChoices):
    SIGNUP_CONFIRMED = "signup_confirmed", "Sign-up confirmation"
    TRIAL_ENDING = "trial_ending", "Trial ends soon"
    RENEWAL_UPCOMING = "renewal_upcoming", "Upcoming renewal"
    RENEWAL_REMINDER = "renewal_reminder", "Renewal reminder"
    RECEIPT = "receipt", "Receipt"
    PAYMENT_FAILED = "payment_failed", "Payment failed"
    PAYMENT_REQUEST = "payment_request", "Payment request"
    SUSPENDED = "suspended", "Suspended"
    TERMINATION_WARNING = "termination_warning", "Termination warning"
    CANCELLED = "cancelled", "Cancelled"
    CANCELLATION_SCHEDULED = "cancellation_scheduled", "Cancellation scheduled"
    CANCELLATION_UNDONE = "cancellation_undone", "Cancellation undone"
    EXPIRED = "expired", "Expired"
    PLAN_CHANGED = "plan_changed", "Plan changed"
    PRICE_CHANGE_NOTICE = "price_change_notice", "Price change notice"
    PORTAL_SIGN_IN = "portal_sign_in", "Portal sign-in link"


class EmailStatus(models.TextChoices):
    QUEUED = "queued", "Queued"
    SENT = "sent", "Sent"
    FAILED = "failed", "Failed"


class OutgoingEmail(models.Model):
    """One email to one customer, written in full when the event happens and sent by a worker afterwards.

    The idempotency key (unique per installation) makes asking twice for the same message a no-op; the status
    makes sending it twice impossible: only a `queued` row is sent, under a row lock, and becomes `sent`.
    """

    Status = EmailStatus

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=32, choices=MessageKind.choices)
    idempotency_key = models.CharField(max_length=200)
    language = models.CharField(max_length=8)
    from_email = models.CharField(max_length=320)
    to_email = models.EmailField(max_length=320)
    subject = models.CharField(max_length=300)
    text_body = models.TextField()
    html_body = models.TextField()
    invoice = models.ForeignKey(Invoice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    attach_invoice_pdf = models.BooleanField(
        default=False, help_text="Attach the invoice document (<number>.pdf), drawn when the email is sent"
    )
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "idempotency_key"], name="outgoing_email_idempotent"
            ),
            in_choices("status", EmailStatus, "outgoing_email_status_valid"),
            in_choices("kind", MessageKind, "outgoing_email_kind_valid"),
            models.CheckConstraint(
                condition=models.Q(status="sent", sent_at__isnull=False) | ~models.Q(status="sent"),
                name="outgoing_email_sent_has_time",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to_email} ({self.status})"
