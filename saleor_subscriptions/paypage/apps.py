from django.apps import AppConfig


class PayPageConfig(AppConfig):
    name = "saleor_subscriptions.paypage"
    label = "paypage"
    verbose_name = "Pay page"
