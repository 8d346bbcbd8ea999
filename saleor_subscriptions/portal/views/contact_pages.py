"""What a billing contact's own link opens: the invoices of the customer who named them (number, period,
status, PDF, the credit balance) and the pay page of an open one. Nothing else: the link opens no portal
session, so no page that changes a subscription or a payment method answers to it, and it opens nothing
once the contact is removed."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.links import document_token, pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal.views.billing import credit_amounts, credit_notes, invoice_list
from saleor_subscriptions.portal.views.common import Wording, brand_of, ended, shop_name
from saleor_subscriptions.portal.views.paying import payable
from saleor_subscriptions.portal.wording import LANGUAGES
from saleor_subscriptions.subscriptions.contacts import contact_of_token, owned_subscriptions
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription


@dataclass
class ContactVisit(Wording):
    """One request through a billing contact's link."""

    request: HttpRequest
    contact: BillingContact
    token: str

    @property
    def language(self) -> str:
        chosen = self.request.GET.get("language", "")
        return chosen if chosen in dict(LANGUAGES) else self.contact.installation.language

    @property
    def base(self) -> str:
        return f"/portal/contact/{self.token}/"

    def subscriptions(self) -> QuerySet[Subscription]:
        return owned_subscriptions(self.contact)

    def invoices(self) -> QuerySet[Invoice]:
        return Invoice.objects.filter(
            installation_id=self.contact.installation_id,
            subscription__in=self.subscriptions(),
            number__isnull=False,
        ).exclude(status=Invoice.Status.DRAFT)

    def invoice(self, pk: int) -> Invoice:
        found = self.invoices().select_related("subscription__installation").filter(pk=pk).first()
        if found is None:
            raise Http404("no such invoice")
        return found


def contact_page(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page behind a contact's link (the URL's `token`): CSRF-checked on every POST, and only while the
    contact is one."""

    def wrapper(request: HttpRequest, *, token: str, **kwargs: int) -> HttpResponse:
        contact = contact_of_token(token)
        if contact is None:
            return ended(request, "contact_link_ended", 410, title_key="link_title")
        response = view(ContactVisit(request, contact, token), **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        response["X-Frame-Options"] = "DENY"
        response["Referrer-Policy"] = "same-origin"  # the token never leaves the app; Origin stays for CSRF
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    protected: Callable[..., HttpResponse] = csrf_protect(wrapper)
    return protected


@require_GET
@contact_page
def invoices(visit: ContactVisit) -> HttpResponse:
    context: dict[str, Any] = {
        "t": visit.t,
        "language": visit.language,
        "languages": LANGUAGES,
        "shop": shop_name(visit.contact.installation),
        **brand_of(visit.contact.installation),
        "contact_base": visit.base,
        "invoice_base": visit.base,
        "invoices": invoice_list(visit, visit.invoices()),
        "credit": credit_amounts(visit, visit.contact.installation_id, visit.subscriptions()),
        "credit_notes": credit_notes(visit, visit.contact.installation_id, visit.subscriptions()),
        "intro": visit.t["contact_intro"].format(email=visit.contact.email),
    }
    return render(visit.request, "portal/contact_invoices.html", context)


@require_GET
@contact_page
def invoice_document(visit: ContactVisit, pk: int) -> HttpResponse:
    invoice = visit.invoice(pk)
    return HttpResponseRedirect(reverse("invoice-document", kwargs={"token": document_token(invoice)}))


@require_POST
@contact_page
def pay_invoice(visit: ContactVisit, pk: int) -> HttpResponse:
    """To the pay page of an open invoice, its "Back" leading to the contact's own page."""
    invoice = visit.invoice(pk)
    if not payable(invoice):
        raise Http404("nothing to pay on this invoice")
    back = f"{str(settings.APP_URL).rstrip('/')}{visit.base}"  # the very link the contact opened
    return HttpResponseRedirect(pay_url(invoice, return_to=back, payer_only=True))
