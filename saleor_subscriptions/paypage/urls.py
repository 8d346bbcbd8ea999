"""The pay page (mounted at /pay/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.paypage import views

app_name = "paypage"

urlpatterns: list[URLPattern] = [
    path("method/<str:token>/", views.method_page, name="method"),
    path("method/<str:token>/complete/", views.method_complete, name="method-complete"),
    path("<str:token>/", views.pay_page, name="pay"),
    path("<str:token>/complete/", views.pay_complete, name="pay-complete"),
]
