from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "saleor_subscriptions.payments"
    label = "payments"
    verbose_name = "Payments"
