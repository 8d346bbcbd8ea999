"""HTTP requests from the fake Saleor to apps, with the headers exactly in the order Saleor sends them.

`http.client` is used directly so that nothing is added or reordered: the caller gives every header but
`Host`, which comes last and carries the host name without the port, as Saleor's HTTP client
(requests_hardened) sends it.
"""

from __future__ import annotations

import gzip
import http.client
import zlib
from dataclasses import dataclass
from urllib.parse import urlsplit

USER_AGENT_PREFIX = "Saleor/"


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    method: str, url: str, headers: list[tuple[str, str]], body: bytes | None = None, timeout: float = 10.0
) -> Response:
    """Sends one request; raises OSError (connection refused, timeout, …) when there is no answer."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise OSError(f"not an http(s) URL: {url!r}")
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=timeout)
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for name, value in [*headers, ("Host", parts.hostname)]:
            connection.putheader(name, value)
        connection.endheaders(body)
        answer = connection.getresponse()
        received = dict(answer.getheaders())
        body = answer.read()
        # Saleor asks for gzip/deflate (requests decodes it): so does the fake.
        encoding = next((v for k, v in received.items() if k.lower() == "content-encoding"), "").lower()
        if encoding == "gzip":
            body = gzip.decompress(body)
        elif encoding == "deflate":
            body = zlib.decompress(body)
        return Response(answer.status, received, body)
    except http.client.HTTPException as exc:
        raise OSError(f"{type(exc).__name__}: {exc}") from exc
    finally:
        connection.close()
