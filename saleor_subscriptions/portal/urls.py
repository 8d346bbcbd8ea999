"""The customer portal (mounted at /portal/)."""

from django.urls import URLPattern, path

from saleor_subscriptions.portal.views import (
    billing,
    contact_pages,
    contacts,
    entry,
    guests,
    invoice_page,
    saved_methods,
    shipping,
    subscriptions,
    switching,
)

app_name = "portal"

urlpatterns: list[URLPattern] = [
    path("enter/<str:token>/", entry.enter, name="enter"),
    path("language/", entry.language, name="language"),
    path("sign-out/", entry.sign_out, name="sign-out"),
    path("", subscriptions.overview, name="overview"),
    path("subscriptions/<int:pk>/", subscriptions.detail, name="subscription"),
    path("subscriptions/<int:pk>/cancel/", subscriptions.cancel, name="cancel"),
    path("subscriptions/<int:pk>/undo-cancel/", subscriptions.undo_cancel, name="undo-cancel"),
    path("subscriptions/<int:pk>/pause/", subscriptions.pause, name="pause"),
    path("subscriptions/<int:pk>/skip/", subscriptions.skip, name="skip"),
    path("subscriptions/<int:pk>/resume/", subscriptions.resume, name="resume"),
    path("subscriptions/<int:pk>/quantity/", subscriptions.quantity, name="quantity"),
    path("subscriptions/<int:pk>/address/", shipping.address, name="address"),
    path("subscriptions/<int:pk>/reactivate/", subscriptions.reactivate, name="reactivate"),
    path("subscriptions/<int:pk>/switch/", switching.preview, name="switch-preview"),
    path("subscriptions/<int:pk>/switch/confirm/", switching.confirm, name="switch-confirm"),
    path("invoices/", billing.invoices, name="invoices"),
    path("invoices/<int:pk>/pdf/", billing.invoice_document, name="invoice-pdf"),
    path("invoices/<int:pk>/pay/", billing.pay_invoice, name="invoice-pay"),
    path("payment-method/", saved_methods.payment_method, name="payment-method"),
    path("payment-method/saved/<str:payment_method_id>/default/", saved_methods.make_default, name="default"),
    path("payment-method/saved/<str:payment_method_id>/remove/", saved_methods.remove_method, name="remove"),
    path("payment-method/<int:pk>/update/", billing.update_payment_method, name="payment-method-update"),
    path("guest/<int:shop>/", guests.sign_in, name="guest-sign-in"),
    path("pay/<str:token>/", invoice_page.invoice_page, name="invoice-page"),
    path("pay/<str:token>/pay/", invoice_page.pay, name="invoice-page-pay"),
    path("contacts/", contacts.contacts, name="contacts"),
    path("contacts/add/", contacts.add, name="contact-add"),
    path("contacts/<int:pk>/remove/", contacts.remove, name="contact-remove"),
    path("contact/<str:token>/", contact_pages.invoices, name="contact"),
    path("contact/<str:token>/invoices/<int:pk>/pdf/", contact_pages.invoice_document, name="contact-pdf"),
    path("contact/<str:token>/invoices/<int:pk>/pay/", contact_pages.pay_invoice, name="contact-pay"),
]
