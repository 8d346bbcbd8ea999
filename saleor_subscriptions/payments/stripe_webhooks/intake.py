"""The Stripe webhook intake: every request to `/webhooks/stripe/<installation id>/` is stored first, then
checked, then handed to a worker; whatever is refused stays recorded with its reason.

Checked in this order, each refusal answered with its status and a JSON error `{code, message}` (Stripe
retries any answer but 2xx for three days, so a refusal that a fix of the settings cures heals by itself):

| check | refusal | status |
|---|---|---|
| the body is at most DATA_UPLOAD_MAX_MEMORY_SIZE (stored empty otherwise) | `body_too_large` | 413 |
| the URL names an installation | `unknown_installation` | 404 |
| that installation is active | `shop_removed` | 410 |
| one of its Stripe accounts has a webhook signing secret | `no_webhook_secret` | 400 |
| `Stripe-Signature` is present, well formed, one `t=` | `missing_signature` / `malformed_signature` | 400 |
| the body is UTF-8 text (what Stripe signs) | `invalid_body` | 400 |
| it verifies with one of those secrets | `bad_signature` | 400 |
| its timestamp is within STRIPE_WEBHOOK_TOLERANCE_S (300) of now | `stale_signature` | 400 |
| the body is a Stripe event of the account's mode | `invalid_body` / `wrong_mode` | 400 |
| the event id was not accepted before for this installation | (answered `duplicate`, not applied) | 200 |

The body is stored with the `client_secret`s of its intents redacted (`redaction`); the checks read it as
received. An accepted event is answered 200 at once and applied by `tasks.process_stripe_event` after the
commit; if the broker is down, the sweeper (`tasks.process_pending_stripe_events`) applies it later.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import stripe
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, JsonResponse

from saleor_subscriptions import json_body
from saleor_subscriptions.inbox import Refused, accept_once, refused_answer
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.payments.stripe_webhooks.redaction import redact_client_secrets
from saleor_subscriptions.payments.stripe_webhooks.tasks import enqueue
from saleor_subscriptions.tenants.models import Installation


def tolerance_s() -> int:
    """How far a signature's time may be from now (STRIPE_WEBHOOK_TOLERANCE_S; Stripe's own default is five
    minutes), so a captured request cannot be replayed later."""
    return int(settings.STRIPE_WEBHOOK_TOLERANCE_S)


def _store(request: HttpRequest, installation_ref: str) -> tuple[StripeEvent, bool]:
    try:
        body, readable = request.body, True
    except RequestDataTooBig:
        body, readable = b"", False
    event = StripeEvent.objects.create(
        installation_ref=installation_ref[:40],
        headers=dict(request.headers.items()),
        body=redact_client_secrets(body),
        remote_addr=str(request.META.get("REMOTE_ADDR") or "")[:64],
    )
    return event, readable


def _installation(ref: str) -> Installation:
    # ASCII digits only: "²" passes isdigit() but int() raises; other scripts' digits are no id either.
    known = ref.isascii() and ref.isdigit() and len(ref) <= 18
    installation = Installation.objects.filter(pk=int(ref)).first() if known else None
    if installation is None:
        raise Refused(404, "unknown_installation", f"no installation {ref!r} in this app")
    if installation.status != Installation.Status.ACTIVE:
        raise Refused(410, "shop_removed", f"the app was removed from installation {ref}")
    return installation


def _signed_at(header: str) -> datetime:
    """The header's one timestamp, read as `stripe.WebhookSignature` reads it (items split at ",", key and
    value at "="). More than one `t=` is refused: the library verifies the signature with the first one, so a
    `t=` appended to an old signed header must not be the one checked for staleness."""
    stamps = [item.split("=", 2)[1:] for item in header.split(",") if item.split("=", 2)[0] == "t"]
    if len(stamps) > 1:
        raise Refused(400, "malformed_signature", "Stripe-Signature has more than one timestamp t=")
    value = stamps[0][0] if stamps and stamps[0] else ""
    if not (value.isascii() and value.isdigit()):
        raise Refused(400, "malformed_signature", "Stripe-Signature has no timestamp t=<unix time>")
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (ValueError, OverflowError, OSError):
        raise Refused(400, "malformed_signature", "Stripe-Signature has no timestamp t=<unix time>") from None


def _verify(event: StripeEvent, installation: Installation, header: str | None, body: bytes) -> StripeAccount:
    """The account whose webhook secret signed the body (the installation may have one per channel)."""
    accounts = [
        account
        for account in StripeAccount.objects.filter(installation=installation).order_by("pk")
        if account.webhook_secret
    ]
    if not accounts:
        raise Refused(
            400, "no_webhook_secret", "no Stripe account of this installation has a webhook signing secret"
        )
    if not header:
        raise Refused(400, "missing_signature", "the Stripe-Signature header is missing")
    event.signed_at = _signed_at(header)
    try:
        payload = body.decode("utf-8")  # Stripe signs the UTF-8 text of the body
    except UnicodeDecodeError:
        raise Refused(400, "invalid_body", "the body is not UTF-8 text") from None
    for account in accounts:
        try:
            # The one timestamp (above) is the one signed; staleness is checked below, both ways.
            stripe.WebhookSignature.verify_header(payload, header, account.webhook_secret)
        except stripe.SignatureVerificationError:
            continue
        age = abs(time.time() - event.signed_at.timestamp())
        if age > tolerance_s():
            raise Refused(
                400,
                "stale_signature",
                f"the signature is {int(age)} s old, more than the {tolerance_s()} s tolerated",
            )
        return account
    raise Refused(400, "bad_signature", "the signature does not verify with the webhook signing secret")


def _read(event: StripeEvent, account: StripeAccount, body: bytes) -> None:
    try:
        payload: Any = json_body.loads(body)
    except json_body.TooDeep as exc:
        raise Refused(400, "invalid_body", str(exc)) from None
    except (ValueError, UnicodeDecodeError):
        raise Refused(400, "invalid_body", "the body is not JSON") from None
    if not isinstance(payload, dict) or payload.get("object") != "event" or not payload.get("id"):
        raise Refused(400, "invalid_body", "the body is not a Stripe event")
    data = payload.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    event.event_id = str(payload["id"])[:100]
    event.event_type = str(payload.get("type") or "")[:100]
    event.object_id = str(obj.get("id") or "")[:100] if isinstance(obj, dict) else ""
    event.livemode = bool(payload.get("livemode"))
    if event.livemode != account.livemode:
        mode = "live" if event.livemode else "test"
        raise Refused(400, "wrong_mode", f"a {mode}-mode event for an account with other keys")


def _accept(event: StripeEvent) -> bool:
    """Marks the event accepted, unless its id was accepted before: then it is a duplicate (False)."""
    return accept_once(
        event,
        lambda: StripeEvent.objects.filter(
            installation=event.installation, event_id=event.event_id, accepted=True
        ),
    )


def receive(request: HttpRequest, installation_ref: str) -> JsonResponse:
    """Store, check and queue one Stripe webhook request (see the module doc)."""
    event, readable = _store(request, installation_ref)
    try:
        if not readable:
            raise Refused(413, "body_too_large", "the body is larger than the app accepts")
        event.installation = _installation(installation_ref)
        body = request.body  # as Stripe signed it: the stored copy has its client secrets redacted
        event.account = _verify(event, event.installation, request.headers.get("Stripe-Signature"), body)
        event.verified = True
        _read(event, event.account, body)
    except Refused as refused:
        return refused_answer(event, refused, name="event", what="Stripe webhook")
    if not _accept(event):
        return JsonResponse({"status": "duplicate", "event": event.pk})
    transaction.on_commit(lambda: enqueue(event.pk), robust=True)
    return JsonResponse({"status": "accepted", "event": event.pk})
