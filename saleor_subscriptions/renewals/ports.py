"""The ports a renewal talks through: the Saleor order, the payment, and (in notifications) the emails.

The domain never imports Saleor or Stripe; the adapters of those (their own issues) implement these
protocols, and tests use the in-memory ones in `renewals.memory`. Both calls must be idempotent: an order
for one invoice number is made once however often it is asked for, and a charge with one idempotency key is
made once, a repeat answering with the first outcome.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from saleor_subscriptions.invoicing.paid_with import PaidMethod
from saleor_subscriptions.invoicing.models import Invoice


@dataclass(frozen=True)
class OrderLine:
    kind: str
    description: str
    quantity: Decimal
    unit_amount: Decimal
    amount: Decimal


@dataclass(frozen=True)
class OrderRequest:
    """The Saleor order that carries one invoice; `invoice_number` is its external reference."""

    installation_id: int
    invoice_id: int
    invoice_number: str
    channel_slug: str
    currency: str
    customer_email: str
    customer_user_id: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True)
class PlacedOrder:
    """The order as Saleor made it: its id and the totals Saleor computed (taxes are Saleor's, §3)."""

    order_id: str
    net: Decimal
    tax: Decimal
    gross: Decimal
    # Included in the totals above: what Saleor charged for shipping (net and its tax), and the method.
    shipping_net: Decimal = Decimal(0)
    shipping_tax: Decimal = Decimal(0)
    shipping_name: str = ""
    # Saleor's VAT rates as fractions (0.21): of the subscription's lines and of shipping; None when unknown.
    tax_rate: Decimal | None = None
    shipping_tax_rate: Decimal | None = None


class OrderSink(Protocol):
    """Makes the order of an invoice. A sink may also have `place_orders(requests)`, answering each request
    at its position with a `PlacedOrder` or the exception it met: the pipeline then hands it a whole batch at
    once (the Saleor sink uses `orderBulkCreate` where it can)."""

    def place_order(self, request: OrderRequest) -> PlacedOrder:
        """Make (or find, by `invoice_number`) the order for an invoice."""
        ...


class ChargeOutcome(StrEnum):
    SUCCEEDED = "succeeded"
    PROCESSING = "processing"  # a SEPA debit: neither paid nor failed until the gateway says so
    REQUIRES_ACTION = "requires_action"  # authentication_required: the customer must complete it
    DECLINED = "declined"
    # The gateway refused the amount itself (not chargeable in its currency, too small, too large): the
    # customer's card was never asked, so this is no decline; staff are alerted and no dunning starts (§3).
    AMOUNT_REFUSED = "amount_refused"


@dataclass(frozen=True)
class ChargeRequest:
    installation_id: int
    idempotency_key: str
    customer_key: str
    amount: Decimal
    currency: str
    invoice_number: str


@dataclass(frozen=True)
class ChargeResult:
    outcome: ChargeOutcome
    reference: str
    decline_code: str = ""
    message: str = ""
    method: PaidMethod | None = None
    """The saved method that was charged (its type, a card's brand and last four), when known."""


class PaymentGateway(Protocol):
    """Charges renewals, and keeps an invoice from being paid twice (BILLING_RULES §6): a payment of an
    invoice that is still open at the gateway (a declined renewal's, one a pay-page tab made) must not be
    completed once the invoice is paid, nor while a dunning retry charges it again."""

    def charge(self, request: ChargeRequest) -> ChargeResult:
        """Charge the customer's saved payment method off-session; a repeated key replays the first result."""
        ...

    def void_open_payments(self, invoices: Sequence[Invoice], reason: str) -> None:
        """Called in the transaction that pays these invoices (or starts a new charge of one): once it
        commits, their payments still open at the gateway are voided. Nothing is called out before the
        commit; a gateway that cannot be reached then keeps trying later, by itself."""
        ...

    def refund_unneeded(self, invoice: Invoice, reference: str, amount: Decimal, why: str) -> None:
        """In the caller's transaction: the charge `reference` paid an invoice that no longer needed it
        (`why`); once the transaction commits it is refunded in full, and staff are told."""
        ...

    def finish_voiding(self, invoice: Invoice) -> bool:
        """Outside a transaction, before charging `invoice` again: the voiding scheduled for it is done now
        where the gateway can be reached. False while some of it is still to do (the gateway out of reach):
        the invoice must not be charged again yet."""
        ...


class OrderNeedsAttention(Exception):
    """The invoice's order cannot be made or taken until a person acts: an order under the invoice number that
    is not provably this invoice's (`order_conflict`), or an order Saleor refuses to place (`order_refused`,
    e.g. INSUFFICIENT_STOCK). Nothing is charged meanwhile: the invoice waits, trying again less and less
    often, and staff are told once, with the reason."""

    code = "order_refused"

    def __init__(self, reason: str, *, saleor_codes: Sequence[str] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.saleor_codes = list(saleor_codes)


class GatewayUnavailable(Exception):
    """The gateway or Saleor could not be reached or timed out: the step is retried later, never skipped."""
