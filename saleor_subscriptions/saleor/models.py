"""What the app keeps about its install in one Saleor: the token (encrypted), the keys, the schema version."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from saleor_subscriptions import encryption
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
