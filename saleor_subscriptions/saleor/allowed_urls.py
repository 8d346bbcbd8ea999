"""Which Saleor the app may talk to: the `Saleor-Api-Url` of an install, and every later fetch from it.

A Saleor API URL is an absolute http(s) URL of Saleor's GraphQL path, without user-info, query or fragment.
With an allow-list (`SALEOR_ALLOWED_API_URLS`), it must match one of its patterns part by part: the scheme,
the host (exactly, or `*.` followed by a domain: one or more whole leftmost labels), the port (the scheme's
default when none is written) and the path (exactly). Without one, any public Saleor may install, but not one
whose host is or resolves to a private, loopback, link-local or otherwise non-global address (every address
the name resolves to is checked), unless `SALEOR_ALLOW_PRIVATE_NETWORKS` is on: Saleor's own HTTP IP filter
does the same for the URLs it calls. Every request to a Saleor then goes through `outbound.PinnedTransport`,
which resolves the host once more, checks those addresses with the same rule and connects only to one of them
(a DNS answer that changes between the check and the connection cannot reach a private address). Redirects are
never followed, so an allowed Saleor cannot send the app elsewhere.

Refusals say what is wrong with the URL, never what the network answered.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from urllib.parse import SplitResult, urlsplit

from django.conf import settings

from saleor_subscriptions.billing.errors import CodedError

GRAPHQL_PATHS = ("/graphql/", "/graphql")
DEFAULT_PORTS = {"http": 80, "https": 443}
FIELD = "Saleor-Api-Url"
NOT_ALLOWED = "this Saleor may not install or use this app"


class UrlErrorCode(StrEnum):
    REQUIRED = "required"
    INVALID = "invalid"
    NOT_ALLOWED = "not_allowed"


class UrlRefused(CodedError):
    """The URL cannot be used: `status` 400 (`required`, `invalid`) or 403 (`not_allowed`), with a message
    that names no network detail; the field is the `Saleor-Api-Url` header."""

    def __init__(self, status: int, code: UrlErrorCode, message: str) -> None:
        super().__init__(code, message, FIELD)
        self.status = status


def _invalid(message: str) -> UrlRefused:
    return UrlRefused(400, UrlErrorCode.INVALID, message)


def parse_api_url(api_url: str) -> SplitResult:
    """The parts of a Saleor API URL (see the module doc); UrlRefused(400, "invalid") otherwise, also for a
    URL `urlsplit` cannot read (an unclosed IPv6 bracket, a port that is not a number)."""
    if any(ord(c) < 33 or ord(c) == 127 for c in api_url):
        raise _invalid("the URL holds spaces or control characters")
    try:
        parts = urlsplit(api_url)
        hostname, port = parts.hostname, parts.port
    except ValueError:
        raise _invalid("not a URL (its host or port cannot be read)") from None
    if parts.scheme not in DEFAULT_PORTS or not hostname or parts.query or parts.fragment:
        raise _invalid("not an absolute http(s) URL without query or fragment")
    if "@" in parts.netloc:
        raise _invalid("the URL carries user-info (user:password@)")
    if port == 0:
        raise _invalid("port 0 is not a port")
    if not parts.path.endswith(GRAPHQL_PATHS):
        raise _invalid("not a Saleor GraphQL URL (/graphql/)")
    return parts


def _port(parts: SplitResult) -> int:
    return parts.port or DEFAULT_PORTS[parts.scheme]


def _host(hostname: str) -> str:
    return hostname.lower().rstrip(".")


@dataclass(frozen=True)
class ApiUrlPattern:
    """One entry of `SALEOR_ALLOWED_API_URLS`: `https://*.saleor.cloud/graphql/`."""

    scheme: str
    host: str
    any_subdomain: bool
    port: int
    path: str

    @classmethod
    def parse(cls, pattern: str) -> ApiUrlPattern:
        """Raises ValueError for a pattern that is not a URL, or with `*` anywhere but a leftmost `*.`."""
        text = pattern.strip()
        any_subdomain = False
        marker = "://*."
        if marker in text:
            any_subdomain = True
            text = text.replace(marker, "://wildcard.", 1)
        if "*" in text:
            raise ValueError(f"{pattern!r}: '*' is allowed only as the leftmost label ('*.')")
        try:
            parts = parse_api_url(text)
        except UrlRefused as refused:
            raise ValueError(f"{pattern!r}: {refused.message}") from None
        host = _host(parts.hostname or "")
        if any_subdomain:
            host = host.removeprefix("wildcard.")
            if "." not in host:
                raise ValueError(f"{pattern!r}: '*.' must be followed by a domain with a dot")
        return cls(parts.scheme, host, any_subdomain, _port(parts), parts.path)

    def matches(self, parts: SplitResult) -> bool:
        host = _host(parts.hostname or "")
        if self.any_subdomain:
            prefix = host.removesuffix(f".{self.host}")
            host_ok = prefix != host and all(prefix.split("."))
        else:
            host_ok = host == self.host
        return (
            host_ok and parts.scheme == self.scheme and _port(parts) == self.port and parts.path == self.path
        )


def on_allow_list(parts: SplitResult, patterns: Iterable[str]) -> bool:
    """Whether the URL matches one of `patterns` (a pattern that cannot be read matches nothing)."""
    for pattern in patterns:
        try:
            if ApiUrlPattern.parse(pattern).matches(parts):
                return True
        except ValueError:
            continue
    return False


def is_public_address(address: str) -> bool:
    """A global unicast address (not private, loopback, link-local, shared, reserved or multicast)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


def public_addresses(host: str, port: int) -> list[str]:
    """Every address `host` is, or resolves to (one `getaddrinfo`), when all of them are public; else
    UrlRefused(403, "not_allowed"), also for a name that does not resolve. `outbound` connects only to
    these."""
    try:
        addresses = [str(ipaddress.ip_address(host.strip("[]")))]
    except ValueError:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):
            infos = []
        addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not addresses or not all(is_public_address(address) for address in addresses):
        raise UrlRefused(403, UrlErrorCode.NOT_ALLOWED, NOT_ALLOWED)
    return addresses


def addresses_are_checked(allowed: Sequence[str] | None = None, *, allow_private: bool | None = None) -> bool:
    """Whether the rule on addresses is in force: no allow-list, and private networks not allowed.
    `allowed` and `allow_private` default to the settings."""
    patterns = settings.SALEOR_ALLOWED_API_URLS if allowed is None else allowed
    private_ok = settings.SALEOR_ALLOW_PRIVATE_NETWORKS if allow_private is None else allow_private
    return not patterns and not private_ok


def check_api_url(
    api_url: str | None, allowed: Sequence[str] | None = None, *, allow_private: bool | None = None
) -> str:
    """The URL if the app may talk to this Saleor (see the module doc); UrlRefused otherwise.
    `allowed` and `allow_private` default to the settings."""
    if not api_url:
        raise UrlRefused(400, UrlErrorCode.REQUIRED, "the Saleor-Api-Url header is missing")
    parts = parse_api_url(api_url)
    patterns = settings.SALEOR_ALLOWED_API_URLS if allowed is None else allowed
    if patterns:
        if not on_allow_list(parts, patterns):
            raise UrlRefused(403, UrlErrorCode.NOT_ALLOWED, NOT_ALLOWED)
    elif addresses_are_checked(patterns, allow_private=allow_private):
        public_addresses(parts.hostname or "", _port(parts))
    return api_url
