"""Each variant's active plans, mirrored into its public metadata in Saleor, so that a storefront's product
query already shows them (ARCHITECTURE flow 2; docs/api.md). The catalog announces a change of a variant's
plans (`catalog.ports.plans_changed`, after the commit); `queue_mirrors`, connected in the adapter's
`AppConfig.ready`, queues one task per variant.

One key, `subscriptions.plans`, holds a JSON string: the list of the variant's active plans in every channel,
by channel and then id, each `{id, name, channel, interval, intervalCount, price, currency, setupFee,
trialDays, trialIntervals, billingCycles, isDefault}` with amounts as decimal strings in the currency's minor
units and `price` null when the plan takes the variant's channel price. A variant without active plans gets
`[]`.

The value is computed from the database when the task runs, never from the change that queued it, so running
it twice, late, or out of order writes the same thing; runs for one variant are serialised (a PostgreSQL
advisory lock) so that the last one to write has read the newest plans. Saleor being unreachable retries the
task with backoff; a token Saleor refuses marks the installation removed (`on_token_rejected`).
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from typing import Any

from celery import shared_task
from django.db import connection

from saleor_subscriptions.billing.money import format_amount
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.saleor.client import SaleorMutationError, SaleorRequestError, SaleorUnavailable
from saleor_subscriptions.saleor.install import on_token_rejected
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation

logger = logging.getLogger(__name__)

METADATA_KEY = "subscriptions.plans"


def plan_entry(plan: Plan) -> dict[str, Any]:
    """One plan as the metadata lists it (its current version's terms)."""
    version = plan.current_version()
    currency = plan.currency
    return {
        "id": plan_global_id(plan.pk),
        "name": plan.name,
        "channel": plan.channel_slug,
        "interval": version.interval,
        "intervalCount": version.interval_count,
        "price": None if version.price is None else format_amount(version.price, currency),
        "currency": currency,
        "setupFee": format_amount(version.setup_fee, currency),
        "trialDays": version.trial_days,
        "trialIntervals": version.trial_intervals,
        "billingCycles": version.billing_cycles,
        "isDefault": plan.is_default,
    }


def variant_plans(installation_id: int, variant_id: str) -> list[dict[str, Any]]:
    """The entries of the variant's active plans, by channel and then id."""
    plans = Plan.objects.filter(
        installation_id=installation_id, variant_id=variant_id, status=Plan.Status.ACTIVE
    ).order_by("channel_slug", "pk")
    return [plan_entry(plan) for plan in plans]


def metadata_value(entries: list[dict[str, Any]]) -> str:
    """The JSON string stored under `METADATA_KEY` (compact, keys in the documented order)."""
    return json.dumps(entries, separators=(",", ":"), ensure_ascii=False)


@contextmanager
def _variant_lock(installation_id: int, variant_id: str) -> Iterator[None]:
    """One mirror run per variant at a time (PostgreSQL session advisory lock; SQLite, the embedded default,
    has one worker)."""
    if connection.vendor != "postgresql":
        yield
        return
    digest = hashlib.sha256(f"variant-plans:{installation_id}:{variant_id}".encode()).digest()
    key = int.from_bytes(digest[:8], "big", signed=True)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s)", [key])
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s)", [key])


def mirror_variant_plans(installation_id: int, variant_id: str) -> str | None:
    """Writes the variant's active plans into its public metadata in the installation's Saleor; returns the
    value written, or None when the installation cannot be reached (removed, or never registered)."""
    installation = Installation.objects.get(pk=installation_id)
    saleor_app = SaleorApp.objects.filter(installation=installation).first()
    if installation.status != Installation.Status.ACTIVE or saleor_app is None:
        logger.info(
            "plans of variant %s not mirrored: installation %s is not connected", variant_id, installation_id
        )
        return None
    with _variant_lock(installation_id, variant_id):
        value = metadata_value(variant_plans(installation_id, variant_id))
        variables = {"id": variant_id, "input": [{"key": METADATA_KEY, "value": value}]}
        with on_token_rejected(installation), saleor_app.client() as client:
            # Setting a key to a value is idempotent: a retry after a lost answer is harmless.
            client.mutate("update_metadata", variables, "updateMetadata", idempotent=True)
    return value


@shared_task(
    # The name queued tasks carry: it stays when the module moves, so tasks queued before a deploy still run.
    name="catalog.mirror_variant_plans",
    acks_late=True,
    autoretry_for=(SaleorUnavailable,),
    retry_backoff=5,
    retry_backoff_max=600,
    max_retries=10,
)
def mirror_variant_plans_task(installation_id: int, variant_id: str) -> str | None:
    """The Celery task of `mirror_variant_plans`, retried with backoff while Saleor is unreachable."""
    try:
        return mirror_variant_plans(installation_id, variant_id)
    except (SaleorRequestError, SaleorMutationError) as refused:
        # A retry cannot help: the app was removed (the installation is marked so, loudly), lacks a
        # permission, or the variant was deleted meanwhile (the catalog webhooks archive its plans).
        logger.warning("Saleor refused the plans of variant %s: %s", variant_id, refused)
        return None


def queue_mirrors(sender: object, *, installation_id: int, variant_ids: Collection[str], **_: object) -> None:
    """The listener of `catalog.ports.plans_changed` (run after the commit): queues the mirror of each
    variant. A broker that cannot take the task raises, and the announcement logs it: the plan change
    stands, and the next change of the variant's plans writes the whole list again."""
    for variant_id in variant_ids:
        mirror_variant_plans_task.delay(installation_id, variant_id)
