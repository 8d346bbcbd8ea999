"""What every resolver gets as `info.context`: the Django request and who is asking."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest

from saleor_subscriptions.api.auth import Principal


@dataclass(frozen=True)
class ApiContext:
    request: HttpRequest
    principal: Principal
    memo: dict[Any, Any] = field(default_factory=dict, compare=False)
    """What one request's resolvers look up once and share (e.g. a channel's Stripe account)."""


def context_of(info: Any) -> ApiContext:
    """The ApiContext of a resolver's `info`."""
    context = info.context
    assert isinstance(context, ApiContext), f"unexpected GraphQL context {context!r}"
    return context
