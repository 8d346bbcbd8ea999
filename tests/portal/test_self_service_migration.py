"""The portal's own table of forbidden actions is carried over into the Installation's self-service rights
before it is dropped (`portal/0004_self_service_into_installation`), and back when the migration is undone."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation

BEFORE = [("portal", "0003_shop_self_service_settings"), ("tenants", "0007_self_service_address_contacts")]
AFTER = [("portal", "0004_self_service_into_installation")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor


def _latest() -> list[tuple[str, str]]:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    return executor.loader.graph.leaf_nodes()


def _rights(pk: int) -> tuple[str, bool, bool, bool, bool, bool]:
    # Only the columns of the rights: the model's later columns do not exist at this migration.
    row: tuple[str, bool, bool, bool, bool, bool] = Installation.objects.values_list(
        "self_service_cancel",
        "self_service_pause",
        "self_service_quantity",
        "self_service_switch",
        "self_service_address",
        "self_service_contacts",
    ).get(pk=pk)
    return row


@pytest.mark.django_db(transaction=True)
def test_stored_forbidden_actions_become_the_installations_rights_and_come_back_when_undone():
    strict = make_installation("https://strict.example.com/graphql/")
    open_shop = make_installation("https://open.example.com/graphql/")
    try:
        old = _migrate(BEFORE).loader.project_state(BEFORE).apps
        PortalSettings = old.get_model("portal", "PortalSettings")
        PortalSettings.objects.create(
            installation_id=strict.pk, forbidden=["cancel", "pause", "address", "contacts"]
        )
        PortalSettings.objects.create(installation_id=open_shop.pk, forbidden=[])

        _migrate(AFTER)

        assert _rights(strict.pk) == ("disabled", False, True, True, False, False)
        assert _rights(open_shop.pk) == ("plan", True, True, True, True, True)
        assert "portal_portalsettings" not in connection.introspection.table_names()

        back = _migrate(BEFORE).loader.project_state(BEFORE).apps
        rows = back.get_model("portal", "PortalSettings").objects.values_list("installation_id", "forbidden")
        assert dict(rows) == {strict.pk: ["address", "cancel", "contacts", "pause"]}
    finally:
        _migrate(_latest())
