"""Webhook endpoints (API and test registration), Stripe's signature scheme, and delivery over HTTP.

`Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<raw body>" with the endpoint's whsec_ secret>`,
which `stripe.Webhook.construct_event(payload, header, secret)` checks (with a 300 s tolerance by default).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any

import httpx

from . import errors
from .forms import Params, apply_metadata
from .state import Request, list_object

ENDPOINT_PARAMS = {"url", "enabled_events", "description", "metadata", "api_version", "connect", "disabled"}


def new_secret() -> str:
    return "whsec_" + secrets.token_urlsafe(24)


def signature_header(payload: bytes, secret: str, timestamp: int | None = None) -> str:
    """The `Stripe-Signature` value Stripe sends for this exact body, signed with this secret at this time."""
    moment = int(time.time()) if timestamp is None else timestamp
    digest = hmac.new(secret.encode(), f"{moment}.".encode() + payload, hashlib.sha256).hexdigest()
    return f"t={moment},v1={digest}"


def wants(endpoint: dict[str, Any], event_type: str) -> bool:
    return endpoint["status"] == "enabled" and (
        "*" in endpoint["enabled_events"] or event_type in endpoint["enabled_events"]
    )


@dataclass(frozen=True)
class WebhookRequest:
    """One signed webhook as Stripe would POST it: the raw body and the headers."""

    event_id: str
    url: str | None
    payload: bytes
    headers: dict[str, str]

    @property
    def signature(self) -> str:
        return self.headers["Stripe-Signature"]


@dataclass(frozen=True)
class Delivery:
    request: WebhookRequest
    status_code: int | None
    body: str
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def build(
    event: dict[str, Any],
    secret: str,
    url: str | None,
    *,
    timestamp: int | None = None,
    payload: bytes | None = None,
    sign_payload: bytes | None = None,
) -> WebhookRequest:
    """A webhook for the event; `payload` replaces the body sent, `sign_payload` the body signed."""
    genuine = json.dumps(event, indent=2).encode()
    body = payload if payload is not None else genuine
    header = signature_header(sign_payload if sign_payload is not None else genuine, secret, timestamp)
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "Stripe-Signature": header,
        "User-Agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)",
    }
    return WebhookRequest(event["id"], url, body, headers)


def post(request: WebhookRequest, timeout: float = 10.0) -> Delivery:
    """POST the webhook to its URL; a connection failure is a Delivery without a status, not an exception."""
    if request.url is None:
        raise ValueError("this webhook has no URL to be delivered to")
    try:
        response = httpx.post(request.url, content=request.payload, headers=request.headers, timeout=timeout)
    except httpx.HTTPError as exc:
        return Delivery(request, None, "", error=f"{type(exc).__name__}: {exc}")
    return Delivery(request, response.status_code, response.text)


def _endpoint_response(endpoint: dict[str, Any], secret: str | None = None) -> dict[str, Any]:
    shown = dict(endpoint)
    if secret is not None:
        shown["secret"] = secret
    return shown


def create_endpoint(req: Request, params: Params) -> dict[str, Any]:
    """Register a URL; the signing secret is shown in this response only, as Stripe does."""
    params.only(ENDPOINT_PARAMS)
    url = params.string("url", required=True) or ""
    if not url.startswith(("http://", "https://")):
        raise errors.parameter_invalid("url", f"Invalid URL: {url}", "url_invalid")
    events = params.array("enabled_events")
    if not events:
        raise errors.parameter_missing("enabled_events")
    secret = new_secret()
    endpoint = req.new(
        "webhook_endpoint",
        api_version=params.string("api_version"),
        application=None,
        description=params.string("description"),
        enabled_events=events,
        metadata=apply_metadata({}, params),
        status="enabled",
        url=url,
    )
    req.account.add(endpoint, secret=secret, delivered=set())
    return _endpoint_response(endpoint, secret)


def retrieve_endpoint(req: Request, params: Params, endpoint_id: str) -> dict[str, Any]:
    return req.account.get(endpoint_id, "webhook_endpoint")


def update_endpoint(req: Request, params: Params, endpoint_id: str) -> dict[str, Any]:
    params.only(ENDPOINT_PARAMS - {"api_version", "connect"})
    endpoint = req.account.get(endpoint_id, "webhook_endpoint")
    if "url" in params:
        endpoint["url"] = params.string("url", required=True)
    if "enabled_events" in params:
        endpoint["enabled_events"] = params.array("enabled_events")
    if "disabled" in params:
        endpoint["status"] = "disabled" if params.boolean("disabled") else "enabled"
    endpoint["metadata"] = apply_metadata(endpoint["metadata"], params)
    return endpoint


def delete_endpoint(req: Request, params: Params, endpoint_id: str) -> dict[str, Any]:
    endpoint = req.account.get(endpoint_id, "webhook_endpoint")
    del req.account.objects[endpoint["id"]]
    return {"id": endpoint["id"], "object": "webhook_endpoint", "deleted": True}


def list_endpoints(req: Request, params: Params) -> dict[str, Any]:
    params.only({"limit", "starting_after", "ending_before"})
    return list_object(req.account.of_kind("webhook_endpoint"), params, "/v1/webhook_endpoints")


def retrieve_event(req: Request, params: Params, event_id: str) -> dict[str, Any]:
    return req.account.get(event_id, "event")


def list_events(req: Request, params: Params) -> dict[str, Any]:
    params.only({"type", "types", "limit", "starting_after", "ending_before", "created", "delivery_success"})
    patterns = params.array("types") or [params.string("type") or "*"]

    def matches(event_type: str) -> bool:
        # `payment_intent.*` names every event of the object, as in Stripe's filters.
        return any(
            pattern in ("*", event_type) or (pattern.endswith(".*") and event_type.startswith(pattern[:-1]))
            for pattern in patterns
        )

    items = [event for event in reversed(req.account.events) if matches(event["type"])]
    return list_object(items, params, "/v1/events")
