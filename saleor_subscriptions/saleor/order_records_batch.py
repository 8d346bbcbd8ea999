"""`order_records` for a batch of renewal invoices of one installation: a few aliased requests, not ~4 each.

What one invoice gets is what `order_payments.record_charge` and `attach_invoice` give it (one transaction per
`pspReference`, its `CHARGE_SUCCESS` once, the document once), and the order is read before anything is
written, so a request whose answer was lost is found done by the next pass. A batch of n invoices takes:

1. one `order_payments` query with n aliases (each order, its transactions and documents);
2. one `orderConfirm` per alias for the orders made UNCONFIRMED by `orderBulkCreate` (bulk path only);
3. one `transactionCreate` request for the transactions missing (an alias per charge);
4. one `transactionEventReport` request for the charges not reported yet;
5. one `invoiceCreate` request for the documents missing.

Each alias is answered as its single call would be: its own `errors` (or a resolver's error naming it) fail
that invoice only; it keeps what was made so far and is tried again later, the others go on. A request that
fails as a whole (a timeout, a 5xx, an error naming no alias) fails every invoice still in the batch; what
the earlier requests made is remembered, and the next pass's read finds what the failed one may have made.
A transaction is remembered on its record only once its charge is reported, so a created transaction whose
report failed is found (by `pspReference`) and reported by the next pass.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.bulk_orders import UNCONFIRMED
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError, SaleorMutationError
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_payments import (
    CHARGE_SUCCESS,
    OrderNotFound,
    _check_same_amount,
    charge_reported,
)

logger = logging.getLogger(__name__)

#: (pspReference, amount, transaction name, message, refundable)
Payment = tuple[str, Decimal, str, str, bool]


@dataclass
class Item:
    invoice: Invoice
    record: OrderRecord
    payments: list[Payment]
    url: str
    order: dict[str, Any] | None = None
    failure: SaleorError | None = None
    # pspReference -> the transaction as read or made, whose charge is still to be reported
    unreported: dict[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def live(self) -> bool:
        return self.failure is None


def write_batch(client: SaleorClient, items: list[Item]) -> None:
    """Writes what each item's order lacks (the module docstring); each item's failure is left on it. A
    SaleorError of a whole request fails the items still live, and is not raised."""
    try:
        _read(client, items)
        _confirm(client, items)
        _create_transactions(client, items)
        _report_charges(client, items)
        _attach_documents(client, items)
    except SaleorError as exc:
        for item in items:
            if item.live:
                item.failure = exc


def _live(items: list[Item]) -> list[Item]:
    return [item for item in items if item.live]


def _read(client: SaleorClient, items: list[Item]) -> None:
    answers = client.execute_aliased(
        "order_payments", [{"externalReference": item.invoice.number or ""} for item in items]
    )
    for item, answer in zip(items, answers, strict=True):
        if isinstance(answer, SaleorError):
            item.failure = answer
        elif not answer.get("order"):
            item.failure = OrderNotFound(
                f"no order in {client.api_url} has the external reference {item.invoice.number}"
            )
        else:
            item.order = answer["order"]


def _confirm(client: SaleorClient, items: list[Item]) -> None:
    # An order made UNCONFIRMED (not to be shipped unpaid) may be shipped now, and Saleor takes the invoice
    # document only on a confirmed order. A draft order completed is confirmed already.
    waiting = [
        item
        for item in _live(items)
        if item.order is not None
        and item.order["status"] == UNCONFIRMED
        and not item.record.transactions
        and not item.record.document_id
    ]
    answers = client.mutate_aliased(
        "order_confirm", [{"id": item.invoice.saleor_order_id} for item in waiting], "orderConfirm",
        idempotent=True,
    )
    for item, answer in zip(waiting, answers, strict=True):
        if isinstance(answer, SaleorMutationError) and answer.codes == ["INVALID"]:
            continue  # not unconfirmed any more
        if isinstance(answer, SaleorError):
            item.failure = answer


def _create_transactions(client: SaleorClient, items: list[Item]) -> None:
    to_create: list[tuple[Item, Payment]] = []
    for item in _live(items):
        assert item.order is not None
        currency = (((item.order.get("total") or {}).get("gross")) or {}).get("currency")
        if currency and currency != item.invoice.currency:
            item.failure = SaleorMutationError(
                "transaction_create",
                [
                    {
                        "field": "amount",
                        "code": "INCORRECT_CURRENCY",
                        "message": f"a charge in {item.invoice.currency} on an order in {currency}",
                    }
                ],
            )
            continue
        for payment in item.payments:
            reference = payment[0]
            if reference in item.record.transactions:
                continue
            found = next(
                (t for t in item.order.get("transactions") or () if t.get("pspReference") == reference), None
            )
            if found is None:
                to_create.append((item, payment))
            else:
                item.unreported[reference] = found
    answers = client.mutate_aliased(
        "transaction_create",
        [
            {
                "id": item.order["id"] if item.order else "",
                "transaction": {
                    "name": name,
                    "message": message,
                    "pspReference": reference,
                    "availableActions": ["REFUND"] if refundable else [],
                },
            }
            for item, (reference, _amount, name, message, refundable) in to_create
        ],
        "transactionCreate",
        idempotent=False,
    )
    for (item, payment), answer in zip(to_create, answers, strict=True):
        if isinstance(answer, SaleorError):
            item.failure = item.failure or answer
        else:
            item.unreported[payment[0]] = answer["transaction"]
    if to_create:
        crash_point("after_transaction_create")  # the charge events are reported by the next recording


def _report_charges(client: SaleorClient, items: list[Item]) -> None:
    to_report: list[tuple[Item, Payment, Mapping[str, Any]]] = []
    for item in _live(items):
        for payment in item.payments:
            transaction = item.unreported.get(payment[0])
            if transaction is None:
                continue
            if charge_reported(transaction):
                _check_same_amount(transaction, payment[1], item.invoice.currency, item.invoice.number or "")
                item.record.transactions[payment[0]] = str(transaction["id"])
            else:
                to_report.append((item, payment, transaction))
    answers = client.mutate_aliased(
        "transaction_event_report",
        [
            {
                "id": transaction["id"],
                "type": CHARGE_SUCCESS,
                "amount": order_lines.money(amount, item.invoice.currency),
                "pspReference": reference,
                "message": message or name,
                "availableActions": ["REFUND"] if refundable else [],
            }
            for item, (reference, amount, name, message, refundable), transaction in to_report
        ],
        "transactionEventReport",
        idempotent=True,  # Saleor answers a repeated report `alreadyProcessed`
    )
    for (item, payment, transaction), answer in zip(to_report, answers, strict=True):
        if isinstance(answer, SaleorError):
            item.failure = item.failure or answer
        else:
            item.record.transactions[payment[0]] = str(transaction["id"])


def _attach_documents(client: SaleorClient, items: list[Item]) -> None:
    to_attach: list[Item] = []
    for item in _live(items):
        assert item.order is not None
        if item.record.document_id:
            continue
        if item.order["id"] != item.invoice.saleor_order_id:
            number, wanted = item.invoice.number, item.invoice.saleor_order_id
            item.failure = OrderNotFound(f"the order of {number} is {item.order['id']}, not {wanted}")
            continue
        attached = next(
            (i for i in item.order.get("invoices") or () if i.get("number") == item.invoice.number), None
        )
        if attached is not None:
            item.record.document_id = str(attached["id"])
        else:
            to_attach.append(item)
    answers = client.mutate_aliased(
        "invoice_create",
        [
            {
                "orderId": item.invoice.saleor_order_id,
                "input": {
                    "number": item.invoice.number,
                    "url": item.url,
                    "metadata": [{"key": order_lines.INVOICE, "value": item.invoice.number}],
                },
            }
            for item in to_attach
        ],
        "invoiceCreate",
        idempotent=False,
    )
    for item, answer in zip(to_attach, answers, strict=True):
        if isinstance(answer, SaleorError):
            item.failure = answer
        else:
            item.record.document_id = str(answer["invoice"]["id"])
