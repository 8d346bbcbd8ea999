"""The fake Stripe's controls for what goes wrong or arrives later: API timeouts, 500s and dropped
connections (with idempotency keys making retries safe), and signed webhook deliveries, replays, reordering,
stale and forged signatures."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest
import stripe

from .fake import FakeStripe
from .scenarios import CARD_PAYMENT, ONLINE_MANDATE, SEPA_SUCCEEDS

# -- failures of the API: timeouts, 500s, dropped connections ----------------------------------------------


def impatient_client(fake: FakeStripe, retries: int = 0) -> stripe.StripeClient:
    """A client that gives up after half a second, as the renewal worker's client will."""
    return fake.client(http_client=stripe.RequestsClient(timeout=0.5), max_network_retries=retries)


def test_a_timeout_after_stripe_did_the_work_is_recovered_by_retrying_the_same_key(fake_stripe):
    impatient = impatient_client(fake_stripe)
    fake_stripe.fail_next(kind="timeout", delay=2.0)
    with pytest.raises(stripe.APIConnectionError):
        impatient.v1.payment_intents.create(
            params=CARD_PAYMENT, options={"idempotency_key": "inv-1-attempt-1"}
        )
    assert fake_stripe.count("payment_intent") == 1  # the work was done; only the answer was lost
    retried = impatient.v1.payment_intents.create(
        params=CARD_PAYMENT, options={"idempotency_key": "inv-1-attempt-1"}
    )
    assert retried.status == "succeeded" and retried.id == fake_stripe.objects("payment_intent")[0]["id"]
    assert [r.replayed for r in fake_stripe.requests("POST", "/v1/payment_intents")] == [False, True]


def test_the_same_attempt_retried_five_times_through_timeouts_makes_one_payment_intent(fake_stripe):
    impatient = impatient_client(fake_stripe)
    fake_stripe.fail_next(4, kind="timeout", delay=1.0)
    outcomes = []
    for _ in range(5):
        try:
            outcomes.append(
                impatient.v1.payment_intents.create(
                    params=CARD_PAYMENT, options={"idempotency_key": "inv-9-attempt-1"}
                ).status
            )
        except stripe.APIConnectionError:
            outcomes.append("timeout")
    assert outcomes == ["timeout"] * 4 + ["succeeded"]
    assert fake_stripe.count("payment_intent") == 1 and fake_stripe.count("charge") == 1


def test_the_library_retries_a_timeout_itself_with_one_key(fake_stripe):
    fake_stripe.fail_next(kind="timeout", delay=2.0)
    pi = impatient_client(fake_stripe, retries=2).v1.payment_intents.create(params=CARD_PAYMENT)
    assert pi.status == "succeeded" and fake_stripe.count("payment_intent") == 1
    keys = {r.idempotency_key for r in fake_stripe.requests("POST", "/v1/payment_intents")}
    assert len(keys) == 1 and None not in keys


def test_a_500_after_the_work_is_kept_for_the_key_and_replayed(fake_stripe, stripe_client):
    fake_stripe.fail_next(kind="server_error", executed=True)
    for _ in range(2):
        with pytest.raises(stripe.APIError) as raised:
            stripe_client.v1.payment_intents.create(params=CARD_PAYMENT, options={"idempotency_key": "k-500"})
        assert raised.value.http_status == 500
    assert fake_stripe.count("payment_intent") == 1


def test_a_500_before_the_api_ran_lets_the_retry_do_the_work(fake_stripe, stripe_client):
    fake_stripe.fail_next(kind="server_error", executed=False)
    with pytest.raises(stripe.APIError):
        stripe_client.v1.payment_intents.create(
            params=CARD_PAYMENT, options={"idempotency_key": "k-early-500"}
        )
    assert fake_stripe.count("payment_intent") == 0
    assert stripe_client.v1.payment_intents.create(
        params=CARD_PAYMENT, options={"idempotency_key": "k-early-500"}
    ).id
    assert fake_stripe.count("payment_intent") == 1


def test_a_dropped_connection_is_an_api_connection_error(fake_stripe, stripe_client):
    fake_stripe.fail_next(kind="disconnect", executed=False)
    with pytest.raises(stripe.APIConnectionError):
        stripe_client.v1.customers.create()
    assert fake_stripe.count("customer") == 0
    assert fake_stripe.requests()[0].failure == "disconnect"


def test_failures_can_aim_at_one_path_and_leave_others_alone(fake_stripe, stripe_client):
    fake_stripe.fail_next(kind="server_error", path_prefix="/v1/refunds")
    assert stripe_client.v1.customers.create().id
    with pytest.raises(stripe.APIError):
        stripe_client.v1.refunds.create(params={"payment_intent": "pi_x"})


# -- webhooks ----------------------------------------------------------------------------------------------


class Receiver:
    """A webhook endpoint on 127.0.0.1 that keeps what it receives and answers the statuses it is given."""

    def __init__(self) -> None:
        self.received: list[tuple[bytes, str]] = []
        self.statuses: list[int] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((body, self.headers["Stripe-Signature"]))
                self.send_response(receiver.statuses.pop(0) if receiver.statuses else 200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/webhooks/stripe/1"
        threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True).start()

    def event_types(self) -> list[str]:
        return [json.loads(body)["type"] for body, _ in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    endpoint = Receiver()
    yield endpoint
    endpoint.server.shutdown()
    endpoint.server.server_close()


PAYMENT_EVENTS = ["payment_intent.succeeded", "payment_intent.payment_failed", "charge.refunded"]


def test_events_are_delivered_signed_so_construct_event_accepts_them(fake_stripe, stripe_client, receiver):
    endpoint = fake_stripe.add_webhook_endpoint(receiver.url, enabled_events=PAYMENT_EVENTS)
    pi = stripe_client.v1.payment_intents.create(params=CARD_PAYMENT)
    stripe_client.v1.refunds.create(params={"payment_intent": pi.id, "amount": 500})
    deliveries = fake_stripe.deliver_pending()
    assert [d.status_code for d in deliveries] == [200, 200]
    assert receiver.event_types() == ["payment_intent.succeeded", "charge.refunded"]
    for body, header in receiver.received:
        event = stripe.Webhook.construct_event(body, header, endpoint["secret"])
        assert event.data.object["livemode"] is False
    assert fake_stripe.deliver_pending() == []  # acknowledged events are not sent again


def test_an_unacknowledged_event_is_sent_again_on_the_next_delivery(fake_stripe, stripe_client, receiver):
    fake_stripe.add_webhook_endpoint(receiver.url, enabled_events=["payment_intent.succeeded"])
    receiver.statuses = [500]
    stripe_client.v1.payment_intents.create(params=CARD_PAYMENT)
    assert [d.status_code for d in fake_stripe.deliver_pending()] == [500]
    assert [d.status_code for d in fake_stripe.deliver_pending()] == [200]
    assert len(receiver.received) == 2


def test_a_replayed_event_carries_the_same_id_and_body(fake_stripe, stripe_client, receiver):
    fake_stripe.add_webhook_endpoint(receiver.url, enabled_events=["payment_intent.succeeded"])
    stripe_client.v1.payment_intents.create(params=CARD_PAYMENT)
    event = fake_stripe.events("payment_intent.succeeded")[0]
    fake_stripe.deliver(event)
    fake_stripe.deliver(event["id"])
    first, second = (json.loads(body) for body, _ in receiver.received)
    assert first == second and first["id"] == event["id"]


def test_events_can_be_delivered_newest_first(fake_stripe, stripe_client, receiver):
    fake_stripe.add_webhook_endpoint(
        receiver.url, enabled_events=["payment_intent.processing", "payment_intent.succeeded"]
    )
    pi = stripe_client.v1.payment_intents.create(
        params={
            "amount": 2500,
            "currency": "eur",
            "payment_method_types": ["sepa_debit"],
            "payment_method_data": SEPA_SUCCEEDS,
            "mandate_data": ONLINE_MANDATE,
            "confirm": True,
        }
    )
    fake_stripe.settle_processing(pi.id)
    fake_stripe.deliver_pending(order="reversed")
    assert receiver.event_types() == ["payment_intent.succeeded", "payment_intent.processing"]


def test_a_stale_signature_is_refused_by_construct_event(fake_stripe, stripe_client):
    endpoint = fake_stripe.add_webhook_endpoint("http://127.0.0.1:9/never")
    stripe_client.v1.customers.create()
    event = fake_stripe.events("customer.created")[0]
    stale = fake_stripe.webhook(event, endpoint, timestamp=int(time.time()) - 600)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.Webhook.construct_event(stale.payload, stale.signature, endpoint["secret"])
    fresh = fake_stripe.webhook(event, endpoint)
    assert (
        stripe.Webhook.construct_event(fresh.payload, fresh.signature, endpoint["secret"]).id == event["id"]
    )


def test_a_forged_signature_or_a_changed_body_is_refused_by_construct_event(fake_stripe, stripe_client):
    endpoint = fake_stripe.add_webhook_endpoint("http://127.0.0.1:9/never")
    stripe_client.v1.customers.create()
    event = fake_stripe.events("customer.created")[0]
    forged = fake_stripe.webhook(event, endpoint, secret="whsec_not_the_real_one")
    tampered_body = json.dumps({**event, "type": "payment_intent.succeeded"}).encode()
    tampered = fake_stripe.webhook(event, endpoint, payload=tampered_body)
    for request in (forged, tampered):
        with pytest.raises(stripe.SignatureVerificationError):
            stripe.Webhook.construct_event(request.payload, request.signature, endpoint["secret"])


def test_webhook_endpoints_made_through_the_api_show_their_secret_once(fake_stripe, stripe_client, receiver):
    created = stripe_client.v1.webhook_endpoints.create(params={"url": receiver.url, "enabled_events": ["*"]})
    assert created.secret is not None and created.secret.startswith("whsec_")
    assert "secret" not in stripe_client.v1.webhook_endpoints.retrieve(created.id).to_dict()
    stripe_client.v1.customers.create()
    fake_stripe.deliver_pending()
    body, header = receiver.received[0]
    assert stripe.Webhook.construct_event(body, header, created.secret).type == "customer.created"


def test_events_can_be_read_back_through_the_api(stripe_client):
    pi = stripe_client.v1.payment_intents.create(params=CARD_PAYMENT, options={"idempotency_key": "evt-key"})
    event = stripe_client.v1.events.list(params={"type": "payment_intent.succeeded"}).data[0]
    assert event.data.object["id"] == pi.id
    assert event.request is not None and event.request.idempotency_key == "evt-key"
    assert stripe_client.v1.events.retrieve(event.id).type == "payment_intent.succeeded"
    every_pi_event = stripe_client.v1.events.list(params={"type": "payment_intent.*"}).data
    assert [e.type for e in every_pi_event] == ["payment_intent.succeeded", "payment_intent.created"]


# -- the fake as a whole -----------------------------------------------------------------------------------


def test_reset_forgets_objects_events_requests_and_keys(fake_stripe, stripe_client):
    stripe_client.v1.customers.create(options={"idempotency_key": "before-reset"})
    fake_stripe.reset()
    assert (fake_stripe.count("customer"), fake_stripe.events(), fake_stripe.requests()) == (0, [], [])
    stripe_client.v1.customers.create(options={"idempotency_key": "before-reset"})
    assert fake_stripe.requests()[0].replayed is False


def test_concurrent_requests_are_all_served_and_kept(fake_stripe):
    client = fake_stripe.client(max_network_retries=0)
    ids: list[str] = []

    def create(n: int) -> None:
        ids.append(client.v1.customers.create(params={"email": f"c{n}@example.com"}).id)

    threads = [threading.Thread(target=create, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(ids)) == 20 and fake_stripe.count("customer") == 20


def test_a_fake_started_and_stopped_by_hand_frees_its_port():
    with FakeStripe() as fake:
        url = fake.url
        assert httpx.get(f"{url}/v1/account", auth=(fake.secret_key, "")).status_code == 200
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/v1/account", auth=(fake.secret_key, ""))
