from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "saleor_subscriptions.jobs"
    label = "jobs"
    verbose_name = "Background jobs"
