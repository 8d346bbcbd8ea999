"""The API's URL table: which function serves each method and path the fake supports."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from . import charges, customers, errors, payment_intents, setup_intents, webhooks
from .forms import Params
from .state import Request

Endpoint = Callable[..., dict[str, Any]]


def _account(req: Request, params: Params) -> dict[str, Any]:
    return req.account.account_object()


_TABLE: list[tuple[str, str, Endpoint]] = [
    ("GET", "/v1/account", _account),
    ("POST", "/v1/customers", customers.create_customer),
    ("GET", "/v1/customers", customers.list_customers),
    ("GET", "/v1/customers/{id}", customers.retrieve_customer),
    ("POST", "/v1/customers/{id}", customers.update_customer),
    ("GET", "/v1/customers/{id}/payment_methods", customers.list_customer_payment_methods),
    ("POST", "/v1/payment_methods", customers.create_payment_method),
    ("GET", "/v1/payment_methods", customers.list_payment_methods),
    ("GET", "/v1/payment_methods/{id}", customers.retrieve_payment_method),
    ("POST", "/v1/payment_methods/{id}", customers.update_payment_method),
    ("POST", "/v1/payment_methods/{id}/attach", customers.attach_payment_method),
    ("POST", "/v1/payment_methods/{id}/detach", customers.detach_payment_method),
    ("POST", "/v1/payment_intents", payment_intents.create),
    ("GET", "/v1/payment_intents", payment_intents.list_),
    ("GET", "/v1/payment_intents/{id}", payment_intents.retrieve),
    ("POST", "/v1/payment_intents/{id}", payment_intents.update),
    ("POST", "/v1/payment_intents/{id}/confirm", payment_intents.confirm),
    ("POST", "/v1/payment_intents/{id}/capture", payment_intents.capture),
    ("POST", "/v1/payment_intents/{id}/cancel", payment_intents.cancel),
    ("POST", "/v1/setup_intents", setup_intents.create),
    ("GET", "/v1/setup_intents", setup_intents.list_),
    ("GET", "/v1/setup_intents/{id}", setup_intents.retrieve),
    ("POST", "/v1/setup_intents/{id}/confirm", setup_intents.confirm),
    ("POST", "/v1/setup_intents/{id}/cancel", setup_intents.cancel),
    ("GET", "/v1/setup_attempts", setup_intents.list_attempts),
    ("GET", "/v1/charges", charges.list_charges),
    ("GET", "/v1/charges/{id}", charges.retrieve_charge),
    ("POST", "/v1/refunds", charges.create_refund),
    ("GET", "/v1/refunds", charges.list_refunds),
    ("GET", "/v1/refunds/{id}", charges.retrieve_refund),
    ("GET", "/v1/disputes/{id}", charges.retrieve_dispute),
    ("GET", "/v1/mandates/{id}", charges.retrieve_mandate),
    ("GET", "/v1/events", webhooks.list_events),
    ("GET", "/v1/events/{id}", webhooks.retrieve_event),
    ("POST", "/v1/webhook_endpoints", webhooks.create_endpoint),
    ("GET", "/v1/webhook_endpoints", webhooks.list_endpoints),
    ("GET", "/v1/webhook_endpoints/{id}", webhooks.retrieve_endpoint),
    ("POST", "/v1/webhook_endpoints/{id}", webhooks.update_endpoint),
    ("DELETE", "/v1/webhook_endpoints/{id}", webhooks.delete_endpoint),
]

ROUTES: list[tuple[str, re.Pattern[str], Endpoint]] = [
    (method, re.compile("^" + path.replace("{id}", "([^/]+)") + "$"), endpoint)
    for method, path, endpoint in _TABLE
]


def find(method: str, path: str) -> tuple[Endpoint, tuple[str, ...]]:
    """The endpoint for the request and the ids in its path, or Stripe's 404 for an unknown URL."""
    for route_method, pattern, endpoint in ROUTES:
        match = pattern.match(path)
        if match and route_method == method:
            return endpoint, match.groups()
    raise errors.invalid_request(f"Unrecognized request URL ({method}: {path}).", status=404)
