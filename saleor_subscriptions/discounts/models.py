"""Discount codes (BILLING_RULES §9): percentage or fixed, for once, N periods or forever, with limits."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.money import describe_step, is_chargeable
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.choices import in_choices
from saleor_subscriptions.tenants.models import Installation


class DiscountTarget(models.TextChoices):
    PRICE = "price", "Recurring price"
    SETUP_FEE = "setup_fee", "Setup fee"
    BOTH = "both", "Both"


class DiscountDuration(models.TextChoices):
    ONCE = "once", "Once"
    REPEATING = "repeating", "Repeating"
    FOREVER = "forever", "Forever"


class DiscountKind(models.TextChoices):
    PERCENTAGE = "percentage", "Percentage"
    FIXED = "fixed", "Fixed amount"


class DiscountCode(models.Model):
    Kind = DiscountKind

    Duration = DiscountDuration

    AppliesTo = DiscountTarget

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="discount_codes")
    code = models.CharField(max_length=64, help_text="Stored upper case; customers may type any case")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    percent = models.DecimalField(max_digits=7, decimal_places=4, null=True, blank=True)
    amount_off = models.DecimalField(max_digits=18, decimal_places=6, null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True, help_text="Required for a fixed amount")
    duration = models.CharField(max_length=16, choices=Duration.choices, default=Duration.ONCE)
    duration_periods = models.PositiveIntegerField(null=True, blank=True)
    applies_to = models.CharField(max_length=16, choices=AppliesTo.choices, default=AppliesTo.PRICE)
    plans = models.ManyToManyField(Plan, blank=True, help_text="Empty = every plan")
    max_redemptions = models.PositiveIntegerField(null=True, blank=True)
    max_per_customer = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["installation", "code"], name="discount_code_unique"),
            in_choices("kind", DiscountKind, "discount_kind_valid"),
            in_choices("duration", DiscountDuration, "discount_duration_valid"),
            in_choices("applies_to", DiscountTarget, "discount_applies_to_valid"),
            models.CheckConstraint(
                condition=(
                    models.Q(kind="percentage", percent__gt=0, percent__lte=100, amount_off__isnull=True)
                    | models.Q(kind="fixed", amount_off__gt=0, percent__isnull=True) & ~models.Q(currency="")
                ),
                name="discount_value_matches_kind",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(duration="repeating", duration_periods__isnull=False, duration_periods__gte=1)
                    | (~models.Q(duration="repeating") & models.Q(duration_periods__isnull=True))
                ),
                name="discount_periods_only_when_repeating",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self) -> None:
        """A fixed amount off is an amount the payment provider can charge in the code's currency (§3): 1.005
        KWD off would leave an invoice Stripe refuses. Refused naming `amount_off` (code `not_chargeable`)."""
        super().clean()
        amount, currency = self.amount_off, self.currency
        if self.kind != DiscountKind.FIXED or amount is None or not currency:
            return
        try:
            chargeable = is_chargeable(amount, currency)
        except ValueError as exc:
            raise ValidationError({"currency": ValidationError(str(exc), code="invalid")}) from None
        if not chargeable:
            message = f"{describe_step(currency)}: {amount} off cannot be charged"
            raise ValidationError({"amount_off": ValidationError(message, code="not_chargeable")})


class DiscountRedemption(models.Model):
    """A code used on one subscription; `periods_used` counts the invoices it has discounted."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(DiscountCode, on_delete=models.PROTECT, related_name="redemptions")
    subscription = models.ForeignKey(
        "subscriptions.Subscription", on_delete=models.CASCADE, related_name="discount_redemptions"
    )
    customer_key = models.CharField(max_length=320)
    periods_used = models.PositiveIntegerField(default=0)
    redeemed_at = models.DateTimeField(default=timezone.now)
    ended_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["code", "subscription"], name="discount_redemption_once_per_subscription"
            ),
        ]
        indexes = [models.Index(fields=["code", "customer_key"])]

    def __str__(self) -> str:
        return f"{self.code_id} on subscription {self.subscription_id}"


class DiscountCodeEvent(models.Model):
    """A change staff made to a code (made, changed, deactivated): when, who, and the values it changed."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    code = models.ForeignKey(DiscountCode, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor_type = models.CharField(max_length=16)
    actor_id = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=32)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(
        default=dict, blank=True, help_text="The values changed: {field: [before, after]}"
    )

    def __str__(self) -> str:
        return f"{self.kind} of code {self.code_id}"
