"""FakeStripe: the server object tests hold. Start it (a context manager), point the stripe library at `url`,
then drive what Stripe would decide on its own: 3-D Secure challenges, SEPA settlement, disputes, mandate
changes, webhook deliveries, and failures of the API itself."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Iterable
from http.server import ThreadingHTTPServer
from types import TracebackType
from typing import Any

import stripe

from . import charges, outcomes, setup_intents, transport, webhooks
from .state import Account, Request, kind_of, new_id
from .transport import Failure, RecordedRequest
from .webhooks import Delivery, WebhookRequest

FAILURE_KINDS = ("timeout", "server_error", "disconnect")


class FakeStripe:
    """A fake Stripe API over real HTTP on 127.0.0.1, with its state in memory (thread-safe)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, api_version: str | None = None) -> None:
        self.host, self.port = host, port
        self.api_version = api_version or stripe.api_version
        self.lock = threading.RLock()
        self.stopping = threading.Event()
        self.accounts: dict[str, Account] = {}  # by secret key
        self.restricted_keys: dict[str, Account] = {}  # rk_… → its account (`add_restricted_key`)
        self._requests: list[RecordedRequest] = []
        self._failures: list[Failure] = []
        self.deliveries: list[Delivery] = []
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.account = self.add_account()

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        self.stopping.clear()
        self._server, self._thread = transport.serve(self, self.host, self.port)
        self.port = self._server.server_address[1]
        return self

    def stop(self) -> None:
        self.stopping.set()  # ends held (timeout) responses
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> FakeStripe:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def secret_key(self) -> str:
        return self.account.secret_key

    @property
    def publishable_key(self) -> str:
        return self.account.publishable_key

    def add_account(
        self, secret_key: str | None = None, *, livemode: bool = False, name: str = "Fake shop"
    ) -> Account:
        """Another Stripe account (one per installation in multi-shop tests); `sk_live_…` keys are live."""
        mode = "live" if livemode else "test"
        key = secret_key or f"sk_{mode}_fake{secrets.token_hex(12)}"
        account = Account(
            key,
            f"pk_{mode}_fake{secrets.token_hex(12)}",
            new_id("acct", 16),
            livemode or key.startswith("sk_live_"),
            name,
        )
        with self.lock:
            self.accounts[key] = account
        return account

    def add_restricted_key(self, account: Account | None = None) -> str:
        """A restricted key (`rk_…`) of the account (default: the first): it works like the secret key but
        cannot read the account itself (`GET /v1/account` answers 403 naming it, as Stripe does)."""
        account = account or self.account
        key = f"rk_{'live' if account.livemode else 'test'}_fake{secrets.token_hex(12)}"
        with self.lock:
            self.restricted_keys[key] = account
        return key

    def client(self, secret_key: str | None = None, **options: Any) -> stripe.StripeClient:
        """A StripeClient aimed at this fake (as the app builds one from its settings)."""
        return stripe.StripeClient(secret_key or self.secret_key, base_addresses={"api": self.url}, **options)

    def reset(self) -> None:
        """Forget every object, event, idempotency key, request and pending failure; keep the accounts."""
        with self.lock:
            for account in self.accounts.values():
                account.clear()
            self._requests.clear()
            self._failures.clear()
            self.deliveries.clear()

    def forget_idempotency_keys(self) -> int:
        """Forget every idempotency key (of every account), as Stripe does once a key is 24 hours old: the
        same key then runs its request afresh. How many keys were forgotten."""
        with self.lock:
            forgotten = sum(len(account.idempotency) for account in self.accounts.values())
            for account in self.accounts.values():
                account.idempotency.clear()
        return forgotten

    # -- inspection --------------------------------------------------------------------------------------

    def record(self, request: RecordedRequest) -> None:
        with self.lock:
            self._requests.append(request)

    def requests(self, method: str | None = None, path: str | None = None) -> list[RecordedRequest]:
        """Every API request received, oldest first, with its idempotency key and the status answered."""
        with self.lock:
            return [r for r in self._requests if method in (None, r.method) and path in (None, r.path)]

    def objects(self, kind: str, account: Account | None = None) -> list[dict[str, Any]]:
        """Objects of a kind (`payment_intent`, `charge`, …), oldest first."""
        with self.lock:
            return list(reversed((account or self.account).of_kind(kind)))

    def count(self, kind: str, account: Account | None = None) -> int:
        return len(self.objects(kind, account))

    def get(self, object_id: str) -> dict[str, Any]:
        """An object by id, whichever account holds it (a live reference: read, do not change)."""
        with self.lock:
            return self._owner(object_id).objects[object_id]

    def events(self, event_type: str | None = None, account: Account | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [e for e in (account or self.account).events if event_type in (None, e["type"])]

    def _owner(self, object_id: str) -> Account:
        for account in self.accounts.values():
            if object_id in account.objects:
                return account
        raise KeyError(f"no object {object_id} in the fake")

    def _helper_request(self, account: Account) -> Request:
        # Events caused by the outside world (bank, customer) carry no API request.
        return Request(account, None, None, self.api_version, self.url)

    # -- what Stripe, banks and customers decide ------------------------------------------------------

    def complete_authentication(self, intent_id: str, succeed: bool = True) -> dict[str, Any]:
        """The customer passes (or fails) the 3-D Secure challenge of a PaymentIntent or SetupIntent."""
        with self.lock:
            account = self._owner(intent_id)
            intent = account.objects[intent_id]
            if kind_of(intent_id) == "payment_intent":
                outcomes.complete_authentication(self._helper_request(account), intent, succeed)
            else:
                setup_intents.complete_authentication(self._helper_request(account), intent, succeed)
            return intent

    def settle_processing(self, intent_id: str | None = None) -> list[str]:
        """The bank answers processing SEPA debits (all, or one): each settles as its test IBAN says."""
        settled = []
        with self.lock:
            for account in self.accounts.values():
                for pi in list(reversed(account.of_kind("payment_intent"))):
                    if pi["status"] == "processing" and intent_id in (None, pi["id"]):
                        outcomes.settle(self._helper_request(account), pi)
                        settled.append(pi["id"])
        if intent_id is not None and not settled:
            raise ValueError(f"{intent_id} is not processing")
        return settled

    def create_dispute(
        self, charge_or_intent_id: str, reason: str = "fraudulent", amount: int | None = None
    ) -> dict[str, Any]:
        """The customer's bank disputes a succeeded charge (a PaymentIntent id names its latest charge)."""
        with self.lock:
            account = self._owner(charge_or_intent_id)
            charge = account.objects[charge_or_intent_id]
            if charge["object"] == "payment_intent":
                charge = account.objects[charge["latest_charge"]]
            return charges.open_dispute(self._helper_request(account), charge, reason, amount)

    def set_capability(self, name: str, status: str = "inactive", account: Account | None = None) -> None:
        """The account's capability (`ideal_payments`, `bancontact_payments`, `sepa_debit_payments`,
        `card_payments`) becomes `status`: shown on `GET /v1/account`, and an intent naming a type whose
        capability is not active is refused. `reset()` makes every one active again."""
        with self.lock:
            (account or self.account).capabilities[name] = status

    def update_mandate(self, mandate_id: str, status: str = "inactive") -> dict[str, Any]:
        """The customer or bank revokes (`inactive`) or reinstates (`active`) a SEPA mandate."""
        with self.lock:
            account = self._owner(mandate_id)
            mandate = account.objects[mandate_id]
            charges.update_mandate(self._helper_request(account), mandate, status)
            return mandate

    # -- failures of the API itself ---------------------------------------------------------------------

    def fail_next(
        self,
        count: int = 1,
        kind: str = "timeout",
        *,
        executed: bool = True,
        delay: float = 3.0,
        method: str | None = "POST",
        path_prefix: str = "/v1/",
    ) -> Failure:
        """Make the next `count` matching requests fail (see transport.Failure for the kinds)."""
        if kind not in FAILURE_KINDS:
            raise ValueError(f"kind must be one of {FAILURE_KINDS}")
        failure = Failure(kind, count, executed, delay, method, path_prefix)
        with self.lock:
            self._failures.append(failure)
        return failure

    def take_failure(self, method: str, path: str) -> Failure | None:
        with self.lock:
            for failure in self._failures:
                if failure.matches(method, path):
                    failure.remaining -= 1
                    return failure
        return None

    # -- webhooks -----------------------------------------------------------------------------------------

    def add_webhook_endpoint(
        self,
        url: str | None = None,
        *,
        enabled_events: Iterable[str] = ("*",),
        account: Account | None = None,
        secret: str | None = None,
    ) -> dict[str, Any]:
        """Register where events go (as the dashboard would); the result carries the `secret`."""
        account = account or self.account
        endpoint: dict[str, Any] = {
            "id": new_id("we"),
            "object": "webhook_endpoint",
            "api_version": None,
            "application": None,
            "created": 0,
            "description": None,
            "enabled_events": list(enabled_events),
            "livemode": account.livemode,
            "metadata": {},
            "status": "enabled",
            "url": url,
        }
        secret = secret or webhooks.new_secret()
        with self.lock:
            account.add(endpoint, secret=secret, delivered=set())
        return {**endpoint, "secret": secret}

    def _endpoints(self, account: Account) -> list[dict[str, Any]]:
        return list(reversed(account.of_kind("webhook_endpoint")))

    def webhook(
        self,
        event: dict[str, Any] | str,
        endpoint: dict[str, Any] | str | None = None,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        payload: bytes | None = None,
        sign_payload: bytes | None = None,
    ) -> WebhookRequest:
        """The signed webhook for an event, to deliver or to post yourself (e.g. with Django's test client).

        `timestamp` in the past makes a stale signature; `secret` another key's (forged); `payload` sends
        another body than the one signed, `sign_payload` signs another body than the one sent.
        """
        with self.lock:
            event_id = event if isinstance(event, str) else event["id"]
            account = self._owner(event_id)
            stored = account.objects[event_id]
            chosen = self._pick_endpoint(account, endpoint)
            key = secret or account.internal[chosen["id"]]["secret"]
            return webhooks.build(
                stored, key, chosen["url"], timestamp=timestamp, payload=payload, sign_payload=sign_payload
            )

    def _pick_endpoint(self, account: Account, endpoint: dict[str, Any] | str | None) -> dict[str, Any]:
        if endpoint is None:
            endpoints = self._endpoints(account)
            if not endpoints:
                raise ValueError("no webhook endpoint: call add_webhook_endpoint first")
            return endpoints[0]
        return account.get(endpoint if isinstance(endpoint, str) else endpoint["id"], "webhook_endpoint")

    def deliver(
        self, event: dict[str, Any] | str, endpoint: dict[str, Any] | str | None = None, **signing: Any
    ) -> Delivery:
        """POST one event now (again, if it was delivered before: a replay), signed as `webhook` says."""
        request = self.webhook(event, endpoint, **signing)
        delivery = webhooks.post(request)
        with self.lock:
            self.deliveries.append(delivery)
            if delivery.ok and not signing:
                account = self._owner(request.event_id)
                chosen = self._pick_endpoint(account, endpoint)
                account.internal[chosen["id"]]["delivered"].add(request.event_id)
        return delivery

    def deliver_pending(self, order: str = "created") -> list[Delivery]:
        """Deliver every event no endpoint has acknowledged yet (`order="reversed"`: newest first).

        An endpoint that answers other than 2xx gets the event again next time, as Stripe retries.
        """
        with self.lock:
            pending = [
                (event, endpoint)
                for account in self.accounts.values()
                for endpoint in self._endpoints(account)
                for event in account.events
                if endpoint["url"]
                and webhooks.wants(endpoint, event["type"])
                and event["id"] not in account.internal[endpoint["id"]]["delivered"]
            ]
        if order == "reversed":
            pending.reverse()
        return [self.deliver(event, endpoint) for event, endpoint in pending]
