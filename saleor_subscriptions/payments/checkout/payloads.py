"""What Saleor sends in a payment webhook, read into typed values; a payload that lacks what the handler
needs raises `PayloadError` naming the field (answered as a FAILURE result with that message).

Amounts are read by `saleor.money` (the intake parses JSON numbers with a fraction as Decimal; an integer
is taken as is; anything else is refused). The source object is a Checkout or an Order
(`sourceObject.__typename`).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.money import SaleorMoneyError, exact_number
from saleor_subscriptions.subscriptions.models import customer_key

FLOWS = ("CHARGE", "AUTHORIZATION")


class PayloadError(ValueError):
    """The payload lacks a field the handler needs, or holds a value it cannot use."""

    def __init__(self, field: str, reason: str) -> None:
        self.field = field
        self.reason = reason
        super().__init__(f"{field}: {reason}")


def _mapping(value: Any, field: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise PayloadError(field, "missing or not an object")
    return value


def _text(container: Mapping[str, Any], key: str, field: str, *, required: bool = True) -> str:
    value = container.get(key)
    if value is None or value == "":
        if required:
            raise PayloadError(field, "missing")
        return ""
    if not isinstance(value, str):
        raise PayloadError(field, f"not a string: {value!r}")
    return value


def _amount(container: Mapping[str, Any], key: str, field: str) -> Decimal:
    value = container.get(key)
    try:
        amount = exact_number(value, field)
    except SaleorMoneyError as exc:
        raise PayloadError(field, str(exc)) from None
    if amount < 0:
        raise PayloadError(field, f"must be 0 or more, got {value!r}")
    return amount


def _currency(container: Mapping[str, Any], key: str, field: str) -> str:
    value = _text(container, key, field)
    if len(value) != 3 or not value.isalpha():
        raise PayloadError(field, f"not a currency code: {value!r}")
    return value.upper()


def transaction_token(transaction_id: str) -> str:
    """The UUID in a `TransactionItem:<uuid>` global id ("" when it is not of that form)."""
    try:
        decoded = base64.b64decode(transaction_id, validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        return ""
    kind, _, token = decoded.partition(":")
    return token if kind == "TransactionItem" else ""


@dataclass(frozen=True)
class Action:
    amount: Decimal
    currency: str
    action_type: str


def action_of(payload: Mapping[str, Any]) -> Action:
    action = _mapping(payload.get("action"), "action")
    action_type = _text(action, "actionType", "action.actionType")
    return Action(
        amount=_amount(action, "amount", "action.amount"),
        currency=_currency(action, "currency", "action.currency"),
        action_type=action_type,
    )


def session_action(payload: Mapping[str, Any]) -> Action:
    """The action of a session webhook: actionType must be CHARGE or AUTHORIZATION (the flow strategy)."""
    action = action_of(payload)
    if action.action_type not in FLOWS:
        raise PayloadError(
            "action.actionType", f"must be CHARGE or AUTHORIZATION, got {action.action_type!r}"
        )
    return action


@dataclass(frozen=True)
class TransactionRef:
    id: str
    psp_reference: str
    token: str


def transaction_of(payload: Mapping[str, Any]) -> TransactionRef:
    transaction = _mapping(payload.get("transaction"), "transaction")
    transaction_id = _text(transaction, "id", "transaction.id")
    return TransactionRef(
        id=transaction_id,
        psp_reference=_text(transaction, "pspReference", "transaction.pspReference", required=False),
        token=transaction_token(transaction_id),
    )


@dataclass(frozen=True)
class Source:
    """The checkout (or order) being paid: its channel, who pays, and whether it holds a subscription."""

    typename: str
    id: str
    channel_slug: str
    currency: str
    email: str
    user_id: str
    has_subscription: bool

    @property
    def customer_key(self) -> str:
        return customer_key(self.user_id or None, self.email)


def _has_subscription(source: Mapping[str, Any]) -> bool:
    lines = source.get("lines") or []
    if not isinstance(lines, list):
        raise PayloadError("sourceObject.lines", "not a list")
    for index, line in enumerate(lines):
        metadata = _mapping(line, f"sourceObject.lines[{index}]").get("metadata") or []
        try:
            if line_metadata.PLAN in line_metadata.as_dict(metadata):
                return True
        except (KeyError, TypeError, AttributeError):
            raise PayloadError(
                f"sourceObject.lines[{index}].metadata", "not a list of {key, value}"
            ) from None
    return False


def source_of(payload: Mapping[str, Any]) -> Source:
    source = _mapping(payload.get("sourceObject"), "sourceObject")
    typename = _text(source, "__typename", "sourceObject.__typename")
    if typename not in ("Checkout", "Order"):
        raise PayloadError("sourceObject.__typename", f"must be Checkout or Order, got {typename!r}")
    channel = _mapping(source.get("channel"), "sourceObject.channel")
    user = source.get("user")
    user_id = _text(user, "id", "sourceObject.user.id") if isinstance(user, Mapping) else ""
    email_key = "email" if typename == "Checkout" else "userEmail"
    email = _text(source, email_key, f"sourceObject.{email_key}", required=False)
    if not email and isinstance(user, Mapping):
        email = _text(user, "email", "sourceObject.user.email", required=False)
    if not email and not user_id:
        raise PayloadError(f"sourceObject.{email_key}", "missing: the payer has neither a user nor an email")
    return Source(
        typename=typename,
        id=_text(source, "id", "sourceObject.id"),
        channel_slug=_text(channel, "slug", "sourceObject.channel.slug"),
        currency=_currency(channel, "currencyCode", "sourceObject.channel.currencyCode"),
        email=email,
        user_id=user_id,
        has_subscription=_has_subscription(source),
    )


def data_of(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The storefront's `data` (an object, or nothing)."""
    data = payload.get("data")
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise PayloadError("data", "must be a JSON object")
    return data


def data_text(data: Mapping[str, Any], key: str) -> str:
    value = data.get(key)
    if value is None:
        return ""
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"data.{key}", f"must be a non-empty string, got {value!r}")
    return value.strip()


def channel_slug_of_transaction(payload: Mapping[str, Any]) -> str:
    """The channel of an action request (charge/refund/cancel): the transaction's order's, else checkout's."""
    transaction = _mapping(payload.get("transaction"), "transaction")
    for key in ("order", "checkout"):
        owner = transaction.get(key)
        if isinstance(owner, Mapping) and isinstance(owner.get("channel"), Mapping):
            return _text(owner["channel"], "slug", f"transaction.{key}.channel.slug")
    raise PayloadError("transaction.order", "missing: the transaction belongs to no order or checkout")
