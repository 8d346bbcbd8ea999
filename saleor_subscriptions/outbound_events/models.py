"""The shop's webhook endpoints, the events recorded for them (the outbox) and each delivery with its log.

Events are written by database triggers (migration 0002, `triggers.py`) in the transaction of the change
itself: every way a subscription event, an invoice's status, a payment attempt's failure or a credit note is
written (a `save`, a bulk insert, an `UPDATE`) records its event, and a change rolled back records nothing.
The same trigger adds one pending `EventDelivery` per active endpoint that takes the event's type; an event no
endpoint takes is not recorded at all. Events are kept 30 days (`event_delivery.purge_old_events`).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions import encryption
from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.tenants.models import Installation


class EventType(models.TextChoices):
    SUBSCRIPTION_CREATED = "subscription.created", "A subscription was made (not paid yet)"
    SUBSCRIPTION_ACTIVATED = "subscription.activated", "First payment made: trial or active"
    SUBSCRIPTION_RENEWED = "subscription.renewed", "A new period began: its renewal invoice was made"
    SUBSCRIPTION_PAST_DUE = "subscription.past_due", "A payment failed: past due"
    SUBSCRIPTION_SUSPENDED = "subscription.suspended", "Suspended for nonpayment"
    SUBSCRIPTION_CANCELLED = "subscription.cancelled", "Cancelled (now, at its period end, or for nonpayment)"
    SUBSCRIPTION_EXPIRED = "subscription.expired", "Its fixed term ended"
    SUBSCRIPTION_CHANGED = "subscription.changed", "Plan, quantity, pause or a pending cancellation changed"
    INVOICE_CREATED = "invoice.created", "An invoice was issued (numbered)"
    INVOICE_PAID = "invoice.paid", "An invoice was paid"
    INVOICE_PAYMENT_FAILED = "invoice.payment_failed", "A payment of an invoice failed"
    INVOICE_VOIDED = "invoice.voided", "An invoice was voided"
    CREDIT_NOTE_ISSUED = "credit_note.issued", "A credit note was issued"


class WebhookEndpoint(models.Model):
    """A URL of the shop that receives events, signed with its own secret (kept encrypted)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=2000)
    description = models.CharField(max_length=200, blank=True)
    event_types = models.JSONField(default=list, blank=True, help_text="EventType values; empty: every type")
    is_active = models.BooleanField(default=True)
    secret_ciphertext = models.TextField(help_text="The signing secret (whsec_…), Fernet-encrypted")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["installation", "is_active"])]

    def __str__(self) -> str:
        return self.url

    @property
    def secret(self) -> str:
        return encryption.decrypt(self.secret_ciphertext)

    @secret.setter
    def secret(self, value: str) -> None:
        self.secret_ciphertext = encryption.encrypt(value)


class OutboundEvent(models.Model):
    """One event for the shop's endpoints: `public_id` (evt_…), its type, when, and its data as sent."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    public_id = models.CharField(max_length=40, unique=True)
    type = models.CharField(max_length=40, choices=EventType.choices)
    created_at = models.DateTimeField(default=timezone.now)
    data = models.JSONField(default=dict)

    class Meta:
        indexes = [models.Index(fields=["installation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.type} {self.public_id}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", "To be sent (again) at next_attempt_at"
    SUCCEEDED = "succeeded", "The endpoint answered 2xx"
    FAILED = "failed", "Given up: no 2xx within the retry window"


class EventDelivery(models.Model):
    """One event to one endpoint: retried with backoff until a 2xx, or given up after the retry window."""

    Status = DeliveryStatus

    event = models.ForeignKey(OutboundEvent, on_delete=models.CASCADE, related_name="deliveries")
    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            in_choices("status", DeliveryStatus, "event_delivery_status_valid"),
            models.UniqueConstraint(fields=["event", "endpoint"], name="event_delivery_once_per_endpoint"),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at"],
                condition=models.Q(status="pending"),
                name="event_delivery_due_idx",
            ),
            models.Index(fields=["endpoint", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.status})"


class DeliveryAttempt(models.Model):
    """The log of one try: when, the answer's status code (null: no answer), how long it took, the error."""

    delivery = models.ForeignKey(EventDelivery, on_delete=models.CASCADE, related_name="log")
    number = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField()
    error = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["delivery", "number"], name="delivery_attempt_number_unique")
        ]
        ordering = ["delivery", "number"]

    def __str__(self) -> str:
        return f"attempt {self.number} of delivery {self.delivery_id}"
