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

from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS, SyncWebhook
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.webhooks.intake import (
    Refused,
    _accept,
    _installation,
    _payload,
    _store,
    _verify,
)
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)


def _check(
    delivery: WebhookDelivery, request: HttpRequest, readable: bool
) -> tuple[SyncWebhook, dict[str, object]]:
    if not readable:
        raise Refused(413, "body_too_large", "the body is larger than the app accepts")
    webhook = SYNC_WEBHOOKS.get(delivery.name)
    if webhook is None:
        raise Refused(404, "unknown_webhook", f"no payment webhook named {delivery.name!r}")
    delivery.installation = _installation(delivery.saleor_api_url)
    if delivery.installation.status != Installation.Status.ACTIVE:
        raise Refused(410, "shop_removed", f"the app was removed from {delivery.saleor_api_url}")
    body = delivery.raw_body
    _verify(delivery, request, body)
    described = webhook.as_webhook()
    payload = _payload(described, request, body)
    delivery.object_id = described.subject(payload)[:200]
    return webhook, payload


@csrf_exempt
@require_POST
def payment_webhook(request: HttpRequest, name: str) -> JsonResponse:
    delivery, readable = _store(request, name)
    try:
        webhook, payload = _check(delivery, request, readable)
    except Refused as refused:
        delivery.status = WebhookDelivery.Status.REFUSED
        delivery.refusal_code = refused.code
        delivery.refusal_reason = refused.message
        delivery.save()
        logger.warning("payment webhook %s refused (%s): %s", delivery.pk, refused.code, refused.message)
        error = {"code": refused.code, "message": refused.message}
        return JsonResponse(
            {"status": "refused", "delivery": delivery.pk, "error": error}, status=refused.status
        )
    first = _accept(delivery)
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
