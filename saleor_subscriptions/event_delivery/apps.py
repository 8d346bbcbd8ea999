from django.apps import AppConfig


class EventDeliveryConfig(AppConfig):
    name = "saleor_subscriptions.event_delivery"
    label = "event_delivery"
    verbose_name = "Event delivery"
