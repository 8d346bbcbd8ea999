"""The production RENEWAL_PORTS: renewal orders in Saleor, charges on Stripe, real emails.

    RENEWAL_PORTS=saleor_subscriptions.conf.ports:saleor_ports

- orders: `SaleorOrderSink` (a draft order completed per invoice, found again by its external reference;
  many at once through `orderBulkCreate` where the app holds MANAGE_ORDERS_IMPORT and `SaleorBulkFacts`
  knows the warehouse and the flat tax rate, see `bulk_orders`);
- payments: `StripeGateway` (an off-session PaymentIntent per invoice attempt on the customer's saved
  payment method, the attempt's idempotency key as Stripe's), its database reads made safe for the
  renewal's thread pool;
- followup: `record_paid_orders`, which writes each paid invoice's charges and document on its order (and
  confirms an order made UNCONFIRMED), and `cancel_closed_orders`, which cancels the orders of void and
  uncollectible invoices;
- notifier: `EmailNotifier`; the emails' pay links are the portal's invoice pages
  (`invoicing.links.invoice_page_url`), whose Pay button leads to the pay page.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from saleor_subscriptions.invoicing.links import invoice_page_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.renewals.pipeline import RenewalPorts
from saleor_subscriptions.renewals.ports import ChargeRequest, ChargeResult
from saleor_subscriptions.saleor.bulk_facts import SaleorBulkFacts
from saleor_subscriptions.saleor.order_cancels import cancel_closed_orders
from saleor_subscriptions.saleor.order_records import record_paid_orders
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.saleor.renewal_context import worker_thread_database


class ThreadSafeStripeGateway:
    """`StripeGateway` called from the renewal's I/O threads: each call's database reads go through a
    bounded number of connections that are closed afterwards (`worker_thread_database`)."""

    def __init__(self, gateway: StripeGateway | None = None) -> None:
        self.gateway = gateway or StripeGateway()

    def charge(self, request: ChargeRequest) -> ChargeResult:
        with worker_thread_database():
            return self.gateway.charge(request)

    def void_open_payments(self, invoices: Sequence[Invoice], reason: str) -> None:
        self.gateway.void_open_payments(invoices, reason)  # in the caller's thread and transaction

    def refund_unneeded(self, invoice: Invoice, reference: str, amount: Decimal, why: str) -> None:
        self.gateway.refund_unneeded(invoice, reference, amount, why)

    def finish_voiding(self, invoice: Invoice) -> bool:
        return self.gateway.finish_voiding(invoice)


def saleor_ports() -> RenewalPorts:
    sink = SaleorOrderSink(bulk_facts=SaleorBulkFacts())

    def followup(installation_id: int | None, now: datetime) -> object:
        cancel_closed_orders(sink, installation_id=installation_id, now=now)
        return record_paid_orders(sink, installation_id=installation_id, now=now)

    return RenewalPorts(
        orders=sink,
        payments=ThreadSafeStripeGateway(),
        notifier=EmailNotifier(),
        pay_url=invoice_page_url,
        followup=followup,
    )
