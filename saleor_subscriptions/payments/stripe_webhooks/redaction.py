"""What of a Stripe event body is not kept: the `client_secret` of PaymentIntents and SetupIntents (with it,
anyone can confirm the intent from a browser). The intake checks the signature on the body as received and
stores it with every `"client_secret": "…"` replaced by `"client_secret": "redacted"`; the rest of the bytes
stay as Stripe sent them (the worker reads the event's type and object id, never the secret)."""

from __future__ import annotations

import re

REDACTED = b'"client_secret": "redacted"'
CLIENT_SECRET = re.compile(rb'"client_secret"\s*:\s*"(?:[^"\\]|\\.)*"')
"""A JSON string member named client_secret, escapes included (redacting by pattern keeps a body that is
not JSON, or is refused later, from keeping the secret too)."""


def redact_client_secrets(body: bytes) -> bytes:
    """The body with every client_secret's value replaced (see the module doc)."""
    return CLIENT_SECRET.sub(REDACTED, body)
