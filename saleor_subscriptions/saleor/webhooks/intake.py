"""The webhook intake: every request to `/api/webhooks/<name>` is stored first, then checked, then handed to a
worker; whatever is refused stays recorded with its reason.

Checked in this order, each refusal answered with its status and a JSON error `{code, message}`:

| check | refusal | status |
|---|---|---|
| the body is at most Django's DATA_UPLOAD_MAX_MEMORY_SIZE (stored empty otherwise) | `body_too_large` | 413 |
| the route names a webhook of the manifest | `unknown_webhook` | 404 |
| `Saleor-Api-Url` is present | `missing_api_url` | 400 |
| it is an installation's | `unknown_shop` | 404 |
| that installation is active | `shop_removed` | 410 |
| `Saleor-Signature` verifies over the raw body (JWKS refetched once on an unknown kid) | see below | 401 |
| the JWKS could be fetched | `jwks_unavailable` | 503 (Saleor retries) |
| `Saleor-Event` is the route's event | `wrong_event` | 400 |
| the body is a JSON object | `invalid_body` | 400 |
| the same body and signature bytes were not accepted before | (answered `duplicate`, not applied) | 200 |

Signature refusals: `missing_signature`, `malformed_signature`, `unsupported_algorithm`, `unknown_key`,
`bad_signature`. An accepted delivery is answered 200 at once and applied by `tasks.process_webhook_delivery`
after the commit; if the broker is down, the sweeper (`tasks.process_pending_webhooks`) picks it up later.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from decimal import Decimal
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, JsonResponse

from saleor_subscriptions import json_body
from saleor_subscriptions.inbox import Refused, accept_once, refused_answer
from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.models import WebhookDelivery
from saleor_subscriptions.saleor.signatures import (
    BadSignatureError,
    MalformedSignatureError,
    MissingSignatureError,
    SignatureError,
    UnknownKeyError,
    UnsupportedAlgorithmError,
)
from saleor_subscriptions.saleor.webhooks.base import Webhook
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS
from saleor_subscriptions.saleor.webhooks.tasks import enqueue
from saleor_subscriptions.tenants.models import Installation

_SIGNATURE_REFUSALS: tuple[tuple[type[SignatureError], str], ...] = (
    (MissingSignatureError, "missing_signature"),
    (UnknownKeyError, "unknown_key"),
    (UnsupportedAlgorithmError, "unsupported_algorithm"),
    (BadSignatureError, "bad_signature"),
    (MalformedSignatureError, "malformed_signature"),
)


def _header(request: HttpRequest, name: str) -> str | None:
    """A Saleor header; Saleor sends each also with an `X-` prefix (the older name), read as a fallback."""
    value = request.headers.get(name) or request.headers.get(f"X-{name}")
    return value.strip() if value else None


def _signature_bytes(signature: str | None) -> bytes:
    """The decoded signature of a compact JWS (base64url ignores the unused low bits of its last character,
    so several texts decode to the same bytes); the text itself when it is not one (such a delivery is
    refused)."""
    text = (signature or "").strip()
    encoded = text.rsplit(".", 1)[-1]
    try:
        return b"sig:" + base64.urlsafe_b64decode(encoded + "=" * (-len(encoded) % 4))
    except (binascii.Error, ValueError):
        return b"text:" + text.encode("utf-8", "surrogateescape")


def dedupe_key(signature: str | None, body: bytes) -> str:
    """The same body with the same signature is the same delivery: the SHA-256 of the decoded signature
    bytes and the body (Saleor's RS256 signatures are deterministic, so a replay, or Saleor sending it again,
    has the same key, and so has a replay whose signature was re-encoded). Saleor sends no delivery id header
    (see the captures), so there is nothing else to key on."""
    return hashlib.sha256(_signature_bytes(signature) + b"\n" + body).hexdigest()


def store(request: HttpRequest, name: str) -> tuple[WebhookDelivery, bool]:
    """The delivery row, written before anything is checked, and whether the body could be read."""
    try:
        body, readable = request.body, True
    except RequestDataTooBig:
        body, readable = b"", False
    delivery = WebhookDelivery.objects.create(
        name=name[:64],
        event=(_header(request, "Saleor-Event") or "")[:64],
        saleor_api_url=(_header(request, "Saleor-Api-Url") or "")[:400],
        headers=dict(request.headers.items()),
        body=body,
        remote_addr=str(request.META.get("REMOTE_ADDR") or "")[:64],
        dedupe_key=dedupe_key(_header(request, "Saleor-Signature"), body),
    )
    return delivery, readable


def _installation(api_url: str | None) -> Installation:
    if not api_url:
        raise Refused(400, "missing_api_url", "the Saleor-Api-Url header is missing")
    installation = Installation.objects.filter(saleor_api_url=api_url).first()
    if installation is None:
        raise Refused(404, "unknown_shop", f"the app is not installed in {api_url}")
    return installation


def _verify(delivery: WebhookDelivery, request: HttpRequest, body: bytes) -> None:
    signature = _header(request, "Saleor-Signature")
    try:
        verified = saleor_jwks.jwks_cache().verify(delivery.saleor_api_url, signature, body)
    except saleor_jwks.JwksUnavailable as exc:
        raise Refused(503, "jwks_unavailable", f"the shop's keys could not be fetched: {exc}") from exc
    except SignatureError as exc:
        code = next(code for kind, code in _SIGNATURE_REFUSALS if isinstance(exc, kind))
        raise Refused(401, code, str(exc)) from exc
    delivery.signature_kid = verified.kid[:200]


def _payload(webhook: Webhook, request: HttpRequest, body: bytes) -> dict[str, Any]:
    event = _header(request, "Saleor-Event") or ""
    if event.upper() != webhook.event:
        raise Refused(400, "wrong_event", f"Saleor-Event {event!r} is not {webhook.event.lower()!r}")
    try:
        payload = json_body.loads(body, parse_float=Decimal)
    except json_body.TooDeep as exc:
        raise Refused(400, "invalid_body", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "invalid_body", "the body is not JSON") from None
    if not isinstance(payload, dict):
        raise Refused(400, "invalid_body", "the body is not a JSON object")
    return payload


def checked_payload(
    delivery: WebhookDelivery, request: HttpRequest, readable: bool, webhook: Webhook | None
) -> dict[str, Any]:
    """The payload of a stored request once every check passed: a body the app read whole, a known webhook,
    an installed shop (by `Saleor-Api-Url`), its signature, and the event of the route; `Refused` otherwise.
    Also used by the sync payment webhooks (`payments.checkout.views`)."""
    if not readable:
        raise Refused(413, "body_too_large", "the body is larger than the app accepts")
    if webhook is None:
        raise Refused(404, "unknown_webhook", f"no webhook named {delivery.name!r}")
    delivery.installation = _installation(delivery.saleor_api_url)
    if delivery.installation.status != Installation.Status.ACTIVE:
        raise Refused(410, "shop_removed", f"the app was removed from {delivery.saleor_api_url}")
    body = delivery.raw_body
    _verify(delivery, request, body)
    payload = _payload(webhook, request, body)
    delivery.object_id = webhook.subject(payload)[:200]
    return payload


def refusal(delivery: WebhookDelivery, refused: Refused) -> JsonResponse:
    """Records the refusal on the delivery and answers it: `{status, delivery, error: {code, message}}`."""
    return refused_answer(delivery, refused, name="delivery", what=f"webhook ({delivery.name})")


def accept(delivery: WebhookDelivery) -> bool:
    """Marks the delivery accepted, unless one with the same key was: then it is a duplicate (False)."""
    return accept_once(
        delivery, lambda: WebhookDelivery.objects.filter(dedupe_key=delivery.dedupe_key, accepted=True)
    )


def receive(request: HttpRequest, name: str) -> JsonResponse:
    """Store, check and queue one webhook request (see the module doc)."""
    delivery, readable = store(request, name)
    try:
        checked_payload(delivery, request, readable, WEBHOOKS.get(delivery.name))
    except Refused as refused:
        return refusal(delivery, refused)
    if not accept(delivery):
        return JsonResponse({"status": "duplicate", "delivery": delivery.pk})
    transaction.on_commit(lambda: enqueue(delivery.pk), robust=True)
    return JsonResponse({"status": "accepted", "delivery": delivery.pk})
