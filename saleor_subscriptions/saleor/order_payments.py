"""What a renewal writes on its Saleor order after the order exists: the charge, and the invoice document.

Both are looked for before they are written, because a mutation that timed out may have been applied
(mutations are never retried blindly, see `client`):

- `record_charge`: as a payment app reports a payment: a `transactionCreate` named for
  the app with the charge's `pspReference` (the gateway's payment id) and no amounts, unless the order
  already holds a transaction with that reference; then, unless the transaction holds a `CHARGE_SUCCESS`
  already, a `transactionEventReport` `CHARGE_SUCCESS` for the amount, carrying the `pspReference` and a
  message naming the invoice (amounts given to `transactionCreate` would show in the dashboard as "Manual
  adjustment of the transaction" without a PSP reference). So one invoice attempt gives one transaction with
  one charge event however often it is recorded, and a crash between the two calls is finished by the next.
  Callers serialise recordings of one invoice (`order_records` holds a row lock): this look-up then write is
  not atomic in Saleor.
- `attach_invoice`: an `invoiceCreate` with the document's number and URL, unless the order's invoices
  already hold one of that number. So a lost answer is harmless too: the retry finds the invoice made.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from saleor_subscriptions.renewals.faults import crash_point
from saleor_subscriptions.saleor import order_lines
from saleor_subscriptions.saleor.client import SaleorClient, SaleorError, SaleorMutationError
from saleor_subscriptions.saleor.money import amount_of

logger = logging.getLogger(__name__)

CHARGE_SUCCESS = "CHARGE_SUCCESS"


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
    order: Mapping[str, Any] | None = None,
) -> Recorded:
    """Records a charge the app made (off-session) on the invoice's order: its transaction (`name`,
    `psp_reference`) once, and its `CHARGE_SUCCESS` event once; `refundable` lets Saleor ask the app to
    refund it. A charge in another currency than the order's is refused (INCORRECT_CURRENCY). `order`: the
    order as `order_payments` read it under the caller's lock, when it has (else it is read here)."""
    if not psp_reference:
        raise ValueError("a charge is recorded under its pspReference, and none was given")
    if order is None:
        order = order_payments(client, invoice_number)
    order_currency = (((order.get("total") or {}).get("gross")) or {}).get("currency")
    if order_currency and order_currency != currency:
        raise SaleorMutationError(
            "transaction_create",
            [
                {
                    "field": "amount",
                    "code": "INCORRECT_CURRENCY",
                    "message": f"a charge in {currency} on an order in {order_currency}",
                }
            ],
        )
    actions = ["REFUND"] if refundable else []
    transaction = next(
        (t for t in order.get("transactions") or () if t.get("pspReference") == psp_reference), None
    )
    created = transaction is None
    if transaction is None:
        transaction = client.mutate(
            "transaction_create",
            {
                "id": order["id"],
                "transaction": {
                    "name": name,
                    "message": message,
                    "pspReference": psp_reference,
                    "availableActions": actions,
                },
            },
            "transactionCreate",
            idempotent=False,
        )["transaction"]
        crash_point("after_transaction_create")  # the charge event is reported by the next recording
    if charge_reported(transaction):
        _check_same_amount(transaction, amount, currency, invoice_number)
    else:
        client.mutate(
            "transaction_event_report",
            {
                "id": transaction["id"],
                "type": CHARGE_SUCCESS,
                "amount": order_lines.money(amount, currency),
                "pspReference": psp_reference,
                "message": message or name,
                "availableActions": actions,
            },
            "transactionEventReport",
            idempotent=True,  # Saleor answers a repeated report `alreadyProcessed`
        )
        logger.info(
            "charge %s of invoice %s recorded on order %s", psp_reference, invoice_number, order["id"]
        )
    return Recorded(str(transaction["id"]), created=created)


def charge_reported(transaction: Mapping[str, Any]) -> bool:
    """Whether the transaction holds its charge: a `CHARGE_SUCCESS` event (ours carries the pspReference; one
    recorded by an older version of the app is a "Manual adjustment" without one, and counts as well)."""
    return any(event.get("type") == CHARGE_SUCCESS for event in transaction.get("events") or ())


def _check_same_amount(transaction: Mapping[str, Any], amount: Decimal, currency: str, invoice: str) -> None:
    charges = [e for e in transaction.get("events") or () if e.get("type") == CHARGE_SUCCESS]
    recorded = sum((amount_of(e.get("amount"), "a charge's amount") for e in charges), Decimal(0))
    recorded_currency = ((charges[0].get("amount") or {}).get("currency")) if charges else currency
    if recorded_currency != currency or recorded != amount:
        # The reference is the charge's identity: never a second transaction, but say that it differs.
        logger.warning(
            "invoice %s: transaction %s already holds %s %s, not %s %s",
            invoice,
            transaction.get("id"),
            recorded,
            recorded_currency,
            amount,
            currency,
        )


def attach_invoice(
    client: SaleorClient,
    *,
    order_id: str,
    number: str,
    url: str,
    external_reference: str | None = None,
    order: Mapping[str, Any] | None = None,
) -> Recorded:
    """Attaches the invoice document `number` (downloadable at `url`) to the order, once per order and
    number. The order is found by its external reference (the invoice number unless told otherwise), unless
    the caller has read it (`order`, from `order_payments`)."""
    if order is None:
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
