from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "saleor_subscriptions.portal"
    label = "portal"
    verbose_name = "Customer portal"
