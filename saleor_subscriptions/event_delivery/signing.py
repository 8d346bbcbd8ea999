"""Signatures of event deliveries, as Stripe signs its own webhooks.

The header `Saleor-Subscriptions-Signature: t=<unix seconds>,v1=<hex>` carries the time of signing and the
HMAC-SHA256, keyed with the endpoint's secret, of `"<t>.<body>"` (the body's exact bytes). A receiver computes
the same HMAC, compares it in constant time and refuses a `t` too far from its own clock (replays).
"""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Saleor-Subscriptions-Signature"
TOLERANCE_SECONDS = 300


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    return hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    return f"t={timestamp},v1={signature(secret, timestamp, body)}"


def verify(secret: str, header: str, body: bytes, now: int, tolerance: int = TOLERANCE_SECONDS) -> bool:
    """Whether `header` signs `body` with `secret` at a time within `tolerance` seconds of `now`."""
    parts = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    timestamp, given = parts.get("t", ""), parts.get("v1", "")
    if not timestamp.isdigit() or abs(now - int(timestamp)) > tolerance:
        return False
    return hmac.compare_digest(given, signature(secret, int(timestamp), body))
