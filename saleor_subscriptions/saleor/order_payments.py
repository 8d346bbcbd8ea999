"""What a renewal writes on its Saleor order after the order exists: the charge, and the invoice document.

Both are looked for before they are written, because a mutation that timed out may have been applied
(mutations are never retried blindly, see `client`):

- `record_charge`: a `transactionCreate` with the charge's `pspReference` (the gateway's payment id), unless
  the order already holds a transaction with that reference. So one invoice attempt gives one transaction
  however often it is recorded.
- `attach_invoice`: an `invoiceCreate` with the document's number and URL, unless the order's invoices
  already hold one of that number. So a lost answer is harmless too: the retry finds the invoice made.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError

logger = logging.getLogger(__name__)


class OrderNotFound(SaleorError):
    """No order in Saleor has this external reference (or it is not the order named)."""


@dataclass(frozen=True)
class Recorded:
    """What is on the order now: Saleor's id of the transaction or invoice, and whether this call made it."""

    saleor_id: str
    created: bool


def order_payments(client: SaleorClient, external_reference: str) -> dict[str, Any]:
    """The order with this external reference, with its transactions and metadata; OrderNotFound if none."""
    order: dict[str, Any] | None = client.execute(
        "order_payments", {"externalReference": external_reference}
    ).get("order")
    if not order:
        raise OrderNotFound(f"no order in {client.api_url} has the external reference {external_reference}")
    return order


def record_charge(
    client: SaleorClient,
    *,
    invoice_number: str,
    psp_reference: str,
    amount: Decimal,
    currency: str,
    name: str,
    message: str = "",
    refundable: bool = False,
) -> Recorded:
    """Records a charge the app made (off-session) on the invoice's order as a transaction with
    `amountCharged`, once per `psp_reference`; `refundable` lets Saleor ask the app to refund it."""
    if not psp_reference:
        raise ValueError("a charge is recorded under its pspReference, and none was given")
    order = order_payments(client, invoice_number)
    for transaction in order.get("transactions") or ():
        if transaction.get("pspReference") == psp_reference:
            _check_same_amount(transaction, amount, currency, invoice_number)
            return Recorded(str(transaction["id"]), created=False)
    result = client.mutate(
        "transaction_create",
        {
            "id": order["id"],
            "transaction": {
                "name": name,
                "message": message,
                "pspReference": psp_reference,
                "amountCharged": {"amount": order_lines.money(amount, currency), "currency": currency},
                "availableActions": ["REFUND"] if refundable else [],
            },
            "transactionEvent": {"pspReference": psp_reference, "message": message or name},
        },
        "transactionCreate",
        idempotent=False,
    )
    transaction_id = str(result["transaction"]["id"])
    logger.info("charge %s of invoice %s recorded on order %s", psp_reference, invoice_number, order["id"])
    return Recorded(transaction_id, created=True)


def _check_same_amount(transaction: Mapping[str, Any], amount: Decimal, currency: str, invoice: str) -> None:
    charged = transaction.get("chargedAmount") or {}
    recorded = Decimal(str(charged.get("amount", "0")))
    if charged.get("currency") != currency or recorded != amount:
        # The reference is the charge's identity: never a second transaction, but say that it differs.
        logger.warning(
            "invoice %s: transaction %s already holds %s %s, not %s %s",
            invoice,
            transaction.get("id"),
            recorded,
            charged.get("currency"),
            amount,
            currency,
        )


def attach_invoice(
    client: SaleorClient, *, order_id: str, number: str, url: str, external_reference: str | None = None
) -> Recorded:
    """Attaches the invoice document `number` (downloadable at `url`) to the order, once per order and
    number. The order is found by its external reference (the invoice number unless told otherwise)."""
    order = order_payments(client, external_reference or number)
    if order["id"] != order_id:
        raise OrderNotFound(f"the order of {external_reference or number} is {order['id']}, not {order_id}")
    return attach_to_order(client, order, number=number, url=url)


def attach_to_order(client: SaleorClient, order: Mapping[str, Any], *, number: str, url: str) -> Recorded:
    """Attaches the invoice document `number` to `order` (as just read, with its `invoices`), unless one of
    that number is there already."""
    order_id = str(order["id"])
    for attached in order.get("invoices") or ():
        if attached.get("number") == number:
            return Recorded(str(attached["id"]), created=False)
    result = client.mutate(
        "invoice_create",
        {
            "orderId": order_id,
            "input": {
                "number": number,
                "url": url,
                "metadata": [{"key": order_lines.INVOICE, "value": number}],
            },
        },
        "invoiceCreate",
        idempotent=False,
    )
    invoice_id = str(result["invoice"]["id"])
    return Recorded(invoice_id, created=True)
