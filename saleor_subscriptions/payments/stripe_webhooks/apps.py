from django.apps import AppConfig


class StripeWebhooksConfig(AppConfig):
    name = "saleor_subscriptions.payments.stripe_webhooks"
    label = "stripe_webhooks"
    verbose_name = "Stripe webhooks"
