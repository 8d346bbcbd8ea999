"""Stripe's webhooks (mounted at /webhooks/stripe/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.payments.stripe_webhooks import views

app_name = "stripe_webhooks"

urlpatterns: list[URLPattern] = [
    path("<str:installation>/", views.stripe_webhook, name="webhook"),
]
