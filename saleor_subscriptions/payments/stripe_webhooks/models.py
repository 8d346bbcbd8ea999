"""Every request to `/webhooks/stripe/<installation>/`, kept whatever became of it (dj-stripe's inbox)."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.tenants.models import Installation


class StripeEventStatus(models.TextChoices):
    RECEIVED = "received", "Received, waiting for a worker"
    REFUSED = "refused", "Refused"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    DUPLICATE = "duplicate", "Duplicate of an accepted event"


class StripeEvent(models.Model):
    """One webhook request. The row is written before anything is checked; it is `accepted` once its
    `Stripe-Signature` verified with the webhook secret of one of the installation's Stripe accounts, within
    the tolerance. An event id is accepted once per installation: a replay is recorded as `duplicate` and
    never applied twice. The worker moves an accepted event to `processed` (with its `outcome`) or `failed`
    (with the `traceback`); a failed one may be run again."""

    Status = StripeEventStatus

    installation = models.ForeignKey(
        Installation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    installation_ref = models.CharField(
        max_length=40, help_text="The installation id of the URL, as received"
    )
    account = models.ForeignKey(
        StripeAccount,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The Stripe account whose webhook secret verified the signature",
    )
    headers = models.JSONField(default=dict, help_text="Request headers as received")
    body = models.BinaryField(help_text="The raw request body (the signature covers these bytes)")
    remote_addr = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    signed_at = models.DateTimeField(null=True, blank=True, help_text="The signature's timestamp (t=)")
    verified = models.BooleanField(default=False, help_text="The signature verified within the tolerance")
    event_id = models.CharField(max_length=100, blank=True)
    event_type = models.CharField(max_length=100, blank=True)
    object_id = models.CharField(max_length=100, blank=True, help_text="The id of the event's object")
    livemode = models.BooleanField(null=True, blank=True)
    accepted = models.BooleanField(
        default=False, help_text="Verified and not a duplicate: the worker applies it"
    )
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        max_length=16, choices=StripeEventStatus.choices, default=StripeEventStatus.RECEIVED
    )
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_reason = models.TextField(blank=True)
    outcome = models.JSONField(default=dict, blank=True, help_text="What applying the event did")
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the worker applied it")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            in_choices("status", StripeEventStatus, "stripe_event_status_valid"),
            models.UniqueConstraint(
                fields=["installation", "event_id"],
                condition=models.Q(accepted=True),
                name="stripe_event_accepted_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="stripe_event_status_idx"),
            models.Index(fields=["installation", "object_id"], name="stripe_event_object_idx"),
        ]

    def __str__(self) -> str:
        return f"Stripe {self.event_type or 'request'} {self.event_id or self.pk} ({self.status})"

    @property
    def raw_body(self) -> bytes:
        return bytes(self.body)


class InvoiceIntent(models.Model):
    """A PaymentIntent the pay page made for an invoice (a renewal's own intents are on its attempts): found
    again when the page is reloaded, and cancelled once the invoice is paid another way."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.CASCADE, related_name="+")
    intent_id = models.CharField(max_length=100, unique=True)
    amount_minor = models.PositiveBigIntegerField()
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["invoice", "created_at"], name="invoice_intent_invoice_idx")]

    def __str__(self) -> str:
        return self.intent_id


class FollowUpKind(models.TextChoices):
    CANCEL_INTENTS = "cancel_intents", "Cancel the invoice's PaymentIntents still confirmable"
    REFUND = "refund", "Refund a payment the invoice did not need"


class StripeFollowUp(models.Model):
    """A call to Stripe decided in a transaction and made after it commits (an outbox): run at once on
    commit, and again by the sweeper (`stripe_webhooks.process_pending`) until done while Stripe cannot be
    reached, up to `MAX_FOLLOW_UP_ATTEMPTS`."""

    Kind = FollowUpKind

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    invoice = models.ForeignKey("invoicing.Invoice", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(max_length=20, choices=FollowUpKind.choices)
    key = models.CharField(max_length=120, unique=True, help_text="Also the Stripe idempotency key")
    intent_id = models.CharField(max_length=100, blank=True, help_text="The payment to refund")
    amount = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    attempts = models.PositiveIntegerField(default=0)
    next_at = models.DateTimeField(default=timezone.now)
    done_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    last_error = models.TextField(blank=True)

    class Meta:
        constraints = [in_choices("kind", FollowUpKind, "stripe_follow_up_kind_valid")]
        indexes = [models.Index(fields=["done_at", "next_at"], name="stripe_follow_up_due_idx")]

    def __str__(self) -> str:
        return self.key
