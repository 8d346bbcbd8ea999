"""The signed links of the pay page: one names an invoice (`renewals.wiring.pay_url` makes it), the other a
subscription whose saved payment method the customer replaces (`payment_method_url`; the customer API hands
it out as `Subscription.paymentMethodUpdateUrl`).

A link is refused with the page's status and the reason: forged (400), expired after PAY_LINK_MAX_AGE_DAYS
(default 30; 410), naming nothing known (404), or used: the invoice paid or void, the subscription
ended, or cancelled for nonpayment with its reactivation window closed (410).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing

from saleor_subscriptions.billing.states import Actor, SubscriptionStatus, Transition
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.wiring import PAY_LINK_SALT
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.lifecycle.transition import allowed, moment_of
from saleor_subscriptions.subscriptions.models import Subscription

METHOD_LINK_SALT = "saleor_subscriptions.payment_method"
ENDED = ("cancelled", "expired")


@dataclass
class LinkRefused(Exception):
    status: int
    code: str  # forged, expired, unknown, paid, void, ended, reactivation_closed, …: the page's wording key
    detail: str = ""


def max_age() -> timedelta:
    return timedelta(days=int(settings.PAY_LINK_MAX_AGE_DAYS))


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


def can_still_reactivate(subscription: Subscription) -> bool:
    """Whether paying still keeps (or brings back) the subscription: always unless it was cancelled and its
    reactivation window has closed (BILLING_RULES §6.6); then a payment would only be refunded."""
    if subscription.state is not SubscriptionStatus.CANCELLED:
        return True
    try:
        allowed(subscription, Transition.REACTIVATE, Actor.CUSTOMER, moment_of(subscription).today)
    except LifecycleError:
        return False
    return True


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


def payment_method_url(subscription: Subscription, return_to: str | None = None) -> str:
    """The link to the page where the customer replaces the payment method renewals charge; `return_to`,
    signed with it, is where the page's "Back" leads (the customer portal)."""
    payload: dict[str, object] = {"subscription": subscription.pk}
    if return_to:
        payload["return"] = return_to
    token = signing.dumps(payload, salt=METHOD_LINK_SALT, compress=True)
    return f"{settings.APP_URL}/pay/method/{token}/"


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


def payer_only(token: str) -> bool:
    """Whether a pay link only pays (a billing contact's, `pay_url(payer_only=True)`): no saved card shown or
    used, none saved. A forged link counts as payer-only (it is refused anyway)."""
    try:
        value = signing.loads(token, salt=PAY_LINK_SALT)
    except signing.BadSignature:
        return True
    return not isinstance(value, dict) or value.get("payer") == 1


def return_of(token: str, *, method: bool) -> str | None:
    """The "Back" address signed into a pay link (`method`: a payment-method link), even an expired one;
    None without one, or for a forged link."""
    try:
        value = signing.loads(token, salt=METHOD_LINK_SALT if method else PAY_LINK_SALT)
    except signing.BadSignature:
        return None
    back = value.get("return") if isinstance(value, dict) else None
    return back if isinstance(back, str) and back.startswith(str(settings.APP_URL)) else None
