"""What a renewal records as it goes: each payment attempt, and usage to bill in arrears."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation


class AttemptStatus(models.TextChoices):
    PENDING = "pending", "Sent, no answer stored yet"
    SUCCEEDED = ChargeOutcome.SUCCEEDED.value, "Succeeded"
    PROCESSING = ChargeOutcome.PROCESSING.value, "Processing"
    REQUIRES_ACTION = ChargeOutcome.REQUIRES_ACTION.value, "Needs the customer"
    DECLINED = ChargeOutcome.DECLINED.value, "Declined"
    AMOUNT_REFUSED = ChargeOutcome.AMOUNT_REFUSED.value, "Amount refused by the gateway (not a decline)"
    FAILED = "failed", "Failed after processing"
    CANCELLED = "cancelled", "Not sent: the invoice was no longer owed"


class PaymentAttempt(models.Model):
    """One charge of an invoice. The row (with its idempotency key) is stored before the gateway is asked, so
    a crash between asking and storing the answer is resumed by asking again with the same key."""

    Status = AttemptStatus

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, related_name="attempts")
    number = models.PositiveIntegerField()
    idempotency_key = models.CharField(max_length=100)
    amount = models.DecimalField(max_digits=18, decimal_places=6)
    currency = models.CharField(max_length=3)
    status = models.CharField(max_length=16, choices=AttemptStatus.choices, default=AttemptStatus.PENDING)
    reference = models.CharField(max_length=100, blank=True)
    decline_code = models.CharField(max_length=60, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["invoice", "number"], name="payment_attempt_number_unique"),
            models.UniqueConstraint(fields=["idempotency_key"], name="payment_attempt_key_unique"),
            in_choices("status", AttemptStatus, "payment_attempt_status_valid"),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_attempt_amount_positive"),
        ]
        indexes = [models.Index(fields=["status", "created_at"])]

    def __str__(self) -> str:
        return self.idempotency_key


def attempt_key(invoice_id: int, number: int) -> str:
    """The gateway idempotency key of an invoice's n-th attempt: the same for every retry of that attempt."""
    return f"invoice-{invoice_id}-attempt-{number}"


class UsageRecord(models.Model):
    """Metered use of a subscription (e.g. a new case), billed in arrears on the next invoice (§1, §4)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="usage")
    metric = models.CharField(max_length=64)
    quantity = models.DecimalField(max_digits=18, decimal_places=6)
    idempotency_key = models.CharField(max_length=200)
    recorded_at = models.DateTimeField(default=timezone.now)
    invoice = models.ForeignKey(Invoice, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "idempotency_key"], name="usage_record_idempotent"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="usage_record_quantity_positive"),
        ]
        indexes = [models.Index(fields=["subscription", "invoice"])]

    def __str__(self) -> str:
        return f"{self.quantity} {self.metric}"
