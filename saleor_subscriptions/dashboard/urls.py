"""The dashboard pages (mounted at /dashboard/): built assets, and index.html for every page path."""

from django.urls import URLPattern, path, re_path

from saleor_subscriptions.dashboard import views

app_name = "dashboard"

urlpatterns: list[URLPattern] = [
    re_path(r"^assets/(?P<name>[\w.\-]+)$", views.asset, name="asset"),
    path("", views.page, name="home"),
    # Page paths carry global ids (base64: `=` and `+`), as a reload or the dashboard's Reopen asks for them.
    re_path(r"^(?P<page_path>[\w\-/=+]+)$", views.page, name="page"),
]
