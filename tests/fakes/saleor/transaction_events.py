"""A payment app's answer to a sync webhook, read as Saleor 3.21 reads it, and the transaction events and
amounts it leaves (Saleor's `TransactionEvent`s and `recalculate_transaction_amounts`).

- An answer Saleor cannot use (no answer, a non-2xx status, not a JSON object, or not fitting Saleor's JSON
  Schema of the event's response, `../shared/saleor/json_schemas/<Event>.json` when that folder exists, else
  the allowed `result`s) becomes a `…_FAILURE` event saying why; the amounts do not move.
- A usable answer becomes an event of its `result`, for its `amount` (else the requested amount), with its
  `pspReference`, `message` and `externalUrl`; `pspReference`, `actions` and `externalUrl` update the
  transaction. An event equal to one already counted (same type, PSP reference and amount) is not counted
  again, as Saleor skips such duplicates.
- Amounts come from the counted events: authorized = authorizations - what was charged of them - canceled;
  charged = charges - refunds; pending = `…_REQUEST` answers not yet followed by a success or failure with
  the same PSP reference. The request events Saleor makes itself (before calling the app) are not counted.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jsonschema  # type: ignore[import-untyped,unused-ignore]

from .state import Transaction, now

if TYPE_CHECKING:  # the webhooks reach the resolvers, which record events here
    from .webhooks import Delivery

# ../shared/saleor/json_schemas beside the project (tests/fakes/saleor/ -> the project's parent folder).
SCHEMAS_DIR = Path(__file__).resolve().parents[3].parent / "shared" / "saleor" / "json_schemas"

_SESSION_RESULTS = frozenset(
    f"{flow}_{outcome}"
    for flow in ("CHARGE", "AUTHORIZATION")
    for outcome in ("SUCCESS", "FAILURE", "REQUEST", "ACTION_REQUIRED")
)
ALLOWED_RESULTS: dict[str, frozenset[str]] = {
    "TRANSACTION_INITIALIZE_SESSION": _SESSION_RESULTS,
    "TRANSACTION_PROCESS_SESSION": _SESSION_RESULTS,
    "TRANSACTION_CHARGE_REQUESTED": frozenset({"CHARGE_SUCCESS", "CHARGE_FAILURE"}),
    "TRANSACTION_REFUND_REQUESTED": frozenset({"REFUND_SUCCESS", "REFUND_FAILURE"}),
    "TRANSACTION_CANCELATION_REQUESTED": frozenset({"CANCEL_SUCCESS", "CANCEL_FAILURE"}),
}
RESOLVING = ("_SUCCESS", "_FAILURE")
INVALID = "Missing or invalid value in the response"


def schema_name(event_type: str) -> str:
    """`TRANSACTION_INITIALIZE_SESSION` -> `TransactionInitializeSession` (the JSON Schema's file name)."""
    return "".join(part.capitalize() for part in event_type.split("_"))


@cache
def response_schema(event_type: str) -> dict[str, Any] | None:
    path = SCHEMAS_DIR / f"{schema_name(event_type)}.json"
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _fallback_problem(event_type: str, body: dict[str, Any]) -> str:
    allowed = ALLOWED_RESULTS.get(event_type)
    if allowed is None:
        return ""
    result = body.get("result")
    if result is None and event_type.endswith("_REQUESTED") and body.get("pspReference"):
        return ""  # an action the PSP finishes later: Saleor waits for it
    if result not in allowed:
        return f"result: {result!r} is not one of {', '.join(sorted(allowed))}"
    needs_reference = event_type.endswith("_SESSION") and not str(result).endswith("_FAILURE")
    if needs_reference and not body.get("pspReference"):
        return "pspReference: missing"
    return ""


def read_answer(event_type: str, delivery: Delivery) -> tuple[dict[str, Any] | None, str]:
    """The app's JSON answer and "" when Saleor can use it, else (None, why not)."""
    if delivery.status is None:
        return None, f"Failed to delivery request: {delivery.error}"
    if not delivery.ok:
        return None, f"The app answered HTTP {delivery.status}."
    try:
        body = json.loads(delivery.response_body)
    except ValueError:
        return None, "The response is not JSON."
    if not isinstance(body, dict):
        return None, "The response is not a JSON object."
    schema = response_schema(event_type)
    if schema is not None:
        try:
            jsonschema.validate(body, schema)
        except jsonschema.ValidationError as error:
            where = ".".join(str(p) for p in error.absolute_path) or "response"
            return None, f"{INVALID}: {where}: {error.message}"
    problem = _fallback_problem(event_type, body)
    return (None, f"{INVALID}: {problem}") if problem else (body, "")


def money(value: Any, default: Decimal) -> Decimal:
    if value is None or isinstance(value, bool):
        return default
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return default


def add_event(
    transaction: Transaction,
    event_type: str,
    amount: Decimal | None,
    psp_reference: str = "",
    message: str = "",
    *,
    counted: bool = True,
    external_url: str = "",
    idempotency_key: str = "",
) -> dict[str, Any]:
    """Records an event on the transaction (a counted duplicate is not recorded twice) and recomputes the
    amounts; returns the event."""
    if counted and not event_type.endswith(("_FAILURE", "_ACTION_REQUIRED")):
        for existing in transaction.events:
            same = (existing["type"], existing["psp_reference"], existing["amount"])
            if existing.get("counted", True) and same == (event_type, psp_reference, amount):
                return existing
    event = {
        "type": event_type,
        "amount": amount,
        "psp_reference": psp_reference,
        "message": message[:512],
        "external_url": external_url,
        "counted": counted,
        "idempotency_key": idempotency_key,
        "created_at": now(),
    }
    transaction.events.append(event)
    recalculate(transaction)
    return event


def _sum(events: list[dict[str, Any]], event_type: str) -> Decimal:
    return sum((Decimal(e["amount"] or 0) for e in events if e["type"] == event_type), Decimal(0))


def counted_events(transaction: Transaction) -> list[dict[str, Any]]:
    return [e for e in transaction.events if e.get("counted", True)]


def recalculate(transaction: Transaction) -> None:
    events = counted_events(transaction)
    authorized, charged = _sum(events, "AUTHORIZATION_SUCCESS"), _sum(events, "CHARGE_SUCCESS")
    refunded, canceled = _sum(events, "REFUND_SUCCESS"), _sum(events, "CANCEL_SUCCESS")
    transaction.authorized_value = max(authorized - min(charged, authorized) - canceled, Decimal(0))
    transaction.charged_value = charged - refunded
    transaction.refunded_value = refunded
    transaction.canceled_value = canceled


def pending(transaction: Transaction, kind: str) -> Decimal:
    """What the app said is under way (`CHARGE`, `AUTHORIZATION`, `REFUND`, `CANCEL`) and not resolved yet."""
    events = counted_events(transaction)
    resolved = {e["psp_reference"] for e in events if e["type"] in (f"{kind}{end}" for end in RESOLVING)}
    return sum(
        (
            Decimal(e["amount"] or 0)
            for e in events
            if e["type"] == f"{kind}_REQUEST" and e["psp_reference"] not in resolved
        ),
        Decimal(0),
    )


def apply_answer(
    transaction: Transaction, event_type: str, failure_type: str, requested: Decimal, delivery: Delivery
) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """The event the app's answer makes (None for an action the PSP finishes later) and the answer."""
    body, problem = read_answer(event_type, delivery)
    if body is None:
        return add_event(transaction, failure_type, requested, message=problem), None
    psp_reference = str(body.get("pspReference") or "")
    if psp_reference:
        transaction.psp_reference = psp_reference
    if body.get("actions") is not None:
        transaction.available_actions = list(body["actions"])
    if body.get("externalUrl"):
        transaction.external_url = str(body["externalUrl"])
    if body.get("message"):
        transaction.message = str(body["message"])[:512]
    result = body.get("result")
    if result is None:
        return None, body
    event = add_event(
        transaction,
        str(result),
        money(body.get("amount"), requested),
        psp_reference,
        str(body.get("message") or ""),
        external_url=str(body.get("externalUrl") or ""),
    )
    return event, body
