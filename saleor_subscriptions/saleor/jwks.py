"""The process-wide JWKS cache: each Saleor's signing keys, fetched from `<origin>/.well-known/jwks.json`.

Webhook signatures and customer/dashboard JWTs are all verified against it (`jwks_cache().verify(...)`,
`jwks_cache().with_key_refresh(...)`), refetching once on an unknown `kid` (see `signatures.JwksCache`).
"""

from __future__ import annotations

import functools
from typing import Any

import httpx
from django.conf import settings

from saleor_subscriptions.saleor.client import USER_AGENT
from saleor_subscriptions.saleor.signatures import Jwks, JwksCache, jwks_url


class JwksUnavailable(Exception):
    """Saleor's JWKS could not be fetched, or is not a JWKS."""


def fetch_jwks(api_url: str) -> Jwks:
    """GETs the JWKS of the Saleor whose GraphQL URL is `api_url`."""
    url = jwks_url(api_url)
    try:
        response = httpx.get(url, timeout=settings.SALEOR_TIMEOUT_S, headers={"User-Agent": USER_AGENT})
    except httpx.HTTPError as exc:
        raise JwksUnavailable(f"{url}: {type(exc).__name__}: {exc}") from exc
    if response.status_code != 200:
        raise JwksUnavailable(f"{url} answered {response.status_code}")
    try:
        body: Any = response.json()
    except ValueError:
        raise JwksUnavailable(f"{url} did not answer JSON") from None
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list) or not body["keys"]:
        raise JwksUnavailable(f"{url} did not answer a JWKS with keys")
    return body


@functools.cache
def jwks_cache() -> JwksCache:
    return JwksCache(fetch_jwks)
