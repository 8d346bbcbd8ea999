from django.apps import AppConfig


class DiscountsConfig(AppConfig):
    name = "saleor_subscriptions.discounts"
    label = "discounts"
    verbose_name = "Discount codes"
