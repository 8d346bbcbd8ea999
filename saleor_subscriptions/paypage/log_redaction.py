"""Pay and payment-method links are bearer links that work for PAY_LINK_MAX_AGE_DAYS (30 days by default):
whoever reads one can pay the invoice or replace the saved card. They must not be written to the server's
logs, so every log line that may hold a request path (gunicorn's access log, `cli.serve.RedactingAccessLog`;
Django's `django.request` and `django.server` lines, `RedactLinkTokens` on the console handler) goes through
`redact_links` first: `/pay/<token>/…`, `/pay/method/<token>/…`, the portal's entry links and billing
contacts' links keep their shape with the token replaced, and so do the `…_client_secret=` values Stripe
appends to the return URL after a payment.

No model import here: the logging configuration loads this module before Django's apps are ready.
"""

from __future__ import annotations

import logging
import re

REDACTED = "[redacted]"
_LINK_TOKEN = re.compile(r"(/pay/(?:method/)?|/portal/enter/|/portal/contact/)(?!method/)[^/?#\s\"']+")
_CLIENT_SECRET = re.compile(r"((?:payment_intent|setup_intent)_client_secret(?:=|%3D))[^&\s\"']+", re.I)


def redact_links(text: str) -> str:
    """`text` with the token of every pay or payment-method link, and every intent client secret of a query
    string, replaced by `[redacted]`."""
    if "/pay/" not in text and "/portal/" not in text and "client_secret" not in text.lower():
        return text
    return _CLIENT_SECRET.sub(rf"\1{REDACTED}", _LINK_TOKEN.sub(rf"\1{REDACTED}", text))


class RedactLinkTokens(logging.Filter):
    """A logging filter that redacts pay-link tokens from the formatted message (see the module doc)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_links(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True
