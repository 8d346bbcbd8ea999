"""How the catalog tells the outside that a variant's plans changed, without knowing who listens.

`plans_changed` is a Django signal sent once the transaction that changed the plans commits, with
`installation_id` and `variant_ids`. The Saleor adapter listens (it mirrors each variant's active plans into
its public metadata: `saleor/catalog_mirror.py`, connected in the adapter's `AppConfig.ready`).
"""

from __future__ import annotations

from collections.abc import Collection

from django.db import transaction
from django.dispatch import Signal

from saleor_subscriptions.catalog.models import Plan

plans_changed = Signal()
"""Sent after the commit of a change to plans, with the keywords `installation_id` (int) and `variant_ids`
(a tuple of Saleor variant ids)."""


def announce_plans_changed(installation_id: int, variant_ids: Collection[str]) -> None:
    """Sends `plans_changed` once the current transaction commits (at once outside one). A listener that
    fails is logged, not raised: the plan change stands."""
    ids = tuple(variant_ids)

    def send() -> None:
        plans_changed.send(sender=Plan, installation_id=installation_id, variant_ids=ids)

    transaction.on_commit(send, robust=True)


def announce_plan_changed(plan: Plan) -> None:
    """`announce_plans_changed` for the variant of one plan."""
    announce_plans_changed(plan.installation_id, [plan.variant_id])
