"""The process-wide JWKS cache: each Saleor's signing keys, fetched from `<origin>/.well-known/jwks.json`.

Webhook signatures and customer/dashboard JWTs are all verified against it (`jwks_cache().verify(...)`,
`jwks_cache().with_key_refresh(...)`), refetching once on an unknown `kid` (see `signatures.JwksCache`).
"""

from __future__ import annotations

import functools
import logging
from typing import Any

import httpx
from django.conf import settings

from saleor_subscriptions.saleor import allowed_urls
from saleor_subscriptions.saleor.client import USER_AGENT
from saleor_subscriptions.saleor.outbound import saleor_http_client
from saleor_subscriptions.saleor.signatures import Jwks, JwksCache, jwks_url

logger = logging.getLogger(__name__)


class JwksUnavailable(Exception):
    """Saleor's JWKS could not be fetched, is not a JWKS, or the Saleor may not be called (`allowed_urls`).
    Its message says no more than that: what the network answered is logged, never given to the caller."""


UNAVAILABLE = "the Saleor's signing keys (JWKS) could not be fetched"


def fetch_jwks(api_url: str) -> Jwks:
    """GETs the JWKS of the Saleor whose GraphQL URL is `api_url`, if the app may call that Saleor (see
    `allowed_urls.check_api_url`), connecting only to checked addresses (`outbound`); redirects are not
    followed."""
    try:
        allowed_urls.check_api_url(api_url)
    except allowed_urls.UrlRefused as refused:
        logger.warning("JWKS of %s not fetched: %s", api_url, refused.message)
        raise JwksUnavailable(UNAVAILABLE) from None
    url = jwks_url(api_url)
    try:
        with saleor_http_client(
            timeout=settings.SALEOR_TIMEOUT_S, headers={"User-Agent": USER_AGENT}
        ) as http:
            response = http.get(url)
    except httpx.HTTPError as exc:
        logger.warning("JWKS %s: %s: %s", url, type(exc).__name__, exc)
        raise JwksUnavailable(UNAVAILABLE) from None
    try:
        body: Any = response.json() if response.status_code == 200 else None
    except ValueError:
        body = None
    if not isinstance(body, dict) or not isinstance(body.get("keys"), list) or not body["keys"]:
        logger.warning("JWKS %s answered %s without a JWKS", url, response.status_code)
        raise JwksUnavailable(UNAVAILABLE)
    return body


@functools.cache
def jwks_cache() -> JwksCache:
    return JwksCache(fetch_jwks)
