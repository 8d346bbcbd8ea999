"""The app manifest as this deployment assembles it (`GET /api/manifest`): every adapter's webhooks and the
dashboard's pages, written in Saleor's shape by `saleor.manifest`.

Webhooks: one per entry of `saleor.webhooks.registry.WEBHOOKS` (target `/api/webhooks/<name>`); then the six
sync payment webhooks of `payments.checkout.webhooks` (target `/api/payments/<name>`). Dashboard extensions
(pages of `dashboard_extension/`, served by `saleor_subscriptions.dashboard`): the subscriptions list as an
app page under Orders (the app's home page is its settings); the plans of a product, an order's subscriptions
and a customer's subscriptions and invoices (popups in the product's, order's and customer's menus); from
Saleor 3.22 on, when the request's `Saleor-Schema-Version` says so, also each of those as a widget on its page
(older Saleors refuse the WIDGET target). docs/saleor.md describes the manifest.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS
from saleor_subscriptions.saleor import manifest as saleor_manifest
from saleor_subscriptions.saleor.manifest import app_url, schema_version
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS

WIDGETS_FROM = (3, 22)

DASHBOARD_PATH = "/dashboard/"
"""Where the dashboard pages are served (the dashboard extension's routes)."""
SUBSCRIPTIONS_PAGE = "/dashboard/subscriptions"
"""The subscriptions list, the app page under Orders. A path, not a URL: Saleor requires APP_PAGE extensions
to be paths of the app (opened inside its page)."""
PRODUCT_PLANS_POPUP = "/dashboard/product-plans"
PRODUCT_PLANS_WIDGET = "/dashboard/product-plans/widget"
ORDER_POPUP = "/dashboard/order"
"""An order's subscriptions: those the order started or renewed (the dashboard adds `orderId`)."""
ORDER_WIDGET = "/dashboard/order/widget"
CUSTOMER_POPUP = "/dashboard/customer"
"""A customer's subscriptions, credit balance and invoices (the dashboard adds `customerId`)."""
CUSTOMER_WIDGET = "/dashboard/customer/widget"

# (label, mount prefix, permission, popup path, widget path) of each entity page the app adds to.
ENTITY_PAGES = (
    ("Subscription plans", "PRODUCT_DETAILS", "MANAGE_PRODUCTS", PRODUCT_PLANS_POPUP, PRODUCT_PLANS_WIDGET),
    ("Subscriptions", "ORDER_DETAILS", "MANAGE_ORDERS", ORDER_POPUP, ORDER_WIDGET),
    ("Subscriptions", "CUSTOMER_DETAILS", "MANAGE_ORDERS", CUSTOMER_POPUP, CUSTOMER_WIDGET),
)


def webhooks() -> list[dict[str, Any]]:
    """The Saleor adapter's async webhooks, then the payments' sync ones."""
    found = [saleor_manifest.async_webhook(hook, f"/api/webhooks/{hook.name}") for hook in WEBHOOKS.values()]
    return found + [saleor_manifest.sync_webhook(sync, sync.path) for sync in SYNC_WEBHOOKS.values()]


def extensions(version: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The dashboard extensions for a Saleor of `version` (the widget only from 3.22)."""
    found: list[dict[str, Any]] = [
        {
            "label": "Subscriptions",
            "mount": "NAVIGATION_ORDERS",
            "target": "APP_PAGE",
            "permissions": ["MANAGE_ORDERS"],
            "url": SUBSCRIPTIONS_PAGE,
        },
    ]
    for label, mount, permission, popup, _widget in ENTITY_PAGES:
        found.append(
            {
                "label": label,
                "mount": f"{mount}_MORE_ACTIONS",
                "target": "POPUP",
                "permissions": [permission],
                "url": app_url(popup),
            }
        )
    if version is not None and version >= WIDGETS_FROM:
        for label, mount, permission, _popup, widget in ENTITY_PAGES:
            found.append(
                {
                    "label": label,
                    "mount": f"{mount}_WIDGETS",
                    "target": "WIDGET",
                    "permissions": [permission],
                    "url": app_url(widget),
                    "options": {"widgetTarget": {"method": "GET"}},
                }
            )
    return found


def build_manifest(schema_version_header: str | None) -> dict[str, Any]:
    """The manifest for a Saleor that sent `Saleor-Schema-Version: schema_version_header`."""
    return saleor_manifest.manifest(
        app_path=DASHBOARD_PATH,
        webhooks=webhooks(),
        extensions=extensions(schema_version(schema_version_header)),
    )


@require_GET
def manifest(request: HttpRequest) -> JsonResponse:
    """The app manifest (widgets only for a Saleor whose Saleor-Schema-Version is 3.22 or newer)."""
    return JsonResponse(build_manifest(request.headers.get("Saleor-Schema-Version")))
