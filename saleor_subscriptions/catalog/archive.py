"""Archiving plans: a plan is no longer sold, while the subscriptions already on it run on (BILLING_RULES §1).

The catalog webhooks (PRODUCT_DELETED, PRODUCT_VARIANT_DELETED) archive every plan of what was deleted; the
staff mutation `planArchive` archives one plan. An archived plan keeps its versions, so running subscriptions
keep billing on the version they have; only new sign-ups and switches to it are refused (`PLAN_ARCHIVED`).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from django.db import transaction
from django.db.models import Q

from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.tenants.models import Installation


def archive_plans(
    installation: Installation,
    *,
    product_id: str | None = None,
    variant_ids: Collection[str] = (),
    plan_ids: Collection[int] = (),
    now: datetime | None = None,
) -> list[Plan]:
    """Archive the installation's active plans of the product `product_id`, of any of `variant_ids`, and
    those with an id in `plan_ids` (any of the three; at least one must be given); returns the plans archived
    now, by id. Plans already archived are left as they are, so running it twice changes nothing."""
    if not product_id and not variant_ids and not plan_ids:
        raise ValueError("archive_plans needs a product, variants or plan ids")
    which = Q(pk__in=[])
    if product_id:
        which |= Q(product_id=product_id)
    if variant_ids:
        which |= Q(variant_id__in=list(variant_ids))
    if plan_ids:
        which |= Q(pk__in=list(plan_ids))
    moment = now or installation.now()
    with transaction.atomic():
        plans = list(
            Plan.objects.select_for_update()
            .filter(which, installation=installation, status=Plan.Status.ACTIVE)
            .order_by("pk")
        )
        for plan in plans:
            plan.status = Plan.Status.ARCHIVED
            plan.archived_at = moment
        Plan.objects.bulk_update(plans, ["status", "archived_at"])
    return plans
