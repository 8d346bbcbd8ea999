"""The pay page (mounted at /pay/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.paypage import bank_views, views

app_name = "paypage"

urlpatterns: list[URLPattern] = [
    path("method/<str:token>/", views.method_page, name="method"),
    path("method/<str:token>/complete/", views.method_complete, name="method-complete"),
    path("method/<str:token>/bank/", bank_views.method_bank, name="method-bank"),
    path("method/<str:token>/return/", bank_views.method_return, name="method-return"),
    path("<str:token>/", views.pay_page, name="pay"),
    path("<str:token>/complete/", views.pay_complete, name="pay-complete"),
    path("<str:token>/bank/", bank_views.pay_bank, name="pay-bank"),
    path("<str:token>/return/", bank_views.pay_return, name="pay-return"),
]
