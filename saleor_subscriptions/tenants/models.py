"""The Installation: one Saleor shop that installed the app, with its settings and its clock."""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.dunning import DunningPolicy
from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.tenants import branding
from saleor_subscriptions.tenants.seller import (
    ADDRESS_MAX,
    NAME_MAX,
    REGISTRATION_MAX,
    VAT_NUMBER_MAX,
    SellerDetails,
    check_seller_details,
)


def _default_time_zone() -> str:
    return str(settings.DEFAULT_TIME_ZONE)


def _default_language() -> str:
    return str(settings.LANGUAGE_CODE)


def _default_due_hour() -> int:
    return int(settings.BILLING_DUE_HOUR)


#: Letters and digits that cannot be mistaken for each other when read aloud or printed (no 0/O, 1/I/L).
TOKEN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
TOKEN_LENGTH = 6
INVOICE_PREFIX_MAX = 20
INVOICE_PREFIX_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9._/-]{0,19}")


def new_invoice_prefix() -> str:
    """A fresh installation's invoice number prefix, "INV-7KQ2XM-": random per installation, so that two app
    databases on one Saleor (a second deployment, a fresh database) never make the same invoice number, which
    is the external reference of the invoice's Saleor order (BILLING_RULES §4)."""
    token = "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))
    return f"INV-{token}-"


def new_order_token() -> str:
    """A random token per installation, written on every Saleor order the app makes: it tells this database's
    orders from those another database (a restored backup, a second deployment) made on the same Saleor."""
    return secrets.token_hex(12)


def invoice_prefix_problem(prefix: str) -> str | None:
    """Why `prefix` cannot start invoice numbers, or None: 1-20 characters, letters, digits and . _ / -,
    beginning with a letter or digit."""
    if not INVOICE_PREFIX_PATTERN.fullmatch(prefix):
        return (
            f"{prefix!r}: 1 to {INVOICE_PREFIX_MAX} characters, letters, digits and . _ / -, "
            "beginning with a letter or digit"
        )
    return None


class InstallationLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    DUTCH = "nl", "Nederlands"


class InstallationStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    REMOVED = "removed", "Removed"


class RenewalStock(models.TextChoices):
    """What a renewal order does when Saleor has no stock for it (docs/renewals.md)."""

    PLACE = "place", "Place it without allocating stock where Saleor allows (orderBulkCreate)"
    WAIT = "wait", "Wait for stock: allocate, and hold the invoice while Saleor refuses"


class SelfServiceCancel(models.TextChoices):
    """How the shop's customers may cancel themselves (staff always may)."""

    PLAN = "plan", "As each plan says"
    PERIOD_END = "period_end", "Only at the end of a period, whatever the plan says"
    DISABLED = "disabled", "Not themselves: they ask the shop"


class Installation(models.Model):
    """One Saleor shop (by its GraphQL API URL). A re-install from the same Saleor replaces the same row."""

    Status = InstallationStatus

    Language = InstallationLanguage
    Stock = RenewalStock
    CancelMode = SelfServiceCancel

    saleor_api_url = models.URLField(max_length=400, unique=True)
    name = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    time_zone = models.CharField(max_length=64, default=_default_time_zone)
    language = models.CharField(max_length=8, choices=Language.choices, default=_default_language)
    due_hour = models.PositiveSmallIntegerField(default=_default_due_hour)
    email_sender = models.EmailField(blank=True)
    dunning_policy = models.JSONField(default=dict, blank=True)
    sandbox = models.BooleanField(
        default=False, help_text="A sandbox installation has its own test clock; a live one never does."
    )
    clock = models.DateTimeField(null=True, blank=True)
    invoice_prefix = models.CharField(
        max_length=INVOICE_PREFIX_MAX,
        default=new_invoice_prefix,
        help_text="Starts every invoice number; random per installation unless the shop sets its own",
    )
    renewal_stock = models.CharField(
        max_length=8,
        choices=RenewalStock.choices,
        default=RenewalStock.PLACE,
        help_text="Out of stock: place bulk renewal orders unallocated, or wait for stock",
    )
    order_token = models.CharField(
        max_length=32,
        default=new_order_token,
        help_text="Written on the Saleor orders this database makes; an order without it is not ours",
    )
    self_service_cancel = models.CharField(
        max_length=16,
        choices=SelfServiceCancel.choices,
        default=SelfServiceCancel.PLAN,
        help_text="How customers may cancel themselves: as the plan says, only at period end, or not",
    )
    self_service_pause = models.BooleanField(
        default=True, help_text="Customers may pause, resume and skip where the plan allows it"
    )
    self_service_switch = models.BooleanField(default=True, help_text="Customers may switch plans")
    self_service_quantity = models.BooleanField(default=True, help_text="Customers may change quantities")
    self_service_address = models.BooleanField(
        default=True, help_text="Customers may change the shipping address of future renewal orders"
    )
    self_service_contacts = models.BooleanField(default=True, help_text="Customers may name billing contacts")
    seller_name = models.CharField(
        max_length=NAME_MAX,
        blank=True,
        help_text="The seller's legal name on invoices (VAT directive art. 226)",
    )
    seller_address = models.TextField(
        max_length=ADDRESS_MAX, blank=True, help_text="The seller's address on invoices, one line per line"
    )
    seller_vat_number = models.CharField(
        max_length=VAT_NUMBER_MAX, blank=True, help_text="The seller's VAT number, e.g. NL123456789B01"
    )
    seller_registration_number = models.CharField(
        max_length=REGISTRATION_MAX,
        blank=True,
        help_text="The seller's registration number (Dutch KvK number, trade register)",
    )
    accent_colour = models.CharField(
        max_length=7,
        blank=True,
        help_text='The accent on documents, emails and billing pages, #rrggbb; "": the default',
    )
    logo_sha256 = models.CharField(
        max_length=64, blank=True, help_text='The SHA-256 of the shop\'s logo (a ShopLogo); "": no logo'
    )
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(accent_colour="") | models.Q(accent_colour__regex=r"^#[0-9a-f]{6}$"),
                name="installation_accent_colour_valid",
            ),
            in_choices("self_service_cancel", SelfServiceCancel, "installation_self_service_cancel_valid"),
            in_choices("status", InstallationStatus, "installation_status_valid"),
            in_choices("language", InstallationLanguage, "installation_language_valid"),
            in_choices("renewal_stock", RenewalStock, "installation_renewal_stock_valid"),
            models.CheckConstraint(condition=models.Q(due_hour__lte=23), name="installation_due_hour_valid"),
            models.CheckConstraint(
                condition=models.Q(clock__isnull=True) | models.Q(sandbox=True),
                name="installation_clock_only_in_sandbox",
            ),
        ]

    def __str__(self) -> str:
        return self.name or self.saleor_api_url

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def now(self) -> datetime:
        """The installation's current instant: its test clock in a sandbox, the real time otherwise."""
        if self.sandbox and self.clock is not None:
            return self.clock
        return timezone.now()

    @property
    def seller(self) -> SellerDetails:
        """The seller's details as invoices print them (empty strings for details not set)."""
        return SellerDetails(
            self.seller_name, self.seller_address, self.seller_vat_number, self.seller_registration_number
        )

    def update_seller(self, **changes: str | None) -> SellerDetails:
        """Set the seller's details for invoices issued from now on (`check_seller_details`: None keeps a
        detail, "" clears it); a SellerDetailsError names the detail that cannot be used and nothing is
        saved. Issued documents keep the details they were issued with."""
        details = check_seller_details(self.seller, **changes)
        self.seller_name, self.seller_address = details.name, details.address
        self.seller_vat_number = details.vat_number
        self.seller_registration_number = details.registration_number
        self.save(
            update_fields=[
                "seller_name",
                "seller_address",
                "seller_vat_number",
                "seller_registration_number",
            ]
        )
        return details

    @property
    def accent(self) -> str:
        """The accent colour to draw with: the shop's, or the default."""
        return branding.accent_or_default(self.accent_colour)

    def logo_url(self) -> str | None:
        """The absolute URL of the shop's logo (emails, the portal), or None without one."""
        if not self.logo_sha256:
            return None
        return str(settings.APP_URL).rstrip("/") + branding.logo_path(self.pk, self.logo_sha256)

    def logo_png(self) -> bytes | None:
        """The logo's PNG as documents embed it, or None without one."""
        if not self.logo_sha256:
            return None
        found = (
            ShopLogo.objects.filter(installation=self, sha256=self.logo_sha256)
            .values_list("png", flat=True)
            .first()
        )
        return None if found is None else bytes(found)

    def set_logo(self, logo: branding.Logo | None) -> None:
        """Keep `logo` as the shop's (None: no logo), in the caller's transaction."""
        if logo is None:
            ShopLogo.objects.filter(installation=self).delete()
            sha = ""
        else:
            ShopLogo.objects.update_or_create(
                installation=self,
                defaults={"png": logo.png, "sha256": logo.sha256, "width": logo.width, "height": logo.height},
            )
            sha = logo.sha256
        Installation.objects.filter(pk=self.pk).update(logo_sha256=sha)
        self.logo_sha256 = sha

    def default_dunning(self) -> DunningPolicy:
        """The installation's dunning policy: BILLING_RULES §6 defaults with this shop's settings on top."""
        return DunningPolicy.from_mapping(self.dunning_policy)


class ShopLogo(models.Model):
    """The shop's logo as `tenants.branding.check_logo` redrew it: kept apart from the Installation, which
    every renewal reads, so only a document or the logo's own URL loads its bytes."""

    installation = models.OneToOneField(Installation, on_delete=models.CASCADE, primary_key=True)
    png = models.BinaryField()
    sha256 = models.CharField(max_length=64)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"logo {self.sha256[:12]} of installation {self.installation_id}"


class ApiKeyScope(models.TextChoices):
    """What an API key may do: read (the staff queries), write (staff mutations), usage (usage recording)."""

    READ = "read", "Read"
    WRITE = "write", "Write"
    USAGE = "usage", "Usage"


class ApiKey(models.Model):
    """A shop's key for server-to-server calls (`tenants.api_keys`): only the SHA-256 of its secret is kept,
    with the secret's first characters (`prefix`) to tell keys apart."""

    Scope = ApiKeyScope

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="api_keys")
    name = models.CharField(max_length=100)
    prefix = models.CharField(
        max_length=16, help_text="The secret's first characters, shown to tell keys apart"
    )
    secret_hash = models.CharField(max_length=64, unique=True, help_text="SHA-256 of the secret, hex")
    scopes = models.JSONField(default=list, help_text="ApiKeyScope values")
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.CharField(max_length=200, blank=True, help_text="The staff user who made it")
    last_used_at = models.DateTimeField(null=True, blank=True, help_text="Updated at most once a minute")
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.CharField(max_length=200, blank=True)

    class Meta:
        indexes = [models.Index(fields=["installation", "created_at"])]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
