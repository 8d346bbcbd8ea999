from django.apps import AppConfig


class InvoicingConfig(AppConfig):
    name = "saleor_subscriptions.invoicing"
    label = "invoicing"
    verbose_name = "Invoices"
