"""What every webhook module shares: the description of a webhook and what its handler is given."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from graphql import FieldNode, InlineFragmentNode, OperationDefinitionNode, parse

from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.tenants.models import Installation

Payload = Mapping[str, Any]
"""A webhook body as parsed JSON (numbers with a fraction are Decimal, never float)."""


class BadPayload(ValueError):
    """The delivery is signed by the shop but cannot be applied as it is (a missing order, half-written line
    metadata, a plan of another variant): running it again would fail again, so it is not retried."""


@dataclass(frozen=True)
class Incoming:
    """A verified delivery, as a handler sees it."""

    installation: Installation
    event: str
    payload: Payload
    delivery_id: int


def event_of(subscription_query: str) -> str:
    """The async event a subscription document listens to, as Saleor names it: the type condition of the
    inline fragment on `event` (`... on OrderCreated`) in UPPER_SNAKE_CASE (`ORDER_CREATED`)."""
    operations = [d for d in parse(subscription_query).definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1 or operations[0].operation.value != "subscription":
        raise ValueError("a webhook document holds exactly one subscription")
    names = {
        selection.type_condition.name.value
        for root in operations[0].selection_set.selections
        if isinstance(root, FieldNode) and root.name.value == "event" and root.selection_set is not None
        for selection in root.selection_set.selections
        if isinstance(selection, InlineFragmentNode) and selection.type_condition is not None
    }
    if len(names) != 1:
        raise ValueError(f"a webhook document listens to exactly one event, not {sorted(names)}")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", names.pop()).upper()


def nested_id(payload: Payload, key: str) -> str:
    """`payload[key]["id"]` as a string, or "" when the payload does not have it."""
    value = payload.get(key)
    if isinstance(value, Mapping) and isinstance(value.get("id"), str):
        return str(value["id"])
    return ""


@dataclass(frozen=True)
class Registered:
    """A webhook the manifest registers: its name and the subscription document it is registered with
    (`graphql/saleor/<document>.graphql`), whose event is the one it listens to."""

    name: str
    document: str

    @property
    def query(self) -> str:
        return document(self.document)

    @cached_property
    def event(self) -> str:
        return event_of(self.query)


@dataclass(frozen=True)
class Webhook(Registered):
    """One async webhook of the manifest (the route `/api/webhooks/<name>`): how to apply a delivery, and
    which Saleor object a delivery is about (kept on the row, so deliveries about one order can be found)."""

    handle: Callable[[Incoming], Mapping[str, Any]] = field(compare=False)
    subject: Callable[[Payload], str] = field(compare=False)
