"""Every signed link the app hands out, made and checked here (docs/portal.md, docs/renewals.md):

- a document link names one invoice's PDF (on the Saleor order, in a receipt email). It does not expire:
  Saleor keeps the URL on the order for good, and the document is the shop's own record of a sale;
- a pay link names an invoice to pay on the pay page (payment-failed emails, the portal, the API);
- a payment-method link names a subscription whose saved payment method the customer replaces (the customer
  API hands it out as `Subscription.paymentMethodUpdateUrl`).

A link holds a signed token, so it cannot be guessed or changed to name something else. `SECRET_KEY` signs
it: changing that key breaks the links already handed out. A pay or payment-method link may carry a signed
"Back" address (the portal), and is refused with the page's status and the reason: forged (400), expired
after PAY_LINK_MAX_AGE_DAYS (default 30; 410), naming nothing known (404), or used: the invoice paid or void,
the subscription ended, or cancelled for nonpayment with its reactivation window closed (410).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import reverse

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.subscriptions.rules import ENDED, can_still_reactivate

DOCUMENT_SALT = "saleor_subscriptions.invoice-document"
PAY_LINK_SALT = "saleor_subscriptions.pay"
METHOD_LINK_SALT = "saleor_subscriptions.payment_method"
INVOICE_PAGE_SALT = "saleor_subscriptions.portal.invoice"


# Document links.


def document_token(invoice: Invoice) -> str:
    return signing.dumps({"invoice": invoice.pk}, salt=DOCUMENT_SALT, compress=True)


def document_url(invoice: Invoice) -> str:
    """The absolute URL of the invoice's PDF."""
    path = reverse("invoice-document", kwargs={"token": document_token(invoice)})
    return str(settings.APP_URL).rstrip("/") + path


def invoice_of_token(token: str) -> int | None:
    """The invoice id a document token names; None when it is forged, damaged or of another kind."""
    try:
        data = signing.loads(token, salt=DOCUMENT_SALT)
    except signing.BadSignature:
        return None
    invoice_id = data.get("invoice") if isinstance(data, dict) else None
    return invoice_id if isinstance(invoice_id, int) else None


# Pay links and payment-method links.


@dataclass
class LinkRefused(Exception):
    status: int
    code: str  # forged, expired, unknown, paid, void, ended, reactivation_closed, …: the page's wording key
    detail: str = ""


def max_age() -> timedelta:
    return timedelta(days=int(settings.PAY_LINK_MAX_AGE_DAYS))


def pay_url(invoice: Invoice, return_to: str | None = None, *, payer_only: bool = False) -> str:
    """The link to the pay page of one invoice: a signed token naming it (the page checks its age);
    `return_to`, signed with it, is where the page's "Back" leads (the customer portal). A `payer_only` link
    (a billing contact's) pays the invoice and nothing more: it neither shows nor uses the customer's saved
    card, nor saves a card for the subscription."""
    payload: dict[str, object] = {"invoice": invoice.pk}
    if return_to:
        payload["return"] = return_to
    if payer_only:
        payload["payer"] = 1
    token = signing.dumps(payload, salt=PAY_LINK_SALT, compress=True)
    return f"{settings.APP_URL}/pay/{token}/"


def invoice_page_url(invoice: Invoice) -> str:
    """The link in the payment emails: the customer portal's page of one invoice (its status, PDF and Pay
    button), a signed token naming it and nothing else. It opens no portal session; its Pay button leads to
    `pay_url`, whose "Back" returns to it. Valid as long as a pay link (PAY_LINK_MAX_AGE_DAYS)."""
    token = signing.dumps({"invoice": invoice.pk}, salt=INVOICE_PAGE_SALT, compress=True)
    return f"{str(settings.APP_URL).rstrip('/')}/portal/pay/{token}/"


def payment_method_url(subscription: Subscription, return_to: str | None = None) -> str:
    """The link to the page where the customer replaces the payment method renewals charge; `return_to`,
    signed with it, is where the page's "Back" leads (the customer portal)."""
    payload: dict[str, object] = {"subscription": subscription.pk}
    if return_to:
        payload["return"] = return_to
    token = signing.dumps(payload, salt=METHOD_LINK_SALT, compress=True)
    return f"{settings.APP_URL}/pay/method/{token}/"


def _load(token: str, salt: str) -> dict[str, object]:
    try:
        value = signing.loads(token, salt=salt, max_age=max_age())
    except signing.SignatureExpired:
        raise LinkRefused(410, "expired") from None
    except signing.BadSignature:
        raise LinkRefused(400, "forged") from None
    if not isinstance(value, dict):
        raise LinkRefused(400, "forged")
    return value


def invoice_of(token: str, *, open_only: bool = True) -> Invoice:
    """The invoice a pay link names, refused when it cannot be paid (any more)."""
    pk = _load(token, PAY_LINK_SALT).get("invoice")
    invoice = (
        Invoice.objects.select_related("subscription__installation").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if invoice is None:
        raise LinkRefused(404, "unknown")
    if open_only and invoice.status == Invoice.Status.PAID:
        raise LinkRefused(410, "paid", str(invoice.number))
    if open_only and invoice.status not in (Invoice.Status.OPEN, Invoice.Status.UNCOLLECTIBLE):
        raise LinkRefused(410, "void", str(invoice.number))
    if open_only and not can_still_reactivate(invoice.subscription):
        raise LinkRefused(410, "reactivation_closed", str(invoice.number))
    return invoice


def invoice_of_page(token: str) -> Invoice:
    """The issued invoice an invoice-page link names (`invoice_page_url`), whatever its status; refused
    (expired, forged, unknown) otherwise."""
    pk = _load(token, INVOICE_PAGE_SALT).get("invoice")
    invoice = (
        Invoice.objects.select_related("installation", "subscription__installation")
        .filter(pk=pk, number__isnull=False, installation__status="active")
        .exclude(status=Invoice.Status.DRAFT)
        .first()
        if isinstance(pk, int)
        else None
    )
    if invoice is None:
        raise LinkRefused(404, "unknown")
    return invoice


def payer_only(token: str) -> bool:
    """Whether a pay link only pays (a billing contact's, `pay_url(payer_only=True)`): no saved card shown or
    used, none saved. A forged link counts as payer-only (it is refused anyway)."""
    try:
        value = signing.loads(token, salt=PAY_LINK_SALT)
    except signing.BadSignature:
        return True
    return not isinstance(value, dict) or value.get("payer") == 1


def installation_id_of(token: str) -> int | None:
    """The installation a genuine pay link is for, even expired or used (its refusal page in the shop's
    language); None for a forged one."""
    try:
        value = signing.loads(token, salt=PAY_LINK_SALT)
    except signing.BadSignature:
        return None
    pk = value.get("invoice") if isinstance(value, dict) else None
    found = (
        Invoice.objects.filter(pk=pk).values_list("installation_id", flat=True).first()
        if isinstance(pk, int)
        else None
    )
    return found


def subscription_of(token: str) -> Subscription:
    """The subscription a payment-method link names, refused once it has ended."""
    pk = _load(token, METHOD_LINK_SALT).get("subscription")
    subscription = (
        Subscription.objects.select_related("installation").filter(pk=pk).first()
        if isinstance(pk, int)
        else None
    )
    if subscription is None:
        raise LinkRefused(404, "unknown")
    if subscription.status in ENDED:
        raise LinkRefused(410, "ended")
    return subscription


def return_of(token: str, *, method: bool) -> str | None:
    """The "Back" address signed into a pay link (`method`: a payment-method link), even an expired one;
    None without one, or for a forged link."""
    try:
        value = signing.loads(token, salt=METHOD_LINK_SALT if method else PAY_LINK_SALT)
    except signing.BadSignature:
        return None
    back = value.get("return") if isinstance(value, dict) else None
    return back if isinstance(back, str) and back.startswith(str(settings.APP_URL)) else None
