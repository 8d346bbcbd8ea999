"""Events out (docs/events.md): recorded by the database in the transaction of the change, delivered signed to
a real HTTP receiver that verifies the signature with the snippet of docs/events.md, retried after a 500,
given up after 3 days, each try logged."""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.event_delivery.endpoints import create_endpoint
from saleor_subscriptions.event_delivery.sending import (
    ADDRESS_REFUSED,
    deliver_due,
    purge_old_events,
    retry_delay,
)
from saleor_subscriptions.event_delivery.signing import SIGNATURE_HEADER
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.outbound_events.models import DeliveryAttempt, EventDelivery, OutboundEvent
from saleor_subscriptions.subscriptions.models import Subscription
from tests.factories import make_installation, make_plan_version, make_subscription

pytestmark = pytest.mark.django_db

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def docs_verifier() -> Any:
    """`verify_signature` exactly as docs/events.md shows it to receivers."""
    (snippet,) = re.findall(r"```python\n(.*?)```", DOCS.read_text(), flags=re.S)
    namespace: dict[str, Any] = {}
    exec(compile(snippet, str(DOCS), "exec"), namespace)
    return namespace["verify_signature"]


@dataclass
class Receiver:
    """A webhook receiver on 127.0.0.1: answers the statuses queued in `answers` (then 200), verifying each
    request's signature with the documented snippet."""

    secret: str = ""
    answers: list[int] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)
    url: str = ""

    def handle(self, headers: Any, body: bytes) -> int:
        verified = docs_verifier()(self.secret, headers.get(SIGNATURE_HEADER, ""), body)
        self.received.append({"verified": verified, "body": json.loads(body), "headers": dict(headers)})
        return self.answers.pop(0) if self.answers else 200


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            status = found.handle(self.headers, body)
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    found.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/subscriptions"
    try:
        yield found
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def subscription() -> Subscription:
    installation = make_installation()
    version = make_plan_version(installation, price=Decimal("30.00"))
    return make_subscription(version, status="active")


def _endpoint(subscription: Subscription, receiver: Receiver, **options: Any) -> None:
    made = create_endpoint(subscription.installation, receiver.url, **options)
    assert made.secret is not None and made.secret.startswith("whsec_")
    receiver.secret = made.secret


def _invoice(subscription: Subscription, **fields: Any) -> Invoice:
    fields.setdefault("status", "draft")
    return Invoice.objects.create(
        installation=subscription.installation,
        subscription=subscription,
        billing_reason=fields.pop("billing_reason", "renewal"),
        currency="EUR",
        period_index=fields.pop("period_index", 1),
        period_start=subscription.current_period_start,
        period_end=subscription.current_period_end,
        total=Decimal("30.000000"),
        amount_due=Decimal("30.000000"),
        due_at=timezone.now(),
        **fields,
    )


def test_a_cancellation_is_delivered_signed_to_the_endpoint(subscription, receiver):
    _endpoint(subscription, receiver)

    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, actor_id="staff-1", effect="immediately")
    assert deliver_due() == 1

    (got,) = receiver.received
    assert got["verified"] is True
    body = got["body"]
    event = OutboundEvent.objects.get()
    assert body["id"] == event.public_id and body["id"].startswith("evt_")
    assert body["type"] == "subscription.cancelled"
    assert body["created"] == int(event.created_at.timestamp())
    assert body["data"]["object"] == "subscription"
    assert body["data"]["event"] == "cancel_now"
    assert (body["data"]["from_status"], body["data"]["to_status"]) == ("active", "cancelled")
    assert body["data"]["actor"] == "staff"
    assert body["data"]["id"] == subscription_global_id(subscription.pk)
    assert body["data"]["plan"] == plan_global_id(subscription.plan_version.plan_id)
    assert (body["data"]["status"], body["data"]["quantity"]) == ("cancelled", 1)
    assert body["data"]["customer_email"] == "piet@example.com"
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("succeeded", 1)
    (attempt,) = DeliveryAttempt.objects.all()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 200, "")


def test_a_500_is_retried_with_backoff_and_logged(subscription, receiver):
    _endpoint(subscription, receiver)
    receiver.answers = [500]
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")

    deliver_due()
    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert delivery.next_attempt_at is not None
    wait = delivery.next_attempt_at - timezone.now()
    assert timedelta(seconds=50) < wait <= timedelta(minutes=1)
    assert deliver_due() == 0  # not due yet

    deliver_due(now=delivery.next_attempt_at)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("succeeded", 2)
    log = list(DeliveryAttempt.objects.values_list("number", "status_code", "error"))
    assert log == [(1, 500, "HTTP 500"), (2, 200, "")]
    assert [r["verified"] for r in receiver.received] == [True, True]
    first, second = (r["body"] for r in receiver.received)
    assert first == second


def test_the_backoff_doubles_up_to_six_hours():
    waits = [retry_delay(n) for n in range(1, 12)]
    assert waits[:4] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert max(waits) == timedelta(hours=6) and waits[-1] == timedelta(hours=6)


def test_a_delivery_is_given_up_after_three_days(subscription, receiver):
    _endpoint(subscription, receiver)
    receiver.answers = [503]
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
    EventDelivery.objects.update(created_at=timezone.now() - timedelta(days=3), attempts=18)

    deliver_due()

    delivery = EventDelivery.objects.get()
    assert (delivery.status, delivery.attempts, delivery.next_attempt_at) == ("failed", 19, None)
    assert delivery.completed_at is not None


def test_an_unreachable_endpoint_is_logged_without_an_answer(subscription, receiver):
    made = create_endpoint(subscription.installation, "http://127.0.0.1:9/nothing-listens")
    assert made.secret
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")

    deliver_due()

    (attempt,) = DeliveryAttempt.objects.all()
    assert attempt.status_code is None and attempt.error.startswith("ConnectError")
    assert EventDelivery.objects.get().status == "pending"


def test_a_change_rolled_back_records_no_event(subscription, receiver):
    _endpoint(subscription, receiver)

    with pytest.raises(RuntimeError), transaction.atomic():
        lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
        raise RuntimeError("rolled back")

    assert not OutboundEvent.objects.exists() and not EventDelivery.objects.exists()


def test_invoice_and_credit_note_events_are_recorded_however_they_are_written(subscription, receiver):
    _endpoint(subscription, receiver)
    invoice = _invoice(subscription)
    assert not OutboundEvent.objects.exists()  # a draft is not issued yet

    Invoice.objects.filter(pk=invoice.pk).update(status="open", number="INV-1")  # a bulk UPDATE
    Invoice.objects.filter(pk=invoice.pk).update(status="paid", amount_paid=Decimal("30"))
    voided = _invoice(subscription, status="open", number="INV-2", period_index=2)
    voided.status = "void"
    voided.save()
    CreditNote.objects.create(
        installation=subscription.installation,
        number="CN-1",
        subscription=subscription,
        invoice=invoice,
        customer_key=subscription.customer_key,
        currency="EUR",
        amount=Decimal("12.500000"),
        reason="goodwill",
    )

    types = list(OutboundEvent.objects.order_by("pk").values_list("type", flat=True))
    assert types == [
        "invoice.created",
        "invoice.paid",
        "invoice.created",
        "invoice.voided",
        "credit_note.issued",
    ]
    paid = OutboundEvent.objects.get(type="invoice.paid").data
    assert (paid["number"], paid["status"], paid["previous_status"], paid["total"]) == (
        "INV-1",
        "paid",
        "open",
        "30",
    )
    assert OutboundEvent.objects.get(type="credit_note.issued").data["amount"] == "12.5"
    assert deliver_due() == 5
    assert all(r["verified"] for r in receiver.received)


def test_an_endpoint_gets_only_the_types_it_lists(subscription, receiver):
    _endpoint(subscription, receiver, event_types=["invoice.paid"])
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
    invoice = _invoice(subscription, status="open", number="INV-1")
    Invoice.objects.filter(pk=invoice.pk).update(status="paid")

    deliver_due()

    assert [r["body"]["type"] for r in receiver.received] == ["invoice.paid"]
    assert list(OutboundEvent.objects.values_list("type", flat=True)) == [
        "invoice.paid"
    ]  # no one takes others


def test_events_of_another_shop_are_not_sent_to_this_shops_endpoint(subscription, receiver):
    _endpoint(subscription, receiver)
    other = make_installation("https://other.example.com/graphql/")
    theirs = make_subscription(make_plan_version(other), status="active")

    lifecycle.cancel_subscription(theirs, actor=Actor.STAFF, effect="immediately")
    deliver_due()

    assert receiver.received == []
    assert not OutboundEvent.objects.exists()  # the other shop has no endpoint: nothing is recorded for it
    create_endpoint(other, "https://93.184.215.14/theirs")
    lifecycle.cancel_subscription(make_subscription(theirs.plan_version, status="active"), actor=Actor.STAFF)
    assert OutboundEvent.objects.get().installation_id == other.pk


def test_a_private_address_is_refused_when_sending_too(subscription, receiver, settings):
    _endpoint(subscription, receiver)
    settings.SALEOR_ALLOW_PRIVATE_NETWORKS = False
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")

    deliver_due()

    assert receiver.received == []
    (attempt,) = DeliveryAttempt.objects.all()
    assert attempt.status_code is None and attempt.error == ADDRESS_REFUSED


def test_events_older_than_30_days_are_removed_with_their_deliveries_and_log(subscription, receiver):
    _endpoint(subscription, receiver)
    lifecycle.cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately")
    deliver_due()
    OutboundEvent.objects.update(created_at=timezone.now() - timedelta(days=31))
    invoice = _invoice(subscription, status="open", number="INV-1")
    assert invoice.pk

    assert purge_old_events() == 1

    assert list(OutboundEvent.objects.values_list("type", flat=True)) == ["invoice.created"]
    assert EventDelivery.objects.count() == 1 and not DeliveryAttempt.objects.exists()
