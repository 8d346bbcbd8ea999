"""Each variant's active plans in its public metadata in Saleor (`subscriptions.plans`): written after every
plan change, the same however often it runs, retried while Saleor is unreachable."""

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
from tests.fakes.saleor.server import RecordedRequest

pytestmark = pytest.mark.django_db

UPDATE = """
mutation Update($id: ID!, $input: PlanUpdateInput!) {
  planUpdate(id: $id, input: $input) { errors { field code } }
}
"""


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


def test_a_new_price_is_mirrored_after_the_change_commits(
    shop, api, eager_tasks, django_capture_on_commit_callbacks
):
    version = shop.plan()
    variables = {"id": plan_global_id(version.plan_id), "input": {"terms": {"price": "35.00"}}}

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        api.data(UPDATE, variables, token=shop.staff_token())
    assert metadata_requests(shop) == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()

    [entry] = json.loads(shop.fake.variant(shop.saleor.variant.id).metadata[METADATA_KEY])
    assert entry["price"] == "35.00"
