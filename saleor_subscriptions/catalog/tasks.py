"""Celery tasks of the catalog (found by the worker's autodiscovery, which imports `<app>.tasks`)."""

from __future__ import annotations

from saleor_subscriptions.catalog.mirror import mirror_variant_plans_task

__all__ = ["mirror_variant_plans_task"]
