"""Into and out of the portal: the one-time entry link (then the flow's page), the language, signing out."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.views.decorators.http import require_GET, require_POST

from saleor_subscriptions.invoicing.links import pay_url, payment_method_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.portal import sessions
from saleor_subscriptions.portal.models import PortalFlow, PortalLink
from saleor_subscriptions.portal.views.common import Visit, ended, portal_page
from saleor_subscriptions.portal.views.paying import payable, portal_url
from saleor_subscriptions.portal.wording import LANGUAGES
from saleor_subscriptions.subscriptions.models import Subscription


def landing(link: PortalLink) -> str:
    """Where the link's flow begins (the overview when its target can no longer be acted on)."""
    flow = PortalFlow(link.flow)
    subscription = (
        Subscription.objects.filter(pk=link.subscription_id, installation=link.installation).first()
        if link.subscription_id is not None
        else None
    )
    if flow is PortalFlow.SUBSCRIPTION_CANCEL and subscription is not None:
        return f"/portal/subscriptions/{subscription.pk}/?focus=cancel"
    if flow is PortalFlow.SUBSCRIPTION_UPDATE and subscription is not None:
        return f"/portal/subscriptions/{subscription.pk}/?focus=switch"
    if flow is PortalFlow.PAYMENT_METHOD_UPDATE:
        if subscription is not None and subscription.status not in ("cancelled", "expired"):
            return payment_method_url(subscription, return_to=portal_url("payment-method/"))
        return "/portal/payment-method/"
    if flow is PortalFlow.INVOICE_PAY and link.invoice_id is not None:
        invoice = Invoice.objects.filter(pk=link.invoice_id, installation=link.installation).first()
        if invoice is not None and payable(invoice):
            return pay_url(invoice, return_to=portal_url("invoices/"))
        return "/portal/invoices/"
    return "/portal/"


@require_GET
def enter(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link, _session, key = sessions.open_link(token)
    except sessions.LinkUnusable as unusable:
        status = 410 if unusable.code != "forged" else 400
        return ended(request, f"link_{unusable.code}", status, title_key="link_title")
    response = HttpResponseRedirect(landing(link))
    sessions.set_cookie(response, key)
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@require_POST
@portal_page
def language(visit: Visit) -> HttpResponse:
    chosen = visit.request.POST.get("language", "")
    if chosen in dict(LANGUAGES):
        visit.session.language = chosen
        visit.session.save(update_fields=["language"])
    back = visit.request.POST.get("next", "")
    return HttpResponseRedirect(back if back.startswith("/portal/") and "//" not in back else "/portal/")


@require_POST
@portal_page
def sign_out(visit: Visit) -> HttpResponse:
    sessions.end_session(visit.session)
    response = HttpResponseRedirect(visit.session.return_url or f"/portal/guest/{visit.installation.pk}/")
    sessions.clear_cookie(response)
    return response
