"""The API's tests: the app answers through Django's test client, and calls the fake Saleor over HTTP.

`shop`: the fake's coffee shop with the app installed in it (a stub app's manifest, so the fake issued a real
app token) and the matching Installation + SaleorApp rows; a sandbox clock on 16 November 2026, 10:00 UTC.
`api`: posts a GraphQL request to /graphql/ and returns the status and JSON body.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.saleor import jwks as saleor_jwks
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.saleor.signatures import JwksCache
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.saleor import FakeSaleor, InstalledApp
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.fakes.saleor.scenario import Shop
from tests.worker import tasks_inline

__all__ = ["fake_saleor", "fake_shop", "installed_app", "stub_app"]

NOV_16 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
PLAN_CREATE = """
mutation Create($input: PlanCreateInput!) {
  planCreate(input: $input) {
    plan { id name variantId productId channel currency isDefault status
           terms { version interval intervalCount price setupFee trialDays anchorMode anchorDay } }
    errors { field code message }
  }
}
"""


class JwksFetches:
    """The JWKS cache the app uses, counting its fetches, with a clock the test moves (`advance`)."""

    def __init__(self) -> None:
        self.count = 0
        self.now = 1000.0
        self.cache = JwksCache(self.fetch, clock=lambda: self.now)

    def fetch(self, api_url: str) -> Any:
        self.count += 1
        return saleor_jwks.fetch_jwks(api_url)

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def jwks(monkeypatch: pytest.MonkeyPatch) -> JwksFetches:
    fetches = JwksFetches()
    monkeypatch.setattr(saleor_jwks, "jwks_cache", lambda: fetches.cache)
    return fetches


@pytest.fixture
def eager_tasks() -> Iterator[None]:
    """Celery tasks run in the test's process (the plan mirror)."""
    with tasks_inline():
        yield


@dataclass
class ApiShop:
    fake: FakeSaleor
    saleor: Shop
    app: InstalledApp
    installation: Installation

    def staff_token(self, permissions: tuple[str, ...] = ("MANAGE_PRODUCTS",), **kwargs: Any) -> str:
        return self.fake.dashboard_token(self.app.id, permissions=list(permissions), **kwargs)

    def customer_token(self, **kwargs: Any) -> str:
        return self.fake.customer_token(self.saleor.customer.id, **kwargs)

    def plan(
        self, variant_id: str | None = None, channel: str = "default-channel", **terms: Any
    ) -> PlanVersion:
        """A plan made directly in the database (not mirrored), version 1 with `terms`."""
        variant_id = variant_id or self.saleor.variant.id
        plan = Plan.objects.create(
            installation=self.installation,
            name=terms.pop("name", "Coffee monthly"),
            product_id=self.saleor.product.id,
            variant_id=variant_id,
            channel_slug=channel,
            currency=terms.pop("currency", "USD"),
            is_default=terms.pop("is_default", False),
        )
        terms.setdefault("interval", "month")
        terms.setdefault("price", Decimal("30.00"))
        return PlanVersion.objects.create(installation=self.installation, plan=plan, version=1, **terms)


@pytest.fixture
def shop(
    db: None, fake_saleor: FakeSaleor, fake_shop: Shop, installed_app: InstalledApp, jwks: JwksFetches
) -> ApiShop:
    installation = Installation.objects.create(
        saleor_api_url=fake_saleor.api_url, time_zone="UTC", sandbox=True, clock=NOV_16
    )
    saleor_app = SaleorApp(
        installation=installation,
        saleor_domain=fake_saleor.domain,
        app_id=installed_app.id,
        permissions=installed_app.permissions,
        jwks=fake_saleor.jwks(),
    )
    saleor_app.token = installed_app.token
    saleor_app.save()
    return ApiShop(fake_saleor, fake_shop, installed_app, installation)


class Api:
    def __init__(self, client: Client) -> None:
        self.client = client

    def post(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        *,
        token: str | None = None,
        api_url: str | None = None,
        authorization: str | None = None,
    ) -> tuple[int, dict[str, Any]]:
        headers = {}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        if authorization is not None:
            headers["Authorization"] = authorization
        if api_url is not None:
            headers["Saleor-Api-Url"] = api_url
        response = self.client.post(
            "/graphql/",
            {"query": query, "variables": variables or {}},
            content_type="application/json",
            headers=headers,
        )
        return response.status_code, response.json()

    def data(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> Any:
        """The operation's one root field, asserting a 200 without top-level errors."""
        status, body = self.post(query, variables, **kwargs)
        assert status == 200 and "errors" not in body, body
        (result,) = body["data"].values()
        return result

    def refused(self, query: str, variables: dict[str, Any] | None = None, **kwargs: Any) -> tuple[int, str]:
        """The status and the code of the first top-level error."""
        status, body = self.post(query, variables, **kwargs)
        assert body.get("errors"), body
        return status, body["errors"][0]["extensions"]["code"]


@pytest.fixture
def api(client: Client) -> Api:
    return Api(client)
