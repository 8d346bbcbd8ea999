"""Celery tasks of the Saleor adapter (found by the worker's autodiscovery, which imports `<app>.tasks`)."""

from __future__ import annotations

import logging

from celery import shared_task

from saleor_subscriptions.saleor.catalog_mirror import mirror_variant_plans_task
from saleor_subscriptions.saleor.client import SaleorUnavailable
from saleor_subscriptions.saleor.install import check_installation
from saleor_subscriptions.saleor.order_cancels import cancel_closed_orders
from saleor_subscriptions.saleor.order_records import record_paid_orders
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.saleor.webhooks.tasks import process_pending_webhooks, process_webhook_delivery
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

__all__ = [
    "check_installations",
    "mirror_variant_plans_task",
    "process_pending_webhooks",
    "process_webhook_delivery",
    "record_paid_orders_task",
]


@shared_task(acks_late=True, name="saleor.check_installations")
def check_installations() -> int:
    """For beat: ask every active installation's Saleor whether the app is still installed, so a removal is
    noticed even when no renewal is due; returns how many were found removed."""
    removed = 0
    for installation in Installation.objects.filter(status=Installation.Status.ACTIVE).order_by("pk"):
        try:
            if not check_installation(installation):
                removed += 1
        except SaleorUnavailable as exc:
            logger.warning("could not check installation %s: %s", installation.pk, exc)
    return removed


@shared_task(acks_late=True, name="saleor.record_paid_orders")
def record_paid_orders_task() -> int:
    """For beat: paid renewal invoices written on their Saleor orders (charges, credit, document); returns
    how many were completed."""
    sink = SaleorOrderSink()
    try:
        cancel_closed_orders(sink)
        return record_paid_orders(sink).done
    finally:
        sink.close()
