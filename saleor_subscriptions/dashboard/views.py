"""The dashboard extension's pages: the Vite build's `index.html` for every page path, its hashed assets.

Which dashboard may frame a page: the dashboard opens an extension with `?saleorApiUrl=…` (App Bridge's query
parameters); when that URL is an active installation, the page answers `Content-Security-Policy:
frame-ancestors <scheme://host[:port] of that Saleor URL>`, else `frame-ancestors 'none'`. Without a build the
page says how to make one (503), never a bare 404.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.html import escape
from django.views.decorators.http import require_GET

from saleor_subscriptions.tenants.models import Installation

NOT_BUILT = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Subscriptions: dashboard pages not built</title></head>
<body style="font-family: sans-serif; max-width: 40rem; margin: 2rem auto">
<h1>The dashboard pages are not built</h1>
<p id="not-built">This deployment has no build of the app's dashboard pages in <code>{build_dir}</code>.
Build them with Node 20+ and npm: <code>make dashboard</code>, or
<code>cd dashboard_extension &amp;&amp; npm ci &amp;&amp; npm run build</code>; then reload this page.</p>
<p lang="nl">De dashboardpagina's zijn nog niet gebouwd: voer <code>make dashboard</code> uit
en laad opnieuw.</p>
</body></html>
"""

DEFAULT_BUILD_DIR = Path(__file__).resolve().parents[2] / "dashboard_extension" / "dist"


def build_dir() -> Path:
    """Where the Vite build is (`DASHBOARD_BUILD_DIR` in settings overrides it, for tests)."""
    return Path(getattr(settings, "DASHBOARD_BUILD_DIR", None) or DEFAULT_BUILD_DIR)


def saleor_origin(saleor_api_url: str) -> str | None:
    """`https://shop.example.com` for `https://shop.example.com/graphql/`; None for anything not http(s)."""
    parts = urlsplit(saleor_api_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = parts.hostname if parts.port is None else f"{parts.hostname}:{parts.port}"
    return f"{parts.scheme}://{host}"


def frame_ancestors(request: HttpRequest) -> str:
    """The CSP directive for a page: only the installing shop's Saleor origin may frame it."""
    api_url = request.GET.get("saleorApiUrl", "")
    origin = saleor_origin(api_url)
    if origin is not None and (
        Installation.objects.filter(saleor_api_url=api_url, status=Installation.Status.ACTIVE).exists()
    ):
        return f"frame-ancestors {origin}"
    return "frame-ancestors 'none'"


@require_GET
def page(request: HttpRequest, page_path: str = "") -> HttpResponse:
    index = build_dir() / "index.html"
    if index.is_file():
        response = HttpResponse(index.read_bytes(), content_type="text/html; charset=utf-8")
    else:
        body = NOT_BUILT.replace("{build_dir}", escape(str(build_dir())))
        response = HttpResponse(body, status=503, content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = frame_ancestors(request)
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def asset(request: HttpRequest, name: str) -> FileResponse:
    """A hashed asset of the build: cached for a year (its name changes with its content)."""
    assets = (build_dir() / "assets").resolve()
    file = (assets / name).resolve()
    if file.parent != assets or not file.is_file():
        raise Http404("no such asset")
    content_type = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    response = FileResponse(file.open("rb"), content_type=content_type)
    response["Cache-Control"] = "public, max-age=31536000, immutable"
    return response
