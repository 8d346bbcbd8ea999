from django.apps import AppConfig


class TenantsConfig(AppConfig):
    name = "saleor_subscriptions.tenants"
    label = "tenants"
    verbose_name = "Installations"
