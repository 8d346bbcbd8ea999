"""The portal's one-time entry links and the sessions they open (docs/portal.md).

Neither row keeps a secret: the link's nonce and the session's cookie value are stored as SHA-256 digests,
so a copy of the database opens nothing.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.tenants.models import Installation


class PortalFlow(models.TextChoices):
    """Where an entry link lands: the overview, or one task (a deep link)."""

    OVERVIEW = "overview"
    PAYMENT_METHOD_UPDATE = "payment_method_update"
    SUBSCRIPTION_CANCEL = "subscription_cancel"
    SUBSCRIPTION_UPDATE = "subscription_update"
    INVOICE_PAY = "invoice_pay"


class PortalLink(models.Model):
    """A one-time URL made for a signed-in customer by `customerPortalSessionCreate`: used once, within
    minutes, it opens a PortalSession."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    customer_user_id = models.CharField(max_length=100)
    customer_email = models.EmailField()
    nonce_digest = models.CharField(max_length=64, unique=True)
    return_url = models.URLField(max_length=2000)
    flow = models.CharField(max_length=32, choices=PortalFlow.choices, default=PortalFlow.OVERVIEW)
    subscription_id = models.BigIntegerField(null=True, blank=True, help_text="The flow's subscription")
    invoice_id = models.BigIntegerField(null=True, blank=True, help_text="The flow's invoice")
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"portal link {self.pk} ({self.flow})"


class PortalSession(models.Model):
    """A customer's portal session behind the cookie: one customer of one shop, ended by idle time, by its
    absolute lifetime, or by signing out."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    customer_user_id = models.CharField(max_length=100)
    customer_email = models.EmailField()
    key_digest = models.CharField(max_length=64, unique=True)
    return_url = models.URLField(max_length=2000)
    language = models.CharField(
        max_length=8, blank=True, help_text="The customer's choice; empty: the shop's"
    )
    created_at = models.DateTimeField(default=timezone.now)
    last_seen_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(help_text="The absolute end, however active")
    ended_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"portal session {self.pk}"


class GuestLinkRequest(models.Model):
    """One request for a guest's sign-in link (docs/portal.md), kept to rate-limit them per email and per IP
    address, whether or not the email has subscriptions. The email is stored as its SHA-256 only."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    email_digest = models.CharField(max_length=64)
    ip = models.CharField(max_length=45, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    sent = models.BooleanField(default=False, help_text="A link went out (the email has subscriptions)")

    class Meta:
        indexes = [
            models.Index(fields=["installation", "email_digest", "created_at"]),
            models.Index(fields=["ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return f"guest link request {self.pk}"
