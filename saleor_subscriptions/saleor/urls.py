"""Routes Saleor calls (mounted at /api/): the manifest, the token registration and the webhooks."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
