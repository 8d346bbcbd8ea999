"""The page a payment email links to (`renewals.wiring.invoice_page_url`): one invoice in the portal's
frame, its number, period, status (Unpaid, or Paid with its pay date), amount and PDF, and while it can be
paid a Pay button to the pay page, whose "Back" returns here. The link names this invoice and nothing else:
it opens no portal session and offers no other action."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.links import document_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal.views.billing import invoice_list
from saleor_subscriptions.portal.views.common import Wording, ended, shop_name
from saleor_subscriptions.portal.views.paying import payable
from saleor_subscriptions.portal.wording import LANGUAGES
from saleor_subscriptions.renewals.wiring import INVOICE_PAGE_SALT, pay_url


class InvoicePage(Wording):
    def __init__(self, request: HttpRequest, invoice: Invoice) -> None:
        self.request, self.invoice = request, invoice

    @property
    def language(self) -> str:
        chosen = self.request.GET.get("language", "")
        return chosen if chosen in dict(LANGUAGES) else self.invoice.installation.language


def _invoice(request: HttpRequest, token: str) -> Invoice | HttpResponse:
    """The invoice the link names, or the page saying why the link opens nothing."""
    max_age = timedelta(days=int(settings.PAY_LINK_MAX_AGE_DAYS))
    try:
        value = signing.loads(token, salt=INVOICE_PAGE_SALT, max_age=max_age)
    except signing.SignatureExpired:
        return ended(request, "link_expired", 410, title_key="link_title")
    except signing.BadSignature:
        return ended(request, "link_forged", 400, title_key="link_title")
    pk = value.get("invoice") if isinstance(value, dict) else None
    invoice = (
        Invoice.objects.select_related("installation", "subscription__installation")
        .filter(pk=pk, number__isnull=False, installation__status="active")
        .exclude(status=Invoice.Status.DRAFT)
        .first()
        if isinstance(pk, int)
        else None
    )
    if invoice is None:
        return ended(request, "link_forged", 404, title_key="link_title")
    return invoice


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
