"""Routes of the app's GraphQL API (mounted at /graphql/)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
