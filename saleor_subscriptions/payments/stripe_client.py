"""A Stripe client for a connected account with the renewal gateway's timeout, and Stripe objects read as
plain data."""

from __future__ import annotations

from typing import Any

import stripe
from django.conf import settings

from saleor_subscriptions.payments.models import StripeAccount


def account_client(account: StripeAccount, timeout_s: float | None = None) -> stripe.StripeClient:
    """A client with the account's key on STRIPE_API_BASE that gives up after `timeout_s` (by default
    STRIPE_TIMEOUT_S); the library's own retries of network failures reuse the request's idempotency key."""
    return stripe.StripeClient(
        account.secret_key,
        base_addresses={"api": settings.STRIPE_API_BASE},
        max_network_retries=settings.STRIPE_NETWORK_RETRIES,
        http_client=stripe.RequestsClient(
            timeout=timeout_s if timeout_s is not None else float(settings.STRIPE_TIMEOUT_S)
        ),
    )


def as_dict(obj: Any) -> dict[str, Any]:
    """A Stripe object as plain JSON-like data (StripeObject is not a dict and has no `get`)."""
    if obj is None:
        return {}
    if isinstance(obj, dict):
        return obj
    data: dict[str, Any] = obj.to_dict()
    return data


def id_of(value: Any) -> str:
    """The id of an expandable field, whether it came as an id or as the object."""
    if isinstance(value, dict):
        return str(value.get("id") or "")
    return str(value or "")
