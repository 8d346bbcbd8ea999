"""Getting into the portal: the one-time entry link, and the session cookie it leaves (docs/portal.md).

- `create_link` (the `customerPortalSessionCreate` mutation) checks the return URL and the flow's target and
  records a PortalLink; its URL carries a signed nonce, valid ENTRY_MINUTES.
- `create_guest_link` (a guest's sign-in link, sent to their order's email) records a PortalLink without a
  Saleor user, valid GUEST_LINK_MINUTES; its session sees the guest subscriptions of that email.
- `open_link` (GET /portal/enter/<token>/) uses the link once and opens a PortalSession: a random cookie
  value (HttpOnly, SameSite=Lax, Secure unless APP_URL is plain http), stored as a digest.
- `session_of` finds the request's session, refusing one idle longer than PORTAL_IDLE_MINUTES or older than
  PORTAL_SESSION_HOURS, and marks it seen.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.self_service import customer_subscriptions
from saleor_subscriptions.portal.models import PortalFlow, PortalLink, PortalSession
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation

ENTRY_MINUTES = 5
GUEST_LINK_MINUTES = 15
ENTRY_SALT = "saleor_subscriptions.portal.entry"
COOKIE = "portal_session"
COOKIE_PATH = "/portal/"
RETURN_URL_MAX = 2000
NEEDS_SUBSCRIPTION = (PortalFlow.SUBSCRIPTION_CANCEL, PortalFlow.SUBSCRIPTION_UPDATE)


class EntryErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_FOUND = "not_found"


class EntryRefused(CodedError):
    """A request for an entry link refused: `field` (the domain's name), `code`, `message` for people."""

    field: str

    def __init__(self, field: str, code: EntryErrorCode, message: str) -> None:
        super().__init__(code, message, field)


class LinkUnusable(Exception):
    """An entry link that opens nothing: `code` is forged, expired or used."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class FlowTarget:
    """What a deep link is about: the flow, and its subscription or invoice (database ids)."""

    flow: PortalFlow = PortalFlow.OVERVIEW
    subscription_id: int | None = None
    invoice_id: int | None = None


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def check_return_url(url: str) -> str:
    """The storefront page "Back to the shop" leads to: an absolute http(s) URL with a host, no user name or
    password, at most RETURN_URL_MAX characters."""
    if len(url) > RETURN_URL_MAX:
        raise EntryRefused(
            "return_url", EntryErrorCode.INVALID, f"at most {RETURN_URL_MAX} characters, not {len(url)}"
        )
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise EntryRefused("return_url", EntryErrorCode.INVALID, "not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname or not port_ok:
        raise EntryRefused("return_url", EntryErrorCode.INVALID, "must be an absolute http or https URL")
    if parts.username is not None or parts.password is not None:
        raise EntryRefused("return_url", EntryErrorCode.INVALID, "must not carry a user name or password")
    if any(ord(c) < 33 for c in url):
        raise EntryRefused(
            "return_url", EntryErrorCode.INVALID, "must not contain spaces or control characters"
        )
    return url


def check_target(installation: Installation, user_id: str, target: FlowTarget) -> FlowTarget:
    """The flow's target, refused when it is not the customer's (NOT_FOUND, naming the field) or missing."""
    if target.flow in NEEDS_SUBSCRIPTION and target.subscription_id is None:
        raise EntryRefused(
            "subscription_id", EntryErrorCode.REQUIRED, f"the {target.flow.value} flow needs a subscription"
        )
    if target.flow is PortalFlow.INVOICE_PAY and target.invoice_id is None:
        raise EntryRefused("invoice_id", EntryErrorCode.REQUIRED, "the invoice_pay flow needs an invoice")
    mine = customer_subscriptions(installation.pk, user_id)
    if target.subscription_id is not None and not mine.filter(pk=target.subscription_id).exists():
        raise EntryRefused(
            "subscription_id", EntryErrorCode.NOT_FOUND, "no subscription of yours has this id"
        )
    if (
        target.invoice_id is not None
        and not customer_invoices(installation, user_id).filter(pk=target.invoice_id).exists()
    ):
        raise EntryRefused("invoice_id", EntryErrorCode.NOT_FOUND, "no invoice of yours has this number")
    return target


def customer_invoices(installation: Installation, user_id: str) -> QuerySet[Invoice]:
    """The issued invoices of the customer's subscriptions in one shop (never a draft)."""
    return invoices_of(installation, customer_subscriptions(installation.pk, user_id))


def invoices_of(installation: Installation, subscriptions: QuerySet[Subscription]) -> QuerySet[Invoice]:
    """The issued invoices of these subscriptions in one shop (never a draft)."""
    return Invoice.objects.filter(
        installation=installation, subscription__in=subscriptions, number__isnull=False
    ).exclude(status=Invoice.Status.DRAFT)


def guest_subscriptions(installation_id: int, email: str) -> QuerySet[Subscription]:
    """The subscriptions bought without an account with this email in one shop (not an unpaid sign-up)."""
    if not email.strip():
        return Subscription.objects.none()
    return (
        Subscription.objects.filter(
            installation_id=installation_id, customer_user_id="", customer_email__iexact=email.strip()
        )
        .exclude(status="incomplete")
        .select_related("installation", "plan_version__plan", "pending_plan_version__plan")
    )


def create_guest_link(
    installation: Installation, *, email: str, return_url: str, now: datetime | None = None
) -> tuple[PortalLink, str]:
    """A one-time link into the portal for the guest subscriptions of `email`, valid GUEST_LINK_MINUTES (it
    goes by email); `return_url` is checked already or empty."""
    nonce = secrets.token_urlsafe(32)
    moment = now or timezone.now()
    link = PortalLink.objects.create(
        installation=installation,
        customer_user_id="",
        customer_email=email,
        nonce_digest=_digest(nonce),
        return_url=return_url,
        flow=PortalFlow.OVERVIEW.value,
        created_at=moment,
        expires_at=moment + timedelta(minutes=GUEST_LINK_MINUTES),
    )
    token = signing.dumps({"n": nonce}, salt=ENTRY_SALT, compress=True)
    return link, f"{str(settings.APP_URL).rstrip('/')}/portal/enter/{token}/"


def create_link(
    installation: Installation,
    *,
    user_id: str,
    email: str,
    return_url: str,
    target: FlowTarget,
    now: datetime | None = None,
) -> str:
    """A one-time URL into the portal for this customer of this shop (module doc)."""
    check_return_url(return_url)
    check_target(installation, user_id, target)
    nonce = secrets.token_urlsafe(32)
    moment = now or timezone.now()
    PortalLink.objects.create(
        installation=installation,
        customer_user_id=user_id,
        customer_email=email,
        nonce_digest=_digest(nonce),
        return_url=return_url,
        flow=target.flow.value,
        subscription_id=target.subscription_id,
        invoice_id=target.invoice_id,
        created_at=moment,
        expires_at=moment + timedelta(minutes=ENTRY_MINUTES),
    )
    token = signing.dumps({"n": nonce}, salt=ENTRY_SALT, compress=True)
    return f"{str(settings.APP_URL).rstrip('/')}/portal/enter/{token}/"


def open_link(token: str, now: datetime | None = None) -> tuple[PortalLink, PortalSession, str]:
    """Uses the link once: the link, the session it opens, and the cookie's value."""
    try:
        # The longest any link lives; each link's own `expires_at` decides below.
        value = signing.loads(token, salt=ENTRY_SALT, max_age=timedelta(minutes=GUEST_LINK_MINUTES))
    except signing.SignatureExpired:
        raise LinkUnusable("expired") from None
    except signing.BadSignature:
        raise LinkUnusable("forged") from None
    nonce = value.get("n") if isinstance(value, dict) else None
    if not isinstance(nonce, str):
        raise LinkUnusable("forged")
    moment = now or timezone.now()
    with transaction.atomic():
        link = (
            PortalLink.objects.select_for_update()
            .select_related("installation")
            .filter(nonce_digest=_digest(nonce))
            .first()
        )
        if link is None:
            raise LinkUnusable("forged")
        if link.used_at is not None:
            raise LinkUnusable("used")
        if moment >= link.expires_at or link.installation.status != Installation.Status.ACTIVE:
            raise LinkUnusable("expired")
        link.used_at = moment
        link.save(update_fields=["used_at"])
        key = secrets.token_urlsafe(32)
        session = PortalSession.objects.create(
            installation=link.installation,
            customer_user_id=link.customer_user_id,
            customer_email=link.customer_email,
            key_digest=_digest(key),
            return_url=link.return_url,
            created_at=moment,
            last_seen_at=moment,
            expires_at=moment + timedelta(hours=int(settings.PORTAL_SESSION_HOURS)),
        )
    return link, session, key


def session_of(request: HttpRequest, now: datetime | None = None) -> PortalSession | None:
    """The live session of the request's cookie (marked seen now), or None."""
    key = request.COOKIES.get(COOKIE)
    if not key:
        return None
    moment = now or timezone.now()
    session = (
        PortalSession.objects.select_related("installation")
        .filter(key_digest=_digest(key), ended_at__isnull=True)
        .first()
    )
    if session is None:
        return None
    idle = timedelta(minutes=int(settings.PORTAL_IDLE_MINUTES))
    too_old = moment >= session.expires_at or moment - session.last_seen_at >= idle
    if too_old or session.installation.status != Installation.Status.ACTIVE:
        PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=moment)
        return None
    PortalSession.objects.filter(pk=session.pk).update(last_seen_at=moment)
    session.last_seen_at = moment
    return session


def end_session(session: PortalSession, now: datetime | None = None) -> None:
    PortalSession.objects.filter(pk=session.pk, ended_at__isnull=True).update(ended_at=now or timezone.now())


def cookie_is_secure() -> bool:
    """Secure everywhere but on a plain-http APP_URL (development on 127.0.0.1)."""
    return not str(settings.APP_URL).startswith("http://")


def set_cookie(response: HttpResponse, key: str) -> None:
    response.set_cookie(
        COOKIE,
        key,
        max_age=int(settings.PORTAL_SESSION_HOURS) * 3600,
        path=COOKIE_PATH,
        secure=cookie_is_secure(),
        httponly=True,
        samesite="Lax",
    )


def clear_cookie(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE, path=COOKIE_PATH, samesite="Lax")
