"""A customer's subscription to a plan version, and the event log of everything that happened to it."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.states import Actor, SubscriptionStatus
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.choices import enum_choices, in_choices
from saleor_subscriptions.tenants.models import Installation


def customer_key(user_id: str | None, email: str) -> str:
    """Who owns a credit balance: the Saleor user, or for a guest the lower-cased email (BILLING_RULES §8)."""
    return f"user:{user_id}" if user_id else f"email:{email.strip().lower()}"


class Subscription(models.Model):
    """One subscription: its plan version, quantity, state and where it stands on its billing calendar.

    The calendar starts at `calendar_start` (the purchase date, the trial end, or the date of a switch to
    another interval) and period k counts from there (BILLING_RULES §2); `current_period_*` caches period
    `current_period_index` of that calendar, `next_billing_at` is the UTC instant the next charge is due.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="subscriptions")
    plan_version = models.ForeignKey(PlanVersion, on_delete=models.PROTECT, related_name="subscriptions")
    customer_user_id = models.CharField(max_length=100, blank=True, help_text="Saleor user global id")
    customer_email = models.EmailField()
    customer_key = models.CharField(max_length=320, db_index=True)
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    quantity = models.PositiveIntegerField(default=1)
    unit_price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="An admin's price for this subscription; empty = the plan's",
    )
    status = models.CharField(
        max_length=16, choices=enum_choices(SubscriptionStatus), default=SubscriptionStatus.INCOMPLETE.value
    )
    time_zone = models.CharField(max_length=64)

    started_at = models.DateTimeField(default=timezone.now)
    trial_start = models.DateField(null=True, blank=True)
    trial_end = models.DateField(null=True, blank=True)
    trial_notice_sent_at = models.DateTimeField(
        null=True, blank=True, help_text="'Trial ends in 3 days' sent"
    )
    renewal_reminded_for = models.DateField(
        null=True, blank=True, help_text="The renewal date whose upcoming-renewal email went out"
    )
    calendar_start = models.DateField()
    current_period_index = models.IntegerField(default=0)
    calendar_index_offset = models.IntegerField(
        default=0, help_text="Period number of the calendar's period 0; grows when the calendar starts again"
    )
    current_period_start = models.DateField()
    current_period_end = models.DateField()
    next_billing_at = models.DateTimeField(null=True, blank=True, db_index=True)
    cycles_billed = models.PositiveIntegerField(default=0, help_text="Full periods paid, for a fixed term")
    setup_fee_billed = models.BooleanField(default=False)

    cancel_at_period_end = models.BooleanField(default=False)
    cancel_at = models.DateField(
        null=True, blank=True, help_text="The date a pending cancellation takes effect"
    )
    cancel_reason = models.CharField(max_length=32, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True)

    paused_at = models.DateTimeField(null=True, blank=True)
    pause_periods_remaining = models.PositiveIntegerField(null=True, blank=True)
    skip_periods = models.JSONField(default=list, blank=True, help_text="Indexes of periods skipped")

    pending_plan_version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pending_plan_version_from = models.DateField(
        null=True,
        blank=True,
        help_text="The pending version applies at the first boundary on or after this day",
    )
    pending_quantity = models.PositiveIntegerField(null=True, blank=True)

    past_due_since = models.DateField(null=True, blank=True, help_text="Due date of the unpaid invoice")
    dunning_days_done = models.IntegerField(null=True, blank=True)
    next_dunning_at = models.DateTimeField(null=True, blank=True, help_text="When the next dunning step runs")
    suspended_at = models.DateTimeField(null=True, blank=True)

    saleor_order_id = models.CharField(max_length=100, blank=True, help_text="The sign-up order")
    saleor_order_line_id = models.CharField(
        max_length=100, blank=True, help_text="The sign-up order line: one subscription per line"
    )
    billing_address = models.JSONField(default=dict, blank=True, help_text="Saleor AddressInput shape")
    customer_vat_number = models.CharField(
        max_length=20, blank=True, help_text="The buyer's VAT number from the order's `vat_number` metadata"
    )
    shipping_address = models.JSONField(default=dict, blank=True, help_text="Saleor AddressInput shape")
    shipping_method_id = models.CharField(max_length=100, blank=True, help_text="Saleor global id")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            in_choices("status", SubscriptionStatus, "subscription_status_valid"),
            models.CheckConstraint(
                condition=models.Q(quantity__gte=1), name="subscription_quantity_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(pending_quantity__isnull=True) | models.Q(pending_quantity__gte=1),
                name="subscription_pending_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(current_period_end__gt=models.F("current_period_start")),
                name="subscription_period_not_empty",
            ),
            models.CheckConstraint(
                condition=models.Q(unit_price__isnull=True) | models.Q(unit_price__gte=0),
                name="subscription_unit_price_non_negative",
            ),
            models.UniqueConstraint(
                fields=["installation", "saleor_order_line_id"],
                condition=~models.Q(saleor_order_line_id=""),
                name="subscription_one_per_order_line",
            ),
        ]
        indexes = [
            models.Index(fields=["installation", "status", "next_billing_at"]),
            models.Index(
                fields=["next_dunning_at"],
                condition=models.Q(next_dunning_at__isnull=False),
                name="sub_dunning_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"subscription {self.pk} ({self.status})"

    @property
    def state(self) -> SubscriptionStatus:
        return SubscriptionStatus(self.status)


class SubscriptionEvent(models.Model):
    """Something that happened to a subscription: when, who, from which state to which, and why (§5)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(default=timezone.now)
    actor_type = models.CharField(max_length=16, choices=enum_choices(Actor))
    actor_id = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=40)
    from_status = models.CharField(max_length=16, blank=True)
    to_status = models.CharField(max_length=16, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [in_choices("actor_type", Actor, "subscription_event_actor_valid")]
        indexes = [models.Index(fields=["subscription", "at"])]
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} {self.from_status}->{self.to_status}"


class BillingContact(models.Model):
    """Someone a customer names to receive their invoices and payment requests (an accountant, a treasurer):
    they see and pay the customer's invoices through their own link, and change nothing (docs/portal.md).

    `customer_key` is the owner (`customer_key()`: the Saleor user, or a guest's email). Removing a contact
    keeps the row with `removed_at`, and its link opens nothing from then on; `link_key` is the random part
    of that link, so a contact added again gets a new one.
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    customer_key = models.CharField(max_length=320)
    email = models.EmailField(max_length=254)
    link_key = models.CharField(max_length=64, unique=True)
    added_by = models.CharField(max_length=200, blank=True, help_text="Who added the contact")
    created_at = models.DateTimeField(default=timezone.now)
    removed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "customer_key", "email"],
                condition=models.Q(removed_at__isnull=True),
                name="billing_contact_once_per_customer",
            ),
        ]
        indexes = [models.Index(fields=["installation", "customer_key"])]

    def __str__(self) -> str:
        return f"billing contact {self.email}"
