"""Routes Saleor calls (mounted at /api/): the manifest, the token registration, the webhooks and the sync
payment webhooks."""

from django.urls import URLPattern, path

from saleor_subscriptions.payments.checkout import views as payment_views
from saleor_subscriptions.saleor import views

app_name = "saleor"

urlpatterns: list[URLPattern] = [
    path("manifest", views.manifest, name="manifest"),
    path("register", views.register, name="register"),
    path("webhooks/<slug:name>", views.webhook, name="webhook"),
    path("payments/<slug:name>", payment_views.payment_webhook, name="payment-webhook"),
]
