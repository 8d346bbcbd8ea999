"""Renewal orders of invoices that will not be paid are cancelled in Saleor.

An invoice that becomes `void` (staff took it back) or `uncollectible` (the subscription was cancelled for
nonpayment, BILLING_RULES §6) leaves an order in Saleor that nobody paid for. `cancel_closed_orders` cancels
it (`orderCancel`: Saleor sends ORDER_CANCELLED, which ends nothing here, since a renewal order started no
subscription) and notes it on the invoice's `OrderRecord` (`cancelled_at`), once. An order Saleor cannot
cancel (cancelled by hand already, or fulfilled) is noted too, with a warning. It runs with the paid-order
records: after every renewal batch, at each moment of the test clock, and every minute from beat.
"""

from __future__ import annotations

import logging
from datetime import datetime

from django.db.models import Q
from django.utils import timezone

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.saleor.client import SaleorError
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

CLOSED = (Invoice.Status.VOID, Invoice.Status.UNCOLLECTIBLE)


def closed_with_orders(installation_id: int | None = None) -> list[int]:
    """Void or uncollectible invoices whose Saleor order is not cancelled yet."""
    invoices = (
        Invoice.objects.filter(
            status__in=CLOSED,
            installation__status=Installation.Status.ACTIVE,
            installation__saleor_app__isnull=False,
        )
        .exclude(saleor_order_id="")
        .filter(Q(saleor_order_record__isnull=True) | Q(saleor_order_record__cancelled_at__isnull=True))
    )
    if installation_id is not None:
        invoices = invoices.filter(installation_id=installation_id)
    return list(invoices.order_by("closed_at", "pk").values_list("pk", flat=True)[:200])


def cancel_closed_orders(
    sink: SaleorOrderSink, *, installation_id: int | None = None, now: datetime | None = None
) -> int:
    """Cancel the orders of void and uncollectible invoices (module docstring); returns how many were."""
    moment = now or timezone.now()
    cancelled = 0
    for invoice in Invoice.objects.filter(pk__in=closed_with_orders(installation_id)):
        try:
            done = sink.cancel_order(invoice.installation_id, invoice.saleor_order_id)
        except SaleorError as exc:
            logger.warning(
                "the Saleor order of %s invoice %s is not cancelled yet: %s",
                invoice.status,
                invoice.number,
                exc,
            )
            continue
        if done:
            cancelled += 1
            logger.info(
                "Saleor order %s of %s invoice %s cancelled",
                invoice.saleor_order_id,
                invoice.status,
                invoice.number,
            )
        else:
            logger.warning(
                "Saleor cannot cancel order %s of %s invoice %s (cancelled or fulfilled already)",
                invoice.saleor_order_id,
                invoice.status,
                invoice.number,
            )
        record, _ = OrderRecord.objects.get_or_create(
            invoice=invoice, defaults={"installation_id": invoice.installation_id}
        )
        record.cancelled_at = moment
        record.save(update_fields=["cancelled_at"])
    return cancelled
