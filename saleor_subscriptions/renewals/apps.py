from django.apps import AppConfig


class RenewalsConfig(AppConfig):
    name = "saleor_subscriptions.renewals"
    label = "renewals"
    verbose_name = "Renewals"
