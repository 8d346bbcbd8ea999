"""The shape of the app manifest Saleor reads at install (`GET /api/manifest`), and the app's name in it.

The composition root assembles the manifest (`conf.manifest`: which webhooks and dashboard extensions); this
module knows how Saleor wants each part written. docs/saleor.md describes the manifest.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django.conf import settings

from saleor_subscriptions import __version__
from saleor_subscriptions.saleor.install import APP_ID, REQUIRED_PERMISSIONS
from saleor_subscriptions.saleor.webhooks.base import Registered

APP_NAME = "Subscriptions"
ABOUT = (
    "Sell products as subscriptions: plans per variant (interval, price, setup fee, trial, fixed term), "
    "sign-up through Saleor's checkout, renewal orders billed every period, invoices, dunning and credits."
)
AUTHOR = "saleor-subscriptions"
REQUIRED_SALEOR_VERSION = ">=3.20"


def schema_version(header: str | None) -> tuple[int, int] | None:
    """`Saleor-Schema-Version` ("3.21") as (3, 21); None when absent or not of that form."""
    match = re.fullmatch(r"\s*(\d+)\.(\d+)\s*", header or "")
    return (int(match.group(1)), int(match.group(2))) if match else None


def app_url(path: str = "") -> str:
    """An absolute URL of this deployment (`APP_URL` + path)."""
    return str(settings.APP_URL).rstrip("/") + path


def async_webhook(webhook: Registered, path: str) -> dict[str, Any]:
    """An async webhook's entry, its `query` the document of `graphql/saleor/` as it is; its event is also
    listed in `asyncEvents`, as Saleor would infer it from the query, so every Saleor version registers the
    same events."""
    return {
        "name": webhook.name,
        "targetUrl": app_url(path),
        "query": webhook.query,
        "asyncEvents": [webhook.event],
        "isActive": True,
    }


def sync_webhook(webhook: Registered, path: str) -> dict[str, Any]:
    """A sync webhook's entry (`syncEvents`): Saleor waits for its answer."""
    return {
        "name": webhook.name,
        "targetUrl": app_url(path),
        "query": webhook.query,
        "syncEvents": [webhook.event],
        "isActive": True,
    }


def manifest(
    *,
    app_path: str,
    webhooks: Sequence[dict[str, Any]],
    extensions: Sequence[dict[str, Any]],
) -> dict[str, Any]:
    """The manifest with the app's home page at `app_path`, these webhooks and dashboard extensions."""
    return {
        "id": APP_ID,
        "version": __version__,
        "name": APP_NAME,
        "about": ABOUT,
        "author": AUTHOR,
        "permissions": list(REQUIRED_PERMISSIONS),
        "appUrl": app_url(app_path),
        "tokenTargetUrl": app_url("/api/register"),
        "requiredSaleorVersion": REQUIRED_SALEOR_VERSION,
        "homepageUrl": str(getattr(settings, "APP_HOMEPAGE_URL", "") or app_url("/")),
        "supportUrl": str(getattr(settings, "APP_SUPPORT_URL", "") or app_url("/")),
        "extensions": list(extensions),
        "webhooks": list(webhooks),
    }
