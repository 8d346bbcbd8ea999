"""The page a payment email links to (`invoicing.links.invoice_page_url`): one invoice in the portal's
frame, its number, period, status (Unpaid, or Paid with its pay date), amount and PDF, and while it can be
paid a Pay button to the pay page, whose "Back" returns here. The link names this invoice and nothing else:
it opens no portal session and offers no other action."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.links import LinkRefused, document_url, invoice_of_page, pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal.views.billing import invoice_list
from saleor_subscriptions.portal.views.common import Wording, brand_of, ended, shop_name
from saleor_subscriptions.portal.views.paying import payable
from saleor_subscriptions.portal.wording import LANGUAGES


class InvoicePage(Wording):
    def __init__(self, request: HttpRequest, invoice: Invoice) -> None:
        self.request, self.invoice = request, invoice

    @property
    def language(self) -> str:
        chosen = self.request.GET.get("language", "")
        return chosen if chosen in dict(LANGUAGES) else self.invoice.installation.language


def _invoice(request: HttpRequest, token: str) -> Invoice | HttpResponse:
    """The invoice the link names, or the page saying why the link opens nothing."""
    try:
        return invoice_of_page(token)
    except LinkRefused as refused:
        if refused.code == "expired":
            return ended(request, "link_expired", 410, title_key="link_title")
        return ended(request, "link_forged", refused.status, title_key="link_title")


def _headers(response: HttpResponse) -> HttpResponse:
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    response["X-Frame-Options"] = "DENY"
    response["Referrer-Policy"] = "same-origin"
    return response


@csrf_protect
@require_GET
def invoice_page(request: HttpRequest, token: str) -> HttpResponse:
    found = _invoice(request, token)
    if isinstance(found, HttpResponse):
        return found
    page = InvoicePage(request, found)
    [row] = invoice_list(page, Invoice.objects.filter(pk=found.pk))
    context = {
        "t": page.t,
        "language": page.language,
        "languages": LANGUAGES,
        "shop": shop_name(found.installation),
        **brand_of(found.installation),
        "contact_base": f"/portal/pay/{token}/",
        "invoice": row,
        "pdf_url": document_url(found),
        "title": page.t["invoice_title"].format(number=found.number),
    }
    return _headers(render(request, "portal/invoice_page.html", context))


@csrf_protect
@require_POST
def pay(request: HttpRequest, token: str) -> HttpResponse:
    found = _invoice(request, token)
    if isinstance(found, HttpResponse):
        return found
    if not payable(found):
        return _headers(HttpResponseRedirect(f"/portal/pay/{token}/"))
    back = f"{str(settings.APP_URL).rstrip('/')}/portal/pay/{token}/"
    return _headers(HttpResponseRedirect(pay_url(found, return_to=back)))
