from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "saleor_subscriptions.notifications"
    label = "notifications"
    verbose_name = "Notifications"
