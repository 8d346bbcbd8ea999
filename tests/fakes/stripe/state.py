"""The fake's memory: one Account per secret key, its objects in Stripe's JSON shapes, its events, and the
per-request context that endpoint functions receive. All of it is guarded by the FakeStripe lock."""

from __future__ import annotations

import copy
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Any

from . import errors
from .forms import Params

_ALPHABET = string.ascii_letters + string.digits

# The id prefix of each kind of object, as Stripe makes them.
PREFIXES: dict[str, str] = {
    "customer": "cus",
    "payment_method": "pm",
    "payment_intent": "pi",
    "setup_intent": "seti",
    "setup_attempt": "setatt",
    "charge": "ch",
    "refund": "re",
    "event": "evt",
    "dispute": "dp",
    "mandate": "mandate",
    "webhook_endpoint": "we",
}
KIND_BY_PREFIX = {prefix: kind for kind, prefix in PREFIXES.items()}


def new_id(prefix: str, length: int = 24) -> str:
    return f"{prefix}_{''.join(secrets.choice(_ALPHABET) for _ in range(length))}"


def kind_of(object_id: str) -> str | None:
    return KIND_BY_PREFIX.get(object_id.rsplit("_", 1)[0]) if "_" in object_id else None


CAPABILITIES = {
    "card_payments": "active",
    "sepa_debit_payments": "active",
    "ideal_payments": "active",
    "bancontact_payments": "active",
}

@dataclass
class SavedResponse:
    """What an idempotency key replays: the first request's endpoint, parameters, status and body."""

    method: str
    path: str
    params: dict[str, Any]
    status: int
    body: bytes
    request_id: str


@dataclass
class Account:
    """A Stripe account reached with one secret key. Objects and idempotency keys never cross accounts."""

    secret_key: str
    publishable_key: str
    id: str
    livemode: bool
    name: str = "Fake shop"
    objects: dict[str, dict[str, Any]] = field(default_factory=dict)
    # What Stripe knows about an object but does not show: the card number behind a PaymentMethod, whether
    # it was set up for off-session use, the outcome a SEPA debit will settle to.
    internal: dict[str, dict[str, Any]] = field(default_factory=dict)
    events: list[dict[str, Any]] = field(default_factory=list)
    idempotency: dict[str, SavedResponse] = field(default_factory=dict)
    # The payment methods the account may take (Stripe's `capabilities`: active, inactive, pending).
    capabilities: dict[str, str] = field(default_factory=lambda: dict(CAPABILITIES))

    def clear(self) -> None:
        self.capabilities = dict(CAPABILITIES)
        self.objects.clear()
        self.internal.clear()
        self.events.clear()
        self.idempotency.clear()

    def add(self, obj: dict[str, Any], **internal: Any) -> dict[str, Any]:
        self.objects[obj["id"]] = obj
        self.internal[obj["id"]] = dict(internal)
        return obj

    def get(self, object_id: str | None, kind: str, param: str = "id") -> dict[str, Any]:
        """The object of that kind, or Stripe's 404 `resource_missing` naming the parameter."""
        obj = self.objects.get(object_id or "")
        if obj is None or obj["object"] != kind:
            raise errors.resource_missing(kind, object_id or "", param)
        return obj

    def of_kind(self, kind: str) -> list[dict[str, Any]]:
        """Objects of one kind, newest first, as Stripe lists them."""
        return [obj for obj in reversed(self.objects.values()) if obj["object"] == kind]

    def account_object(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "object": "account",
            "business_profile": {"name": self.name, "url": None, "support_email": None},
            "charges_enabled": True,
            "payouts_enabled": True,
            "details_submitted": True,
            "country": "NL",
            "default_currency": "eur",
            "email": "owner@example.com",
            "type": "standard",
            "settings": {"dashboard": {"display_name": self.name, "timezone": "Europe/Amsterdam"}},
            "metadata": {},
            "capabilities": dict(self.capabilities),
        }

    def check_types(self, types: list[str]) -> None:
        """A payment method type whose capability is not active is refused, as Stripe refuses a type not
        activated on the account (the fake's wording and code, Stripe's param)."""
        for index, pm_type in enumerate(types):
            if self.capabilities.get(f"{pm_type}_payments", "active") != "active":
                raise errors.invalid_request(
                    f"The payment method type provided: {pm_type} is invalid. Please ensure the provided "
                    "type is activated in your dashboard (https://dashboard.stripe.com/account/payments/settings).",
                    param=f"payment_method_types[{index}]",
                    code="payment_method_type_not_activated",
                )


@dataclass
class Request:
    """What an endpoint function needs to know about the API request it is serving."""

    account: Account
    request_id: str | None
    idempotency_key: str | None
    api_version: str
    base_url: str
    now: int = field(default_factory=lambda: int(time.time()))

    @property
    def livemode(self) -> bool:
        return self.account.livemode

    def new(self, kind: str, **fields: Any) -> dict[str, Any]:
        """A fresh object of the kind, with the fields every Stripe object has."""
        obj: dict[str, Any] = {"id": new_id(PREFIXES[kind]), "object": kind}
        obj.update(fields)
        obj.update({"created": self.now, "livemode": self.livemode})
        return obj

    def emit(
        self, event_type: str, obj: dict[str, Any], previous: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Record an event with a snapshot of the object as it is now (what a webhook later carries)."""
        return record_event(
            self.account,
            event_type,
            obj,
            previous,
            request_id=self.request_id,
            idempotency_key=self.idempotency_key,
            api_version=self.api_version,
            now=self.now,
        )


def record_event(
    account: Account,
    event_type: str,
    obj: dict[str, Any],
    previous: dict[str, Any] | None,
    *,
    request_id: str | None,
    idempotency_key: str | None,
    api_version: str,
    now: int | None = None,
) -> dict[str, Any]:
    data: dict[str, Any] = {"object": copy.deepcopy(obj)}
    if previous is not None:
        data["previous_attributes"] = copy.deepcopy(previous)
    event: dict[str, Any] = {
        "id": new_id("evt"),
        "object": "event",
        "api_version": api_version,
        "created": now or int(time.time()),
        "data": data,
        "livemode": account.livemode,
        "pending_webhooks": 0,
        "request": {"id": request_id, "idempotency_key": idempotency_key},
        "type": event_type,
    }
    account.events.append(event)
    account.objects[event["id"]] = event
    account.internal[event["id"]] = {}
    return event


def render(account: Account, value: dict[str, Any], expand: list[str]) -> dict[str, Any]:
    """A deep copy of the object with the `expand[]` paths replaced by the objects they name."""
    rendered = copy.deepcopy(value)
    for path in expand:
        _expand(account, rendered, path.split("."), path)
    return rendered


def _expand(account: Account, node: dict[str, Any], segments: list[str], path: str) -> None:
    head, rest = segments[0], segments[1:]
    if node.get("object") == "list" and head == "data":
        for item in node["data"]:
            if rest:
                _expand(account, item, rest, path)
        return
    if head not in node:
        raise errors.invalid_request(f"This property cannot be expanded ({head}).", param="expand")
    value = node[head]
    if isinstance(value, str):
        target = account.objects.get(value)
        if target is None:
            raise errors.invalid_request(f"This property cannot be expanded ({head}).", param="expand")
        node[head] = value = copy.deepcopy(target)
    if rest and isinstance(value, dict):
        _expand(account, value, rest, path)


def list_object(items: list[dict[str, Any]], params: Params, url: str) -> dict[str, Any]:
    """Stripe's list envelope, newest first, with `limit` (1 to 100, default 10) and `starting_after`."""
    limit = params.integer("limit", minimum=1) or 10
    if limit > 100:
        raise errors.parameter_invalid(
            "limit", "This value must be less than or equal to 100.", "parameter_invalid"
        )
    after = params.string("starting_after")
    if after is not None:
        ids = [item["id"] for item in items]
        if after not in ids:
            raise errors.resource_missing("object", after, "starting_after")
        items = items[ids.index(after) + 1 :]
    return {"object": "list", "data": items[:limit], "has_more": len(items) > limit, "url": url}
