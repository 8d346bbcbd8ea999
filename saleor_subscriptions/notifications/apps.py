from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "saleor_subscriptions.notifications"
    label = "notifications"
    verbose_name = "Notifications"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from saleor_subscriptions.notifications.dispatch import queue_email_for_event
        from saleor_subscriptions.subscriptions.models import SubscriptionEvent

        # The lifecycle's events send the lifecycle emails, without the domain importing the notifier.
        post_save.connect(
            queue_email_for_event, sender=SubscriptionEvent, dispatch_uid="notifications.lifecycle_emails"
        )
