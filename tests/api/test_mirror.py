"""A plan changed through the API is mirrored into its variant's public metadata in Saleor once the change
commits (the adapter's own behaviour: tests/saleor/test_catalog_mirror.py)."""

from __future__ import annotations

import json

import pytest

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.saleor.catalog_mirror import METADATA_KEY
from tests.saleor.test_catalog_mirror import metadata_requests

pytestmark = pytest.mark.django_db

UPDATE = """
mutation Update($id: ID!, $input: PlanUpdateInput!) {
  planUpdate(id: $id, input: $input) { errors { field code } }
}
"""


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
