"""Routes of the CSV exports (mounted at /api/export/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.api.staff.export import invoices_csv, subscriptions_csv

urlpatterns: list[URLPattern] = [
    path("subscriptions.csv", subscriptions_csv, name="export-subscriptions"),
    path("invoices.csv", invoices_csv, name="export-invoices"),
]
