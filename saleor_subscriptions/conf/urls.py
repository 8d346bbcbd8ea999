"""URL routes of the app."""

from django.http import HttpRequest, JsonResponse
from django.urls import path

from saleor_subscriptions import __version__


def health(request: HttpRequest) -> JsonResponse:
    """Liveness probe for load balancers and `make run`."""
    return JsonResponse({"status": "ok", "version": __version__})


urlpatterns = [
    path("health/", health, name="health"),
]
