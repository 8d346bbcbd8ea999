"""The shop's logo as emails and the billing pages show it (`tenants.branding`).

`/brand/<installation>/<sha256>.png`: the path names the image's content, so the answer never changes and may
be cached for a year. A logo that was replaced or removed, or a path naming no shop, is 404.
"""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from saleor_subscriptions.tenants.models import ShopLogo

YEAR = 365 * 24 * 3600


@require_GET
def logo(request: HttpRequest, installation_id: int, sha256: str) -> HttpResponse:
    png = (
        ShopLogo.objects.filter(installation_id=installation_id, sha256=sha256, installation__removed_at=None)
        .values_list("png", flat=True)
        .first()
    )
    if png is None:
        raise Http404("no such logo")
    response = HttpResponse(bytes(png), content_type="image/png")
    response["Cache-Control"] = f"public, max-age={YEAR}, immutable"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
