"""The catalog announces a change of plans (`catalog.ports`) once the transaction commits, naming the
installation and the variants; a rolled-back change is never announced."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction

from saleor_subscriptions.catalog.ports import announce_plans_changed, plans_changed
from saleor_subscriptions.saleor.catalog_mirror import queue_mirrors

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def heard() -> Iterator[list[dict[str, Any]]]:
    """What a listener hears, with the Saleor adapter's listener off (it would queue real tasks)."""
    said: list[dict[str, Any]] = []

    def listener(sender: object, **announcement: Any) -> None:
        said.append({k: v for k, v in announcement.items() if k != "signal"})

    plans_changed.disconnect(dispatch_uid="saleor.catalog_mirror")
    plans_changed.connect(listener, dispatch_uid="test.listener")
    try:
        yield said
    finally:
        plans_changed.disconnect(dispatch_uid="test.listener")
        plans_changed.connect(queue_mirrors, dispatch_uid="saleor.catalog_mirror")


def test_a_change_is_announced_after_the_commit(heard):
    with transaction.atomic():
        announce_plans_changed(7, ["v1", "v2"])
        assert heard == []

    assert heard == [{"installation_id": 7, "variant_ids": ("v1", "v2")}]


def test_a_change_rolled_back_is_not_announced(heard):
    with pytest.raises(RuntimeError), transaction.atomic():
        announce_plans_changed(7, ["v1"])
        raise RuntimeError("refused")

    assert heard == []


def test_the_saleor_adapter_listens():
    assert any(entry[0][0] == "saleor.catalog_mirror" for entry in plans_changed.receivers)
