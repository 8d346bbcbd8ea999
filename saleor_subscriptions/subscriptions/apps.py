from django.apps import AppConfig


class SubscriptionsConfig(AppConfig):
    name = "saleor_subscriptions.subscriptions"
    label = "subscriptions"
    verbose_name = "Subscriptions"
