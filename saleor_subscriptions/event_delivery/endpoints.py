"""The shop's webhook endpoints: made, changed and removed by staff through the API.

A URL must be an absolute https URL without user-info or fragment, at most 1,000 characters, whose host is and
resolves only to public addresses: the rules `saleor.allowed_urls` applies to Saleors (a private, loopback or
link-local address is refused, and every delivery checks the addresses again as it connects). With
`SALEOR_ALLOW_PRIVATE_NETWORKS` on (development, tests), http and private addresses are allowed too.
Each endpoint signs with its own secret (`whsec_…`), shown when it is made or rotated.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import urlsplit

from django.conf import settings
from django.db import connection, transaction

from saleor_subscriptions.billing.errors import CodedError
from saleor_subscriptions.outbound_events.models import EventType, WebhookEndpoint
from saleor_subscriptions.saleor import allowed_urls
from saleor_subscriptions.tenants.models import Installation

URL_MAX = 1000
DESCRIPTION_MAX = 200
ENDPOINTS_MAX = 20
SECRET_PREFIX = "whsec_"


class EndpointErrorCode(StrEnum):
    INVALID = "invalid"
    REQUIRED = "required"
    NOT_ALLOWED = "not_allowed"
    NOT_FOUND = "not_found"
    TOO_MANY = "too_many"
    NOT_SUPPORTED = "not_supported"


class EndpointRefused(CodedError):
    """An endpoint that cannot be made or changed as asked; `field` names the argument."""


@dataclass(frozen=True)
class EndpointWithSecret:
    endpoint: WebhookEndpoint
    secret: str | None
    """The signing secret when it was just made (create, rotate); None otherwise."""


def private_networks_allowed() -> bool:
    return bool(settings.SALEOR_ALLOW_PRIVATE_NETWORKS)


def check_url(url: str) -> str:
    """The URL if events may be sent there (see the module doc); EndpointRefused naming `url` otherwise."""
    url = url.strip()
    if not url:
        raise EndpointRefused(EndpointErrorCode.REQUIRED, "give the endpoint's URL", "url")
    if len(url) > URL_MAX:
        raise EndpointRefused(EndpointErrorCode.INVALID, f"at most {URL_MAX} characters", "url")
    if any(ord(c) < 33 or ord(c) == 127 for c in url):
        raise EndpointRefused(EndpointErrorCode.INVALID, "the URL holds spaces or control characters", "url")
    try:
        parts = urlsplit(url)
        host, port = parts.hostname, parts.port
    except ValueError:
        raise EndpointRefused(
            EndpointErrorCode.INVALID, "not a URL (its host or port cannot be read)", "url"
        ) from None
    schemes = ("https", "http") if private_networks_allowed() else ("https",)
    if parts.scheme not in schemes or not host or parts.fragment or "@" in parts.netloc or port == 0:
        raise EndpointRefused(
            EndpointErrorCode.INVALID, "not an absolute https URL without user-info or fragment", "url"
        )
    if not private_networks_allowed():
        try:
            allowed_urls.public_addresses(host, port or allowed_urls.DEFAULT_PORTS[parts.scheme])
        except allowed_urls.UrlRefused:
            raise EndpointRefused(
                EndpointErrorCode.NOT_ALLOWED,
                "the host is, or resolves to, a private or local address (or does not resolve)",
                "url",
            ) from None
    return url


def _event_types(types: Iterable[str]) -> list[str]:
    chosen = sorted(dict.fromkeys(str(t) for t in types))
    unknown = [t for t in chosen if t not in EventType.values]
    if unknown:
        message = f"unknown event types: {', '.join(unknown)}"
        raise EndpointRefused(EndpointErrorCode.INVALID, message, "event_types")
    return chosen


def _description(text: str) -> str:
    text = text.strip()
    if len(text) > DESCRIPTION_MAX:
        raise EndpointRefused(
            EndpointErrorCode.INVALID, f"at most {DESCRIPTION_MAX} characters", "description"
        )
    return text


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def create_endpoint(
    installation: Installation,
    url: str,
    *,
    description: str = "",
    event_types: Iterable[str] = (),
    is_active: bool = True,
) -> EndpointWithSecret:
    """A new endpoint with a new secret; EndpointRefused naming the argument at fault. Refused on a database
    other than PostgreSQL, whose triggers record the events (the embedded SQLite default records none)."""
    if connection.vendor != "postgresql":
        message = "events out need PostgreSQL: this deployment's database records no events (docs/events.md)"
        raise EndpointRefused(EndpointErrorCode.NOT_SUPPORTED, message, None)
    endpoint = WebhookEndpoint(
        installation=installation,
        url=check_url(url),
        description=_description(description),
        event_types=_event_types(event_types),
        is_active=is_active,
    )
    secret = new_secret()
    endpoint.secret = secret
    with transaction.atomic():
        Installation.objects.select_for_update().filter(pk=installation.pk).first()
        if WebhookEndpoint.objects.filter(installation=installation).count() >= ENDPOINTS_MAX:
            message = f"a shop has at most {ENDPOINTS_MAX} endpoints"
            raise EndpointRefused(EndpointErrorCode.TOO_MANY, message, None)
        endpoint.save()
    return EndpointWithSecret(endpoint, secret)


def endpoint_of(installation: Installation, pk: int | None) -> WebhookEndpoint:
    found = WebhookEndpoint.objects.filter(installation=installation, pk=pk).first() if pk else None
    if found is None:
        raise EndpointRefused(EndpointErrorCode.NOT_FOUND, "this shop has no endpoint with this id", "id")
    return found


def update_endpoint(
    installation: Installation,
    pk: int | None,
    *,
    url: str | None = None,
    description: str | None = None,
    event_types: Iterable[str] | None = None,
    is_active: bool | None = None,
    rotate_secret: bool = False,
) -> EndpointWithSecret:
    """Changes what is given (None: unchanged); a rotated secret signs every delivery from now on."""
    endpoint = endpoint_of(installation, pk)
    if url is not None:
        endpoint.url = check_url(url)
    if description is not None:
        endpoint.description = _description(description)
    if event_types is not None:
        endpoint.event_types = _event_types(event_types)
    if is_active is not None:
        endpoint.is_active = is_active
    secret = new_secret() if rotate_secret else None
    if secret is not None:
        endpoint.secret = secret
    endpoint.save()
    return EndpointWithSecret(endpoint, secret)


def delete_endpoint(installation: Installation, pk: int | None) -> WebhookEndpoint:
    """Removes the endpoint with its deliveries and their log; nothing more is sent to it."""
    endpoint = endpoint_of(installation, pk)
    removed_pk = endpoint.pk
    endpoint.delete()
    endpoint.pk = removed_pk
    return endpoint
