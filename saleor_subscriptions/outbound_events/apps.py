from django.apps import AppConfig


class OutboundEventsConfig(AppConfig):
    name = "saleor_subscriptions.outbound_events"
    label = "outbound_events"
    verbose_name = "Events out"
