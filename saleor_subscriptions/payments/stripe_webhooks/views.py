"""The endpoint Stripe posts events to: `/webhooks/stripe/<installation id>/`."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_subscriptions.payments.stripe_webhooks.intake import receive


@csrf_exempt
@require_POST
def stripe_webhook(request: HttpRequest, installation: str) -> JsonResponse:
    """A Stripe event: stored, verified, queued (see `intake`)."""
    return receive(request, installation)
