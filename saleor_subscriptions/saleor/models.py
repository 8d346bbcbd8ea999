"""What the app keeps about its install in one Saleor (the token encrypted, the keys, the schema version) and
every webhook Saleor sent it (`WebhookDelivery`, the inbox: stored raw first, then verified and applied)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from saleor_subscriptions import encryption
from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.saleor.client import SaleorClient
from saleor_subscriptions.tenants.models import Installation


class SaleorApp(models.Model):
    """The app as installed in one Saleor (one per Installation; a re-install replaces token and keys)."""

    installation = models.OneToOneField(Installation, on_delete=models.CASCADE, related_name="saleor_app")
    saleor_domain = models.CharField(max_length=255, blank=True)
    app_id = models.CharField(max_length=100, blank=True, help_text="Saleor global id of this app")
    token_ciphertext = models.TextField(help_text="The app token, Fernet-encrypted (see encryption.py)")
    schema_version = models.CharField(max_length=16, blank=True, help_text="Saleor-Schema-Version at install")
    permissions = models.JSONField(default=list, blank=True, help_text="Permission codes Saleor granted")
    jwks = models.JSONField(default=dict, blank=True, help_text="The JWKS Saleor served at install")
    installed_at = models.DateTimeField(default=timezone.now)
    token_rejected_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"app in {self.installation.saleor_api_url}"

    @property
    def api_url(self) -> str:
        return self.installation.saleor_api_url

    @property
    def token(self) -> str:
        return encryption.decrypt(self.token_ciphertext)

    @token.setter
    def token(self, value: str) -> None:
        self.token_ciphertext = encryption.encrypt(value)

    def has_permission(self, code: str) -> bool:
        return code in self.permissions

    def client(self) -> SaleorClient:
        """A client for this Saleor with the app's token (timeouts and retries from settings)."""
        return SaleorClient(
            self.api_url, self.token, timeout=settings.SALEOR_TIMEOUT_S, retries=settings.SALEOR_RETRIES
        )


class DeliveryStatus(models.TextChoices):
    RECEIVED = "received", "Received"
    REFUSED = "refused", "Refused"
    PROCESSED = "processed", "Processed"
    FAILED = "failed", "Failed"
    DUPLICATE = "duplicate", "Duplicate"


class WebhookDelivery(models.Model):
    """One request Saleor (or anyone) made to `/api/webhooks/<name>`, kept whatever became of it.

    The row is written before anything is checked, so nothing arrives unrecorded. A delivery is `accepted`
    once its signature verified against the shop's JWKS; `dedupe_key` (the SHA-256 of signature and body) is
    unique among accepted ones, so a replay is recorded as `duplicate` and never applied twice. The worker
    moves an accepted delivery from `received` to `processed` (with its `outcome`) or `failed` (with the
    `traceback`); a failed one may be run again.
    """

    Status = DeliveryStatus

    name = models.CharField(max_length=64, help_text="The route: /api/webhooks/<name>")
    event = models.CharField(max_length=64, blank=True, help_text="The Saleor-Event header, as received")
    saleor_api_url = models.CharField(max_length=400, blank=True, help_text="The Saleor-Api-Url header")
    installation = models.ForeignKey(
        Installation, on_delete=models.SET_NULL, null=True, blank=True, related_name="webhook_deliveries"
    )
    headers = models.JSONField(default=dict, help_text="Request headers as received")
    body = models.BinaryField(help_text="The raw request body (the signature covers these bytes)")
    remote_addr = models.CharField(max_length=64, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    signature_kid = models.CharField(max_length=200, blank=True)
    dedupe_key = models.CharField(max_length=64, help_text="sha256 of signature + body")
    accepted = models.BooleanField(default=False, help_text="The signature verified; the task applies it")
    duplicate_of = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    object_id = models.CharField(
        max_length=200, blank=True, help_text="The Saleor id the delivery is about (order, product, variant)"
    )
    status = models.CharField(max_length=16, choices=DeliveryStatus.choices, default=DeliveryStatus.RECEIVED)
    refusal_code = models.CharField(max_length=40, blank=True)
    refusal_reason = models.TextField(blank=True)
    outcome = models.JSONField(default=dict, blank=True, help_text="What applying the delivery did")
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0, help_text="Times the task ran the handler")
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            in_choices("status", DeliveryStatus, "webhook_delivery_status_valid"),
            models.UniqueConstraint(
                fields=["dedupe_key"],
                condition=models.Q(accepted=True),
                name="webhook_delivery_accepted_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "received_at"], name="webhook_delivery_status_idx"),
            models.Index(fields=["installation", "object_id"], name="webhook_delivery_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.name} delivery {self.pk} ({self.status})"

    @property
    def raw_body(self) -> bytes:
        return bytes(self.body)


class OrderRecord(models.Model):
    """What a paid invoice has written on its Saleor order: the charges as transactions, the credit used,
    and the invoice document (`order_records`). `done_at` is set once everything is there; until then the
    recorder tries again, later each time (`next_try_at`), keeping the last error."""

    invoice = models.OneToOneField(
        "invoicing.Invoice", on_delete=models.CASCADE, related_name="saleor_order_record"
    )
    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    transactions = models.JSONField(
        default=dict, blank=True, help_text="pspReference → Saleor transaction id, for what is recorded"
    )
    document_id = models.CharField(
        max_length=100, blank=True, help_text="Saleor's id of the invoice attached"
    )
    tries = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    next_try_at = models.DateTimeField(null=True, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the order was cancelled in Saleor (its invoice void or uncollectible)",
    )
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"Saleor record of invoice {self.invoice_id}"
