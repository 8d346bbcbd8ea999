"""URL routes of the app: each package's routes, mounted here (the only place that knows them all)."""

from django.http import HttpRequest, JsonResponse
from django.urls import include, path

from saleor_subscriptions import __version__
from saleor_subscriptions.api.logo_upload import shop_logo
from saleor_subscriptions.conf.manifest import manifest
from saleor_subscriptions.portal.views.brand import logo
from saleor_subscriptions.portal.views.documents import invoice_document


def health(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers and `make run`."""
    return JsonResponse({"status": "ok", "version": __version__})


urlpatterns = [
    path("health/", health, name="health"),
    path("api/manifest", manifest, name="manifest"),
    path("api/shop/logo", shop_logo, name="shop-logo-upload"),
    path("api/export/", include("saleor_subscriptions.api.staff.urls")),
    path("api/", include("saleor_subscriptions.saleor.urls")),
    path("api/payments/", include("saleor_subscriptions.payments.urls")),
    path("graphql/", include("saleor_subscriptions.api.urls")),
    path("webhooks/stripe/", include("saleor_subscriptions.payments.stripe_webhooks.urls")),
    path("pay/", include("saleor_subscriptions.paypage.urls")),
    path("portal/", include("saleor_subscriptions.portal.urls")),
    path("dashboard/", include("saleor_subscriptions.dashboard.urls")),
    path("documents/invoices/<str:token>.pdf", invoice_document, name="invoice-document"),
    path("brand/<int:installation_id>/<str:sha256>.png", logo, name="shop-logo"),
]
