"""Routes of the app's GraphQL API (mounted at /graphql/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.api.views import graphql_view

urlpatterns: list[URLPattern] = [path("", graphql_view, name="graphql")]
