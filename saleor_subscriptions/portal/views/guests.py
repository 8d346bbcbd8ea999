"""Guests (who subscribed without an account) get into the portal through a sign-in link sent to their
order's email. The page answers the same whether or not the email has subscriptions in the shop, so it tells
no one which emails exist; requests are limited per email and per IP address (`GuestLinkRequest`), counted
alike for every email, and counted one after the other (`_serialize`: two requests at the same instant
cannot both pass)."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.db import connection, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.http import require_http_methods

from saleor_subscriptions.notifications.messages import Message
from saleor_subscriptions.notifications.models import MessageKind
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.portal import sessions
from saleor_subscriptions.portal.models import GuestLinkRequest
from saleor_subscriptions.portal.views.common import brand_of, shop_name
from saleor_subscriptions.portal.wording import LANGUAGES, words
from saleor_subscriptions.subscriptions.contacts import EMAIL_MAX
from saleor_subscriptions.tenants.models import Installation

WINDOW = timedelta(hours=1)
PER_EMAIL = 3
PER_IP = 20


def _digest(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()


def _advisory_key(name: str) -> int:
    """A signed 64-bit key for PostgreSQL's advisory locks, from a name."""
    return int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)


def _serialize(installation: Installation, digest: str, ip: str) -> None:
    """Requests for the same email of the shop, or from the same IP address, wait for each other until the
    transaction ends, so two at the same instant cannot both pass the count: PostgreSQL's transaction-level
    advisory locks, always the email's first, then the IP's (no two requests wait for each other in a
    cycle). Elsewhere (SQLite in development, which runs one writer at a time) the shop's row is locked."""
    if connection.vendor != "postgresql":
        Installation.objects.select_for_update().filter(pk=installation.pk).exists()
        return
    names = [f"portal-guest-email:{installation.pk}:{digest}"]
    if ip:
        names.append(f"portal-guest-ip:{ip}")
    with connection.cursor() as cursor:
        for name in names:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_advisory_key(name)])


def _limited(installation: Installation, digest: str, ip: str) -> bool:
    since = timezone.now() - WINDOW
    recent = GuestLinkRequest.objects.filter(created_at__gte=since)
    by_email = recent.filter(installation=installation, email_digest=digest).count()
    by_ip = recent.filter(ip=ip).count() if ip else 0
    return by_email >= PER_EMAIL or by_ip >= PER_IP


def _send(installation: Installation, email: str, return_url: str, language: str) -> bool:
    """A sign-in link to `email` when it has guest subscriptions in the shop; whether one went out."""
    if not sessions.guest_subscriptions(installation.pk, email).exists():
        return False
    link, url = sessions.create_guest_link(installation, email=email, return_url=return_url)
    context = {
        "shop_name": shop_name(installation),
        "customer_email": email,
        "sign_in_url": url,
        "pay_url": url,
        "minutes": sessions.GUEST_LINK_MINUTES,
    }
    message = Message(
        kind=MessageKind.PORTAL_SIGN_IN,
        installation=installation,
        to_email=email,
        idempotency_key=f"{MessageKind.PORTAL_SIGN_IN.value}:link:{link.pk}",
        context=context,
    )
    EmailNotifier().queue(lambda: message)
    return True


def _return_url(value: str) -> str:
    try:
        return sessions.check_return_url(value) if value else ""
    except sessions.EntryRefused:
        return ""


@csrf_protect
@require_http_methods(["GET", "POST"])
def sign_in(request: HttpRequest, shop: int) -> HttpResponse:
    installation = Installation.objects.filter(pk=shop, status=Installation.Status.ACTIVE).first()
    if installation is None:
        raise Http404("no such shop")
    chosen = request.GET.get("language", "")
    language = chosen if chosen in dict(LANGUAGES) else installation.language
    t = words(language)
    return_url = _return_url(request.POST.get("return_url", "") or request.GET.get("return_url", ""))
    context: dict[str, object] = {
        "t": t,
        "language": language,
        "languages": LANGUAGES,
        "shop": shop_name(installation),
        **brand_of(installation),
        "return_url": return_url,
        "guest_base": f"/portal/guest/{installation.pk}/",
    }
    if request.method == "GET":
        return _page(request, context)
    email = request.POST.get("email", "").strip().lower()
    if not email or len(email) > EMAIL_MAX or "@" not in email:
        return _page(request, {**context, "refusal": t["guest_email_invalid"], "email": email[:300]}, 400)
    ip = str(request.META.get("REMOTE_ADDR", ""))[:45]
    digest = _digest(email)
    with transaction.atomic():
        _serialize(installation, digest, ip)
        if _limited(installation, digest, ip):
            return _page(request, {**context, "refusal": t["guest_too_many"]}, 429)
        request_row = GuestLinkRequest.objects.create(installation=installation, email_digest=digest, ip=ip)
        request_row.sent = _send(installation, email, return_url, language)
        request_row.save(update_fields=["sent"])
    return _page(request, {**context, "sent": t["guest_sent"].format(email=email)})


def _page(request: HttpRequest, context: dict[str, object], status: int = 200) -> HttpResponse:
    response = render(request, "portal/guest_sign_in.html", context, status=status)
    response["Cache-Control"] = "no-store"
    response["X-Frame-Options"] = "DENY"
    if status == 429:
        response["Retry-After"] = str(int(WINDOW.total_seconds()))
    return response
