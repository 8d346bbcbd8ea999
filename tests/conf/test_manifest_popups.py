"""The order and customer popups of the manifest (saleor_subscriptions/conf/manifest.py): POPUPs in the
order's and customer's menus for staff with MANAGE_ORDERS on every Saleor, and widgets on those pages only
from 3.22 on, as the product's plans."""

from __future__ import annotations

from typing import Any

import pytest

from saleor_subscriptions.conf.manifest import build_manifest

APP_URL = "https://subs.example.com"


@pytest.fixture(autouse=True)
def _app_url(settings: Any) -> None:
    settings.APP_URL = APP_URL


def by_mount(header: str | None) -> dict[str, dict[str, object]]:
    return {e["mount"]: e for e in build_manifest(header)["extensions"]}


@pytest.mark.parametrize("header", [None, "3.20", "3.21", "3.22", "3.23"])
def test_orders_and_customers_get_a_popup_for_staff_who_manage_orders(header):
    found = by_mount(header)

    assert found["ORDER_DETAILS_MORE_ACTIONS"] == {
        "label": "Subscriptions",
        "mount": "ORDER_DETAILS_MORE_ACTIONS",
        "target": "POPUP",
        "permissions": ["MANAGE_ORDERS"],
        "url": f"{APP_URL}/dashboard/order",
    }
    assert found["CUSTOMER_DETAILS_MORE_ACTIONS"] == {
        "label": "Subscriptions",
        "mount": "CUSTOMER_DETAILS_MORE_ACTIONS",
        "target": "POPUP",
        "permissions": ["MANAGE_ORDERS"],
        "url": f"{APP_URL}/dashboard/customer",
    }


@pytest.mark.parametrize("header", [None, "3.20", "3.21"])
def test_saleor_3_21_and_older_get_no_order_or_customer_widget(header):
    assert "ORDER_DETAILS_WIDGETS" not in by_mount(header)
    assert "CUSTOMER_DETAILS_WIDGETS" not in by_mount(header)


@pytest.mark.parametrize("header", ["3.22", "3.23"])
def test_saleor_3_22_and_newer_also_get_order_and_customer_widgets(header):
    found = by_mount(header)

    for mount, path in (("ORDER_DETAILS_WIDGETS", "order"), ("CUSTOMER_DETAILS_WIDGETS", "customer")):
        assert found[mount] == {
            "label": "Subscriptions",
            "mount": mount,
            "target": "WIDGET",
            "permissions": ["MANAGE_ORDERS"],
            "url": f"{APP_URL}/dashboard/{path}/widget",
            "options": {"widgetTarget": {"method": "GET"}},
        }
