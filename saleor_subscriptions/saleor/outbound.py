"""The one way the app opens HTTP connections to a Saleor: the JWKS fetch and the GraphQL client (and with
them the token check of `/api/register`) all use `saleor_http_client`.

`allowed_urls.check_api_url` resolves a Saleor's host and checks every address; httpx would resolve it again
when it connects, and a DNS answer that changed in between (DNS rebinding) would reach a private address.
`PinnedTransport` closes that gap: while the rule on addresses is in force (no allow-list, private networks
not allowed), it resolves the host once, checks every address with the same rule (`public_addresses`) and
sends the request to a checked address, keeping the URL's host for TLS (`sni_hostname`: the SNI and the name
the certificate must carry) and for the `Host` header. A refused address raises `AddressRefused`, an
`httpx.ConnectError` whose message names no network detail. Otherwise the request passes on unchanged.

Pooled connections are keyed by address, so a client talks to one Saleor host (as `SaleorClient` and
`fetch_jwks` do). Proxies from the environment are not used (`trust_env=False`): a proxy would connect to
whatever it resolves. Redirects are never followed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx

from saleor_subscriptions.saleor import allowed_urls


class AddressRefused(httpx.ConnectError):
    """The Saleor's host is, or now resolves to, an address the app may not connect to."""


class PinnedTransport(httpx.BaseTransport):
    """Connects only to addresses `allowed_urls` checked, resolved once per request (see the module doc)."""

    def __init__(
        self, inner: httpx.BaseTransport | None = None, checked: Callable[[], bool] | None = None
    ) -> None:
        """`checked` says whether the rule on addresses is in force (default: `addresses_are_checked`)."""
        self._inner = inner if inner is not None else httpx.HTTPTransport()
        self._checked = checked or allowed_urls.addresses_are_checked

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        if not self._checked():
            return self._inner.handle_request(request)
        host = request.url.host
        port = request.url.port or allowed_urls.DEFAULT_PORTS.get(request.url.scheme, 80)
        try:
            addresses = allowed_urls.public_addresses(host, port)
        except allowed_urls.UrlRefused:
            raise AddressRefused(allowed_urls.NOT_ALLOWED, request=request) from None
        original = request.url
        request.extensions = {**request.extensions, "sni_hostname": host}
        failure: httpx.ConnectError | None = None
        for address in addresses:
            request.url = original.copy_with(host=address)
            try:
                return self._inner.handle_request(request)
            except httpx.ConnectError as exc:
                failure = exc
            finally:
                request.url = original
        assert failure is not None
        raise failure

    def close(self) -> None:
        self._inner.close()


def saleor_http_client(transport: httpx.BaseTransport | None = None, **kwargs: Any) -> httpx.Client:
    """An httpx client for one Saleor: `PinnedTransport` (around `transport`, if given), no redirects, no
    proxies from the environment; `kwargs` (headers, timeout) go to `httpx.Client`."""
    return httpx.Client(
        transport=PinnedTransport(transport), follow_redirects=False, trust_env=False, **kwargs
    )
