"""Delivering recorded events: one signed POST per pending delivery, retried with backoff, every try logged.

The body is JSON `{"id", "type", "created", "data"}` (`created` in Unix seconds), the same bytes on every
try; the signature (`signing`) is made afresh with the time of each try. A 2xx answer is a success; any other
answer, a redirect (never followed), a timeout or a refused address is a failure, retried after 1, 2, 4, …
minutes (doubling, at most 6 hours apart) until 3 days after the event, then given up (`failed`). Deliveries
are claimed with SKIP LOCKED and leased, so two workers never send the same one at once, and one that a
crashed worker held is sent again once its lease ends.
"""

from __future__ import annotations

import json
import logging
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions.event_delivery.endpoints import private_networks_allowed
from saleor_subscriptions.event_delivery.signing import SIGNATURE_HEADER, signature_header
from saleor_subscriptions.outbound_events.models import (
    DeliveryAttempt,
    DeliveryStatus,
    EventDelivery,
    OutboundEvent,
)
from saleor_subscriptions.saleor.outbound import AddressRefused, PinnedTransport

logger = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
RETRY_WINDOW = timedelta(days=3)
LEASE = timedelta(minutes=2)
TIMEOUT_SECONDS = 10.0
BATCH = 50
KEPT_FOR = timedelta(days=30)
PURGE_BATCH = 1000
ERROR_MAX = 500
ADDRESS_REFUSED = "AddressRefused: the host is, or now resolves to, a private or local address"


def body_of(event: OutboundEvent) -> bytes:
    """The delivery's body: the same bytes for every try of every endpoint."""
    payload = {
        "id": event.public_id,
        "type": event.type,
        "created": int(event.created_at.timestamp()),
        "data": event.data,
    }
    return json.dumps(payload, separators=(",", ":"), sort_keys=True).encode()


def retry_delay(attempts: int) -> timedelta:
    """How long after its `attempts`-th failed try a delivery is tried again: 1 min, doubling, at most 6 h."""
    doublings = min(max(attempts - 1, 0), 20)
    wait: timedelta = FIRST_RETRY * (2**doublings)
    return min(wait, LONGEST_WAIT)


def _addresses_checked() -> bool:
    return not private_networks_allowed()


def http_client(transport: httpx.BaseTransport | None = None) -> httpx.Client:
    """A client that connects only to addresses `allowed_urls` allows (checked again at each connection),
    follows no redirect and uses no proxy from the environment."""
    return httpx.Client(
        transport=PinnedTransport(transport, checked=_addresses_checked),
        follow_redirects=False,
        trust_env=False,
        timeout=TIMEOUT_SECONDS,
        headers={"User-Agent": "saleor-subscriptions-webhooks"},
    )


@dataclass(frozen=True)
class Answer:
    status_code: int | None
    duration_ms: int
    error: str

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def post(client: httpx.Client, url: str, secret: str, body: bytes) -> Answer:
    started = time.monotonic()
    headers = {
        "Content-Type": "application/json",
        SIGNATURE_HEADER: signature_header(secret, int(time.time()), body),
    }
    try:
        response = client.post(url, content=body, headers=headers)
    except AddressRefused:
        took = int((time.monotonic() - started) * 1000)
        return Answer(None, took, ADDRESS_REFUSED)
    except httpx.HTTPError as exc:
        took = int((time.monotonic() - started) * 1000)
        return Answer(None, took, f"{type(exc).__name__}: {exc}"[:ERROR_MAX])
    took = int((time.monotonic() - started) * 1000)
    error = "" if 200 <= response.status_code < 300 else f"HTTP {response.status_code}"
    return Answer(response.status_code, took, error)


def claim_due(now: datetime, limit: int = BATCH) -> list[int]:
    """The ids of up to `limit` deliveries due, leased to this worker for LEASE."""
    with transaction.atomic():
        due = (
            EventDelivery.objects.select_for_update(skip_locked=True)
            .filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("pk", flat=True)[:limit]
        )
        ids = list(due)
        EventDelivery.objects.filter(pk__in=ids).update(next_attempt_at=now + LEASE)
    return ids


def deliver(delivery_id: int, client: httpx.Client) -> EventDelivery | None:
    """One try of a pending delivery: sent, logged, and marked succeeded, due again, or given up."""
    delivery = (
        EventDelivery.objects.select_related("event", "endpoint")
        .filter(pk=delivery_id, status=DeliveryStatus.PENDING)
        .first()
    )
    if delivery is None:
        return None
    answer = post(client, delivery.endpoint.url, delivery.endpoint.secret, body_of(delivery.event))
    now = timezone.now()
    number = delivery.attempts + 1
    with transaction.atomic():
        DeliveryAttempt.objects.create(
            delivery=delivery,
            number=number,
            at=now,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            error=answer.error,
        )
        delivery.attempts = number
        if answer.succeeded:
            delivery.status, delivery.completed_at, delivery.next_attempt_at = (
                DeliveryStatus.SUCCEEDED,
                now,
                None,
            )
        else:
            retry_at = now + retry_delay(number)
            if retry_at > delivery.created_at + RETRY_WINDOW:
                delivery.status, delivery.completed_at, delivery.next_attempt_at = (
                    DeliveryStatus.FAILED,
                    now,
                    None,
                )
                logger.warning(
                    "event %s to %s given up after %s tries",
                    delivery.event.public_id,
                    delivery.endpoint.url,
                    number,
                )
            else:
                delivery.next_attempt_at = retry_at
        delivery.save(update_fields=["attempts", "status", "completed_at", "next_attempt_at"])
    return delivery


def deliver_due(now: datetime | None = None, transport: httpx.BaseTransport | None = None) -> int:
    """Sends every delivery due, batch by batch; the number of tries made."""
    tried = 0
    with http_client(transport) as client:
        while True:
            ids = claim_due(now or timezone.now())
            for delivery_id in ids:
                deliver(delivery_id, client)
            tried += len(ids)
            if len(ids) < BATCH:
                return tried


def purge_old_events(now: datetime | None = None) -> int:
    """Removes events recorded more than KEPT_FOR ago (past any retry), with their deliveries and log, in
    batches; the number removed."""
    before = (now or timezone.now()) - KEPT_FOR
    removed = 0
    while True:
        ids = list(
            OutboundEvent.objects.filter(created_at__lt=before).values_list("pk", flat=True)[:PURGE_BATCH]
        )
        if not ids:
            return removed
        DeliveryAttempt.objects.filter(delivery__event_id__in=ids).delete()
        EventDelivery.objects.filter(event_id__in=ids).delete()
        OutboundEvent.objects.filter(pk__in=ids).delete()
        removed += len(ids)
