from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "saleor_subscriptions.reports"
    label = "reports"
    verbose_name = "Reports"
