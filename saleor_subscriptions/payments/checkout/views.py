"""`POST /api/payments/<name>`: Saleor's sync payment webhooks, stored and verified exactly as the async
intake does it (`saleor.webhooks.intake`: the raw request recorded first, the installation by
`Saleor-Api-Url`, `Saleor-Signature` checked against its JWKS over the exact body, `Saleor-Event` matching
the route), then answered inline with the handler's JSON. A refused request gets the intake's refusal
(status and `{status, delivery, error: {code, message}}`); an exact replay is recorded as a duplicate and
answered again (the handlers are idempotent). The answer is kept on the delivery row (`outcome`).
"""

from __future__ import annotations

import logging
import traceback

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from saleor_subscriptions.inbox import Refused
from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.intake import accept, checked_payload, refusal, store

logger = logging.getLogger(__name__)


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest, name: str) -> JsonResponse:
    delivery, readable = store(request, name)
    webhook = SYNC_WEBHOOKS.get(delivery.name)
    described = webhook.as_webhook() if webhook is not None else None
    try:
        payload = checked_payload(delivery, request, readable, described)
    except Refused as refused:
        return refusal(delivery, refused)
    assert webhook is not None  # checked_payload refused an unknown one
    first = accept(delivery)
    assert delivery.installation is not None
    delivery.attempts += 1
    try:
        answer = webhook.handle(delivery.installation, payload)
    except Exception as exc:
        delivery.status = WebhookDelivery.Status.FAILED
        delivery.outcome = {"error": f"{type(exc).__name__}: {exc}"}
        delivery.traceback = traceback.format_exc()
        delivery.processed_at = timezone.now()
        delivery.save(update_fields=["status", "outcome", "traceback", "attempts", "processed_at"])
        logger.exception("payment webhook %s (%s) failed", delivery.pk, delivery.name)
        error = {"code": "internal_error", "message": f"{type(exc).__name__}: {exc}"}
        return JsonResponse({"status": "failed", "delivery": delivery.pk, "error": error}, status=500)
    if first:
        delivery.status = WebhookDelivery.Status.PROCESSED
    delivery.outcome = answer
    delivery.processed_at = timezone.now()
    delivery.save(update_fields=["status", "outcome", "attempts", "processed_at"])
    return JsonResponse(answer)
