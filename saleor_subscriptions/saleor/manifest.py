"""The app manifest Saleor reads at install (`GET /api/manifest`), built from `APP_URL`.

Webhooks: one per entry of `webhooks.registry.WEBHOOKS`, its `query` the document of `graphql/saleor/` as it
is (events are also listed in `asyncEvents`, as Saleor would infer them from the query, so every Saleor
version registers the same events); then the six sync payment webhooks of `payments.checkout.webhooks`
(`syncEvents`, target `/api/payments/<name>`). Dashboard extensions (pages of `dashboard_extension/`, served
by `saleor_subscriptions.dashboard`): the app's home page (its settings) as an app page under Orders, and the
plans of a product (a popup in the product's menu); from Saleor 3.22 on, when the request's
`Saleor-Schema-Version` says so, also a widget on the product page (older Saleors refuse the WIDGET target).
"""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings

from saleor_subscriptions import __version__
from saleor_subscriptions.payments.checkout.webhooks import SYNC_WEBHOOKS
from saleor_subscriptions.saleor.install import APP_ID, REQUIRED_PERMISSIONS
from saleor_subscriptions.saleor.webhooks.registry import WEBHOOKS

APP_NAME = "Subscriptions"
ABOUT = (
    "Sell products as subscriptions: plans per variant (interval, price, setup fee, trial, fixed term), "
    "sign-up through Saleor's checkout, renewal orders billed every period, invoices, dunning and credits."
)
AUTHOR = "saleor-subscriptions"
REQUIRED_SALEOR_VERSION = ">=3.20"
WIDGETS_FROM = (3, 22)

# Where the dashboard pages are served (the dashboard extension's routes).
DASHBOARD_PATH = "/dashboard/"
SETTINGS_PAGE = "/dashboard/"
"""A path, not a URL: Saleor requires APP_PAGE extensions to be paths of the app (opened inside its page).
The home page (settings) until the subscriptions list is built (issue 16)."""
PRODUCT_PLANS_POPUP = "/dashboard/product-plans"
PRODUCT_PLANS_WIDGET = "/dashboard/product-plans/widget"


def schema_version(header: str | None) -> tuple[int, int] | None:
    """`Saleor-Schema-Version` ("3.21") as (3, 21); None when absent or not of that form."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", header or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def app_url(path: str = "") -> str:
    """An absolute URL of this deployment (`APP_URL` + path)."""
    return str(settings.APP_URL).rstrip("/") + path


def webhooks() -> list[dict[str, Any]]:
    return [
        {
            "name": webhook.name,
            "targetUrl": app_url(f"/api/webhooks/{webhook.name}"),
            "query": webhook.query,
            "asyncEvents": [webhook.event],
            "isActive": True,
        }
        for webhook in WEBHOOKS.values()
    ] + [
        {
            "name": sync.name,
            "targetUrl": app_url(sync.path),
            "query": sync.query,
            "syncEvents": [sync.event],
            "isActive": True,
        }
        for sync in SYNC_WEBHOOKS.values()
    ]


def extensions(version: tuple[int, int] | None) -> list[dict[str, Any]]:
    """The dashboard extensions for a Saleor of `version` (the widget only from 3.22)."""
    found: list[dict[str, Any]] = [
        {
            "label": "Subscriptions",
            "mount": "NAVIGATION_ORDERS",
            "target": "APP_PAGE",
            "permissions": ["MANAGE_ORDERS"],
            "url": SETTINGS_PAGE,
        },
        {
            "label": "Subscription plans",
            "mount": "PRODUCT_DETAILS_MORE_ACTIONS",
            "target": "POPUP",
            "permissions": ["MANAGE_PRODUCTS"],
            "url": app_url(PRODUCT_PLANS_POPUP),
        },
    ]
    if version is not None and version >= WIDGETS_FROM:
        found.append(
            {
                "label": "Subscription plans",
                "mount": "PRODUCT_DETAILS_WIDGETS",
                "target": "WIDGET",
                "permissions": ["MANAGE_PRODUCTS"],
                "url": app_url(PRODUCT_PLANS_WIDGET),
                "options": {"widgetTarget": {"method": "GET"}},
            }
        )
    return found


def build_manifest(schema_version_header: str | None) -> dict[str, Any]:
    """The manifest for a Saleor that sent `Saleor-Schema-Version: schema_version_header`."""
    return {
        "id": APP_ID,
        "version": __version__,
        "name": APP_NAME,
        "about": ABOUT,
        "author": AUTHOR,
        "permissions": list(REQUIRED_PERMISSIONS),
        "appUrl": app_url(DASHBOARD_PATH),
        "tokenTargetUrl": app_url("/api/register"),
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "homepageUrl": str(getattr(settings, "APP_HOMEPAGE_URL", "") or app_url("/")),
        "supportUrl": str(getattr(settings, "APP_SUPPORT_URL", "") or app_url("/")),
        "extensions": extensions(schema_version(schema_version_header)),
        "webhooks": webhooks(),
    }
