"""Plans and plan versions (BILLING_RULES §1).

A plan belongs to one Saleor variant in one channel (so one currency). Its terms live in versions: a price
change makes a new version for new subscribers, while existing subscriptions keep the version they have.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.utils import timezone

from saleor_subscriptions.billing.calendar import AnchorMode, BillingAnchor, ShortMonthRule
from saleor_subscriptions.billing.dunning import DunningPolicy
from saleor_subscriptions.billing.intervals import Interval, IntervalUnit
from saleor_subscriptions.billing.plans import PlanTerms, Trial
from saleor_subscriptions.choices import enum_choices, in_choices, non_negative
from saleor_subscriptions.tenants.models import Installation


class CancelEffect(models.TextChoices):
    PERIOD_END = "period_end", "At the end of the period"
    IMMEDIATELY = "immediately", "Immediately"


YEARLY_REMINDER_DAYS = 7
"""A yearly plan's customers are reminded of a renewal this many days ahead unless the plan says otherwise
(BILLING_RULES §1 `renewal_reminder_days`); shorter plans send no reminder by default."""


class PlanStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    ARCHIVED = "archived", "Archived"


class Plan(models.Model):
    """A subscription offered on one variant in one channel; its terms are in its newest version."""

    Status = PlanStatus

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="plans")
    name = models.CharField(max_length=200)
    product_id = models.CharField(max_length=100, help_text="Saleor global id of the product")
    variant_id = models.CharField(max_length=100, help_text="Saleor global id of the variant")
    channel_slug = models.CharField(max_length=100)
    currency = models.CharField(max_length=3)
    is_default = models.BooleanField(default=False)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    created_at = models.DateTimeField(default=timezone.now)
    archived_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            in_choices("status", PlanStatus, "plan_status_valid"),
            models.UniqueConstraint(
                fields=["installation", "variant_id", "channel_slug"],
                condition=models.Q(is_default=True, status="active"),
                name="plan_one_default_per_variant_and_channel",
            ),
        ]
        indexes = [models.Index(fields=["installation", "variant_id", "channel_slug"])]

    def __str__(self) -> str:
        return self.name

    def current_version(self) -> PlanVersion:
        """The version new subscribers get: the highest version number."""
        version = self.versions.order_by("-version").first()
        if version is None:
            raise PlanVersion.DoesNotExist(f"plan {self.pk} has no version")
        return version


class PlanVersion(models.Model):
    """The terms of a plan from one moment on. Never edited once a subscription uses it."""

    CancelEffect = CancelEffect

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    interval = models.CharField(max_length=8, choices=enum_choices(IntervalUnit))
    interval_count = models.PositiveIntegerField(default=1)
    price = models.DecimalField(
        max_digits=18,
        decimal_places=6,
        null=True,
        blank=True,
        help_text="Per unit per period; empty = the variant's channel price",
    )
    setup_fee = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(0))
    trial_days = models.PositiveIntegerField(default=0)
    trial_intervals = models.PositiveIntegerField(default=0)
    billing_cycles = models.PositiveIntegerField(null=True, blank=True)
    anchor_mode = models.CharField(
        max_length=16, choices=[(m.value, m.value) for m in AnchorMode], default=AnchorMode.PURCHASE.value
    )
    anchor_day = models.PositiveSmallIntegerField(null=True, blank=True)
    short_month_rule = models.CharField(
        max_length=24,
        choices=[(r.value, r.value) for r in ShortMonthRule],
        default=ShortMonthRule.CLAMP.value,
    )
    invoice_lead_days = models.PositiveIntegerField(default=0)
    renewal_reminder_days = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Days before a renewal the upcoming-renewal email goes out; 0 = none; empty = the default",
    )
    customer_can_cancel = models.BooleanField(default=True)
    customer_can_pause = models.BooleanField(default=False)
    minimum_cycles = models.PositiveIntegerField(default=0)
    cancel_notice_days = models.PositiveIntegerField(default=0)
    cancel_effect = models.CharField(
        max_length=16, choices=CancelEffect.choices, default=CancelEffect.PERIOD_END
    )
    cancel_credit = models.BooleanField(
        default=True, help_text="With an immediate cancellation, credit the unused part of the period"
    )
    dunning = models.JSONField(default=dict, blank=True, help_text="Overrides of the installation's policy")
    usage_prices = models.JSONField(default=dict, blank=True, help_text='{"metric": "5.00"} per unit')
    price_change_notice_days = models.PositiveIntegerField(default=30)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "version"], name="plan_version_unique"),
            in_choices("interval", IntervalUnit, "plan_version_interval_valid"),
            in_choices("cancel_effect", CancelEffect, "plan_version_cancel_effect_valid"),
            models.CheckConstraint(
                condition=models.Q(interval_count__gte=1), name="plan_version_count_positive"
            ),
            non_negative("price", "plan_version_price_non_negative"),
            non_negative("setup_fee", "plan_version_setup_fee_non_negative"),
            models.CheckConstraint(
                condition=models.Q(billing_cycles__isnull=True) | models.Q(billing_cycles__gte=1),
                name="plan_version_cycles_positive",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(anchor_mode="purchase", anchor_day__isnull=True)
                    | models.Q(
                        anchor_mode="day_of_month",
                        anchor_day__isnull=False,
                        anchor_day__gte=1,
                        anchor_day__lte=28,
                    )
                ),
                name="plan_version_anchor_day_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(trial_days=0) | models.Q(trial_intervals=0),
                name="plan_version_one_trial_length",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} v{self.version}"

    def terms(self, channel_price: Decimal | None = None) -> PlanTerms:
        """The billing engine's view of this version; `channel_price` stands in when the plan has no price."""
        price = self.price if self.price is not None else channel_price
        if price is None:
            raise ValueError(f"plan version {self.pk} has no price and no channel price was given")
        return PlanTerms(
            interval=self.billing_interval(),
            price=price,
            currency=self.plan.currency,
            setup_fee=self.setup_fee,
            trial=Trial(days=self.trial_days, intervals=self.trial_intervals),
            billing_cycles=self.billing_cycles,
            anchor=self.billing_anchor(),
            usage_prices={metric: Decimal(str(p)) for metric, p in self.usage_prices.items()},
        )

    def reminder_days(self) -> int:
        """How many days before a renewal its upcoming-renewal email goes out, 0 for none (§1): the plan's
        `renewal_reminder_days`, by default `YEARLY_REMINDER_DAYS` for a yearly plan and none for a shorter
        one. The default gives way to an invoice made as far ahead, whose own email tells of the renewal."""
        if self.renewal_reminder_days is not None:
            return int(self.renewal_reminder_days)
        if self.interval != IntervalUnit.YEAR or self.invoice_lead_days >= YEARLY_REMINDER_DAYS:
            return 0
        return YEARLY_REMINDER_DAYS

    def billing_interval(self) -> Interval:
        """How often this version bills (§1)."""
        return Interval(IntervalUnit(self.interval), self.interval_count)

    def billing_anchor(self) -> BillingAnchor:
        """On which day this version renews (§1, §2)."""
        return BillingAnchor(
            mode=AnchorMode(self.anchor_mode),
            day=self.anchor_day,
            short_month_rule=ShortMonthRule(self.short_month_rule),
        )

    def dunning_policy(self) -> DunningPolicy:
        """This plan's dunning: the installation's policy with the plan's overrides (BILLING_RULES §6)."""
        return DunningPolicy.from_mapping(self.dunning, base=self.installation.default_dunning())
