"""The Saleor adapter's mirror of each variant's active plans into its public metadata
(`subscriptions.plans`): the same however often it runs, retried while Saleor is unreachable, stopped when
the app was removed."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.saleor.catalog_mirror import (
    METADATA_KEY,
    mirror_variant_plans,
    mirror_variant_plans_task,
)
from saleor_subscriptions.tenants.models import Installation
from tests.api.conftest import eager_tasks, fake_saleor, fake_shop, installed_app, jwks, shop, stub_app
from tests.fakes.saleor.server import RecordedRequest

__all__ = ["eager_tasks", "fake_saleor", "fake_shop", "installed_app", "jwks", "shop", "stub_app"]

pytestmark = pytest.mark.django_db


def metadata_requests(shop) -> list[RecordedRequest]:
    return [r for r in shop.fake.requests if r.operation_name == "UpdateMetadata"]


def test_the_list_holds_every_active_plan_of_the_variant_by_channel_and_leaves_other_keys(shop):
    shop.fake.add_channel("eu", "EUR")
    with shop.fake.store.lock:
        shop.fake.variant(shop.saleor.variant.id).metadata["brand"] = "Acme"
    eu = shop.plan(name="Maandelijks", channel="eu", currency="EUR", price=Decimal("27.5"))
    us = shop.plan(name="Monthly", price=None, is_default=True, billing_cycles=12)
    old = shop.plan(name="Old")
    Plan.objects.filter(pk=old.plan_id).update(status=Plan.Status.ARCHIVED)
    shop.plan(name="Other variant", variant_id=shop.saleor.other_variant.id)

    value = mirror_variant_plans(shop.installation.pk, shop.saleor.variant.id)

    metadata = shop.fake.variant(shop.saleor.variant.id).metadata
    assert metadata["brand"] == "Acme"
    assert metadata[METADATA_KEY] == value
    entries = json.loads(value or "")
    assert [(e["id"], e["channel"], e["price"], e["currency"]) for e in entries] == [
        (plan_global_id(us.plan_id), "default-channel", None, "USD"),
        (plan_global_id(eu.plan_id), "eu", "27.50", "EUR"),
    ]
    assert (entries[0]["isDefault"], entries[0]["billingCycles"], entries[0]["setupFee"]) == (
        True,
        12,
        "0.00",
    )


def test_mirroring_twice_writes_the_same(shop):
    shop.plan()

    first = mirror_variant_plans(shop.installation.pk, shop.saleor.variant.id)
    second = mirror_variant_plans(shop.installation.pk, shop.saleor.variant.id)

    assert first == second
    assert shop.fake.variant(shop.saleor.variant.id).metadata[METADATA_KEY] == first
    assert len(metadata_requests(shop)) == 2


def test_a_variant_without_plans_gets_an_empty_list(shop):
    assert mirror_variant_plans(shop.installation.pk, shop.saleor.variant.id) == "[]"


def test_the_task_is_retried_while_saleor_is_unreachable(shop, eager_tasks, settings):
    settings.SALEOR_RETRIES = 0
    shop.plan()
    shop.fake.fail_next("UpdateMetadata", status=503, times=2)

    mirror_variant_plans_task.apply(args=(shop.installation.pk, shop.saleor.variant.id))

    assert [r.status for r in metadata_requests(shop)] == [503, 503, 200]
    assert len(json.loads(shop.fake.variant(shop.saleor.variant.id).metadata[METADATA_KEY])) == 1


def test_a_removed_app_marks_the_installation_removed_and_is_not_retried(shop, eager_tasks):
    shop.plan()
    shop.fake.delete_app(shop.app.id)

    result = mirror_variant_plans_task.apply(args=(shop.installation.pk, shop.saleor.variant.id))

    assert result.get() is None
    shop.installation.refresh_from_db()
    assert shop.installation.status == Installation.Status.REMOVED
    assert METADATA_KEY not in shop.fake.variant(shop.saleor.variant.id).metadata
    assert (
        mirror_variant_plans(shop.installation.pk, shop.saleor.variant.id) is None
    )  # nothing asked any more
