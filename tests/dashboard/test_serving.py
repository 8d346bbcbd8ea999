"""Serving the dashboard extension: index.html for every page path, assets, the frame-ancestors policy that
lets only the installing shop's dashboard frame a page, and a page that says how to build when unbuilt."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.test import Client

from saleor_subscriptions.conf.manifest import build_manifest
from saleor_subscriptions.dashboard.views import saleor_origin
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation

pytestmark = pytest.mark.django_db
SHOP = "https://shop.example.com/graphql/"


@pytest.fixture
def build(tmp_path: Path, settings: Any) -> Path:
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text("<!doctype html><div id=root></div>", encoding="utf-8")
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log(1)", encoding="utf-8")
    (tmp_path / "secret.txt").write_text("not an asset", encoding="utf-8")
    settings.DASHBOARD_BUILD_DIR = str(tmp_path)
    return tmp_path


PAGES = [
    "/dashboard/subscriptions",
    "/dashboard/product-plans",
    "/dashboard/order",
    "/dashboard/customer",
    "/dashboard/product-plans/widget",
    "/dashboard/order/widget",
    "/dashboard/customer/widget",
]
# A subscription's page by its global id (base64: `=` padding, `+`), as Reopen and a reload ask for it.
DEEP_PAGES = ["/dashboard/subscriptions/U3Vic2NyaXB0aW9uOjE=", "/dashboard/subscriptions/U3Vi+c2Ny%3D"]


@pytest.mark.parametrize("path", PAGES + DEEP_PAGES)
def test_every_page_path_answers_the_built_index(client: Client, build: Path, path: str) -> None:
    response = client.get(path)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == b"<!doctype html><div id=root></div>"


def test_only_the_installing_shops_saleor_may_frame_a_page(client: Client, build: Path) -> None:
    make_installation(SHOP)

    mine = client.get("/dashboard/product-plans", {"saleorApiUrl": SHOP, "domain": "shop.example.com"})
    unknown = client.get("/dashboard/", {"saleorApiUrl": "https://evil.example.net/graphql/"})
    bare = client.get("/dashboard/")

    assert mine["Content-Security-Policy"] == "frame-ancestors https://shop.example.com"
    assert unknown["Content-Security-Policy"] == "frame-ancestors 'none'"
    assert bare["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_a_removed_installation_may_not_frame_a_page(client: Client, build: Path) -> None:
    make_installation(SHOP, status=Installation.Status.REMOVED)

    response = client.get("/dashboard/", {"saleorApiUrl": SHOP})

    assert response["Content-Security-Policy"] == "frame-ancestors 'none'"


def test_the_allowed_ancestor_keeps_a_port_and_refuses_other_schemes() -> None:
    assert saleor_origin("http://127.0.0.1:8123/graphql/") == "http://127.0.0.1:8123"
    assert saleor_origin("javascript:alert(1)") is None
    assert saleor_origin("") is None


def test_assets_are_served_and_cached_and_nothing_else_is(client: Client, build: Path) -> None:
    asset = client.get("/dashboard/assets/index-abc123.js")
    missing = client.get("/dashboard/assets/nope.js")
    outside = client.get("/dashboard/assets/..%2Fsecret.txt")

    assert asset.status_code == 200
    assert b"".join(asset.streaming_content) == b"console.log(1)"  # type: ignore[attr-defined]
    assert asset["Content-Type"] == "text/javascript"
    assert "immutable" in asset["Cache-Control"]
    assert missing.status_code == 404
    assert outside.status_code == 404


def test_without_a_build_the_page_says_how_to_build_it(client: Client, tmp_path: Path, settings: Any) -> None:
    settings.DASHBOARD_BUILD_DIR = str(tmp_path / "missing")

    response = client.get("/dashboard/product-plans")

    assert response.status_code == 503
    assert b"The dashboard pages are not built" in response.content
    assert b"make dashboard" in response.content


def test_the_manifests_extensions_point_at_served_pages(client: Client, build: Path, settings: Any) -> None:
    settings.APP_URL = "https://subs.example.com"
    manifest = build_manifest("3.22")

    urls = [manifest["appUrl"], *(e["url"] for e in manifest["extensions"])]
    paths = [url.removeprefix("https://subs.example.com") for url in urls]

    assert paths == ["/dashboard/", *PAGES]
    assert all(client.get(path).status_code == 200 for path in paths)
