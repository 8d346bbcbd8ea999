"""The six sync payment webhooks: their names (the route `/api/payments/<name>`), the subscription documents
they are registered with, the handler answering each, and the JSON Schema (Saleor's) its answer must fit."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from saleor_subscriptions.payments.checkout import actions, sessions
from saleor_subscriptions.saleor.webhooks.base import Registered, Webhook, nested_id
from saleor_subscriptions.tenants.models import Installation

Handler = Callable[[Installation, Mapping[str, Any]], dict[str, Any]]
ROUTE_PREFIX = "/api/payments/"


def _subject(payload: Mapping[str, Any]) -> str:
    return nested_id(payload, "transaction") or nested_id(payload, "sourceObject")


@dataclass(frozen=True)
class SyncWebhook(Registered):
    """One sync webhook of the manifest; `handle` answers a verified request inline."""

    response_schema: str
    handle: Handler = field(compare=False)

    @property
    def path(self) -> str:
        return f"{ROUTE_PREFIX}{self.name}"

    def as_webhook(self) -> Webhook:
        """The async intake's description of it (its checks read the event and the subject only)."""
        return Webhook(self.name, self.document, handle=lambda incoming: {}, subject=_subject)


SYNC_WEBHOOKS: dict[str, SyncWebhook] = {
    webhook.name: webhook
    for webhook in (
        SyncWebhook(
            "payment-gateway-initialize-session",
            "sync_payment_gateway_initialize_session",
            "PaymentGatewayInitializeSession",
            sessions.gateway_initialize,
        ),
        SyncWebhook(
            "transaction-initialize-session",
            "sync_transaction_initialize_session",
            "TransactionInitializeSession",
            sessions.transaction_initialize,
        ),
        SyncWebhook(
            "transaction-process-session",
            "sync_transaction_process_session",
            "TransactionProcessSession",
            sessions.transaction_process,
        ),
        SyncWebhook(
            "transaction-charge-requested",
            "sync_transaction_charge_requested",
            "TransactionChargeRequested",
            actions.charge_requested,
        ),
        SyncWebhook(
            "transaction-refund-requested",
            "sync_transaction_refund_requested",
            "TransactionRefundRequested",
            actions.refund_requested,
        ),
        SyncWebhook(
            "transaction-cancelation-requested",
            "sync_transaction_cancelation_requested",
            "TransactionCancelationRequested",
            actions.cancel_requested,
        ),
    )
}
