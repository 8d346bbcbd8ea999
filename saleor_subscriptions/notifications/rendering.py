"""Turning a message into its subject, plain text and HTML, from the templates of the shop's language."""

from __future__ import annotations

import re
from dataclasses import dataclass
from email.utils import formataddr
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template import Context, Engine
from django.utils import translation

from saleor_subscriptions.invoicing.documents import formatting as fmt
from saleor_subscriptions.invoicing.documents.pdf import shop_name
from saleor_subscriptions.notifications.messages import Message
from saleor_subscriptions.tenants import branding
from saleor_subscriptions.tenants.models import Installation

TEMPLATES_DIR = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str
    language: fmt.Language


@cache
def _engine(*, autoescape: bool) -> Engine:
    # Plain text and subjects must not be HTML-escaped ("Koffie & Co" stays as written); HTML must be.
    return Engine(dirs=[str(TEMPLATES_DIR)], autoescape=autoescape)


def template_name(language: str, kind: str, part: str) -> str:
    """`notifications/nl/receipt.html`: one template per language, message kind and part."""
    return f"notifications/{language}/{kind}.{part}"


def render(message: Message) -> RenderedEmail:
    """The message written out in its installation's language: subject, text body and HTML body."""
    language = message.language
    context: dict[str, Any] = {**message.context, **brand(message.installation), "language": language}
    with translation.override(language):
        subject = _render(template_name(language, message.kind, "subject.txt"), context, autoescape=False)
        text = _render(template_name(language, message.kind, "txt"), context, autoescape=False)
        html = _render(template_name(language, message.kind, "html"), context, autoescape=True)
    return RenderedEmail(
        subject=re.sub(r"\s+", " ", subject).strip(),
        text=re.sub(r"\n{3,}", "\n\n", text).strip() + "\n",
        html=html.strip() + "\n",
        language=language,
    )


def brand(installation: Installation) -> dict[str, Any]:
    """The shop's look for the templates: its logo's URL (or None), its accent and the text colour on it."""
    accent = installation.accent
    return {"logo_url": installation.logo_url(), "accent": accent, "accent_text": branding.text_on(accent)}


def sender(installation: Installation) -> str:
    """`"Shop name" <address>`: the installation's own sender, or DEFAULT_FROM_EMAIL."""
    address = installation.email_sender or str(settings.DEFAULT_FROM_EMAIL)
    return formataddr((shop_name(installation), address))


def _render(name: str, context: dict[str, Any], *, autoescape: bool) -> str:
    return _engine(autoescape=autoescape).get_template(name).render(Context(context, autoescape=autoescape))
