"""What every portal page shares: the session (bound to one customer of one shop), the language, the page
frame, and the customer's own subscriptions and invoices (anything else is 404)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Concatenate, ParamSpec

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_protect

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle.self_service import customer_subscriptions
from saleor_subscriptions.portal import sessions
from saleor_subscriptions.portal.models import PortalSession
from saleor_subscriptions.portal.wording import LANGUAGES, words
from saleor_subscriptions.subscriptions.models import Subscription, customer_key
from saleor_subscriptions.tenants import branding
from saleor_subscriptions.tenants.models import Installation

P = ParamSpec("P")
STRIPE_JS = "https://js.stripe.com/v3/"


class Wording:
    """Words, amounts and days in a page's language (`language`, given by the page)."""

    @property
    def language(self) -> str:
        raise NotImplementedError

    @property
    def t(self) -> dict[str, str]:
        return words(self.language)

    @property
    def fmt_language(self) -> fmt.Language:
        return fmt.language_of(self.language)

    def money(self, amount: Any, currency: str) -> str:
        return fmt.money(amount, currency, self.fmt_language)

    def day(self, value: Any) -> str:
        return fmt.day(value, self.fmt_language)


@dataclass
class Visit(Wording):
    """One request inside a portal session."""

    request: HttpRequest
    session: PortalSession

    @property
    def installation(self) -> Installation:
        return self.session.installation

    @property
    def language(self) -> str:
        return self.session.language or self.installation.language

    @property
    def customer_key(self) -> str:
        """Who the session's customer is for credit and billing contacts (`customer_key`)."""
        return customer_key(self.session.customer_user_id, self.session.customer_email)

    @property
    def actor_id(self) -> str:
        """The customer as the events name them: the Saleor user id (a guest: their email)."""
        return self.session.customer_user_id or self.session.customer_email

    @property
    def guest(self) -> bool:
        """A guest's session (opened by a sign-in link sent to their order's email): no Saleor user."""
        return not self.session.customer_user_id

    def subscriptions(self) -> QuerySet[Subscription]:
        if self.guest:
            return sessions.guest_subscriptions(self.installation.pk, self.session.customer_email)
        return customer_subscriptions(self.installation.pk, self.session.customer_user_id)

    def subscription(self, pk: int) -> Subscription:
        """The customer's own subscription `pk`; 404 for anyone else's, or any other shop's."""
        found = self.subscriptions().filter(pk=pk).first()
        if found is None:
            raise Http404("no such subscription")
        return found

    def invoices(self) -> QuerySet[Invoice]:
        return sessions.invoices_of(self.installation, self.subscriptions())

    def invoice(self, pk: int) -> Invoice:
        found = self.invoices().select_related("subscription__plan_version__plan").filter(pk=pk).first()
        if found is None:
            raise Http404("no such invoice")
        return found

    def render(self, template: str, status: int = 200, **context: Any) -> HttpResponse:
        return render(
            self.request,
            f"portal/{template}.html",
            {
                "t": self.t,
                "language": self.language,
                "languages": LANGUAGES,
                "shop": shop_name(self.installation),
                **brand_of(self.installation),
                "return_url": self.session.return_url,
                "signed_in": True,
                **context,
            },
            status=status,
        )


PORTAL_ACCENT = "#2742c9"
"""The portal's buttons where the shop has chosen no accent colour."""


def brand_of(installation: Installation | None) -> dict[str, Any]:
    """The shop's logo and accent for the portal's pages: `accent` fills buttons (with `accent_text` on
    them); `accent_ink` draws on white, the accent itself where it reads (contrast 4.5:1), else near-black."""
    accent = (installation.accent_colour if installation is not None else "") or PORTAL_ACCENT
    ink = accent if branding.contrast(accent, "#ffffff") >= 4.5 else "#1f2430"
    return {
        "logo_url": installation.logo_url() if installation is not None else None,
        "accent": accent,
        "accent_text": branding.text_on(accent),
        "accent_ink": ink,
    }


def shop_name(installation: Installation | None) -> str:
    """The shop's name, else its Saleor's host."""
    if installation is None:
        return ""
    if installation.name:
        return installation.name
    from_url = installation.saleor_api_url.split("//", 1)[-1]
    return from_url.split("/", 1)[0]


def ended(
    request: HttpRequest, key: str = "ended_intro", status: int = 401, title_key: str = "ended_title"
) -> HttpResponse:
    """The page of no session (ended, or never opened), in the deployment's default language."""
    language = str(settings.LANGUAGE_CODE)
    t = words(language)
    response = render(
        request,
        "portal/message.html",
        {
            "t": t,
            "language": language,
            "title": t[title_key],
            "message": t[key],
        },
        status=status,
    )
    sessions.clear_cookie(response)
    return response


def portal_page(
    view: Callable[Concatenate[Visit, P], HttpResponse],
) -> Callable[Concatenate[HttpRequest, P], HttpResponse]:
    """A page of the portal: CSRF-checked on every POST, and only inside a live session."""

    def wrapper(request: HttpRequest, /, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        session = sessions.session_of(request)
        if session is None:
            return ended(request)
        response = view(Visit(request, session), *args, **kwargs)
        response["Cache-Control"] = "no-store"
        response["X-Robots-Tag"] = "noindex"
        response["X-Frame-Options"] = "DENY"
        return response

    wrapper.__name__ = view.__name__
    wrapper.__doc__ = view.__doc__
    protected: Callable[Concatenate[HttpRequest, P], HttpResponse] = csrf_protect(wrapper)
    return protected
