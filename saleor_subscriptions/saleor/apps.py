from django.apps import AppConfig


class SaleorConfig(AppConfig):
    name = "saleor_subscriptions.saleor"
    label = "saleor"
    verbose_name = "Saleor connection"
