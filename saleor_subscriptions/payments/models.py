"""A shop's Stripe keys (per installation and channel, encrypted) and the Stripe customer of each customer."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from saleor_subscriptions import encryption
from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.tenants.models import Installation


class StripeAccount(models.Model):
    """The Stripe keys one installation uses in one channel (`channel_slug` "" = every other channel)."""

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="stripe_accounts")
    channel_slug = models.CharField(max_length=100, blank=True)
    livemode = models.BooleanField(help_text="Live keys (sk_live_/pk_live_) or test keys")
    stripe_account_id = models.CharField(
        max_length=64,
        blank=True,
        help_text="Stripe's id (acct_…) of the account the keys belong to, read when they are saved; empty "
        "for keys saved before it was read (then read at first use)",
    )
    secret_key_ciphertext = models.TextField()
    publishable_key = models.CharField(max_length=255)
    webhook_secret_ciphertext = models.TextField(blank=True)
    verified_at = models.DateTimeField(help_text="When Stripe last accepted the secret key")
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "channel_slug"], name="stripe_account_per_channel"
            ),
        ]

    def __str__(self) -> str:
        mode = "live" if self.livemode else "test"
        return f"Stripe ({mode}) for {self.channel_slug or 'every channel'}"

    @property
    def secret_key(self) -> str:
        return encryption.decrypt(self.secret_key_ciphertext)

    @secret_key.setter
    def secret_key(self, value: str) -> None:
        self.secret_key_ciphertext = encryption.encrypt(value)

    @property
    def webhook_secret(self) -> str:
        return encryption.decrypt(self.webhook_secret_ciphertext) if self.webhook_secret_ciphertext else ""

    @webhook_secret.setter
    def webhook_secret(self, value: str) -> None:
        self.webhook_secret_ciphertext = encryption.encrypt(value) if value else ""


class StripeCustomer(models.Model):
    """The Stripe customer of one of the shop's customers (by `customer_key`) in one Stripe account and mode,
    with the saved payment method renewals are charged to.

    `stripe_account_id` is the account (acct_…) that knows `stripe_customer_id`: its ids are only ever sent
    with that account's keys. Rows made before accounts were recorded have it empty until the first use
    with an account that Stripe confirms knows the customer (`customers.stripe_customer_for`).
    """

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    stripe_account_id = models.CharField(max_length=64, blank=True, help_text="acct_…; empty: not known yet")
    customer_key = models.CharField(max_length=320)
    livemode = models.BooleanField()
    stripe_customer_id = models.CharField(max_length=100)
    default_payment_method_id = models.CharField(max_length=100, blank=True)
    payment_method_type = models.CharField(max_length=40, blank=True, help_text="card, sepa_debit, …")
    payment_method_brand = models.CharField(max_length=30, blank=True, help_text="A card's brand (visa, …)")
    payment_method_last4 = models.CharField(
        max_length=4, blank=True, help_text="The last four digits of the card or IBAN, as Stripe reports them"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "stripe_account_id", "livemode", "customer_key"],
                name="stripe_customer_per_account",
            ),
        ]

    def __str__(self) -> str:
        return self.stripe_customer_id

    @property
    def paid_method(self) -> PaidMethod | None:
        """The saved method as an invoice it pays names it; None without one."""
        if not self.default_payment_method_id:
            return None
        return PaidMethod(self.payment_method_type, self.payment_method_brand, self.payment_method_last4)


class CheckoutPayment(models.Model):
    """One Saleor transaction the app is the payment gateway for, and the Stripe intent behind it.

    Made at TRANSACTION_INITIALIZE_SESSION, one per (installation, Saleor transaction): a repeat of that
    webhook (Saleor retries, a storefront calling again) finds this row and answers from the intent it names
    instead of making a second one. The renewal side finds the shop customer's Stripe customer through
    `stripe_customer`.
    """

    class Kind(models.TextChoices):
        PAYMENT_INTENT = "payment_intent", "PaymentIntent"
        SETUP_INTENT = "setup_intent", "SetupIntent"

    class Flow(models.TextChoices):
        CHARGE = "CHARGE", "Charge"
        AUTHORIZATION = "AUTHORIZATION", "Authorization"

    installation = models.ForeignKey(Installation, on_delete=models.CASCADE, related_name="+")
    saleor_transaction_id = models.CharField(max_length=200, help_text="TransactionItem global id")
    saleor_transaction_token = models.CharField(max_length=64, blank=True, help_text="Its UUID")
    source_type = models.CharField(max_length=16, help_text="Checkout or Order")
    source_id = models.CharField(max_length=200, help_text="The checkout's (or order's) global id")
    channel_slug = models.CharField(max_length=100)
    customer_key = models.CharField(max_length=320)
    stripe_customer = models.ForeignKey(
        StripeCustomer, on_delete=models.PROTECT, null=True, blank=True, related_name="checkout_payments"
    )
    livemode = models.BooleanField()
    flow = models.CharField(max_length=16, choices=Flow.choices)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    intent_id = models.CharField(max_length=100, blank=True, help_text="pi_… or seti_…; empty until made")
    amount = models.DecimalField(max_digits=18, decimal_places=6, help_text="What Saleor asked for")
    currency = models.CharField(max_length=3)
    has_subscription = models.BooleanField(help_text="The checkout holds a subscription line")
    status = models.CharField(max_length=40, blank=True, help_text="The intent's Stripe status, last seen")
    payment_method_id = models.CharField(max_length=100, blank=True)
    payment_method_type = models.CharField(max_length=40, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["installation", "saleor_transaction_id"], name="checkout_payment_per_transaction"
            ),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="checkout_payment_amount_not_negative"
            ),
        ]
        indexes = [models.Index(fields=["installation", "intent_id"], name="checkout_payment_intent_idx")]

    def __str__(self) -> str:
        return f"{self.saleor_transaction_id} → {self.intent_id or '(no intent yet)'}"
