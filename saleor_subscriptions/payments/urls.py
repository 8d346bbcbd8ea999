"""Routes of Saleor's sync payment webhooks (mounted at /api/payments/, `checkout.webhooks.ROUTE_PREFIX`)."""

from django.urls import URLPattern, path

from saleor_subscriptions.payments.checkout import views

app_name = "payments"

urlpatterns: list[URLPattern] = [
    path("<slug:name>", views.payment_webhook, name="payment-webhook"),
]
