"""What every resolver gets as `info.context`: the Django request and who is asking."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

from saleor_subscriptions.api.auth import Principal


@dataclass(frozen=True)
class ApiContext:
    request: HttpRequest
    principal: Principal


def context_of(info: Any) -> ApiContext:
    """The ApiContext of a resolver's `info`."""
    context = info.context
    assert isinstance(context, ApiContext), f"unexpected GraphQL context {context!r}"
    return context
