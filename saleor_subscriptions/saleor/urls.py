"""Routes Saleor calls (mounted at /api/): the token registration and the webhooks."""

from django.urls import URLPattern, path

from saleor_subscriptions.saleor import views

app_name = "saleor"

urlpatterns: list[URLPattern] = [
    path("register", views.register, name="register"),
    path("webhooks/<slug:name>", views.webhook, name="webhook"),
]
