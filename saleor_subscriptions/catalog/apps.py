from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "saleor_subscriptions.catalog"
    label = "catalog"
    verbose_name = "Plans"
