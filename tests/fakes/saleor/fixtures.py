"""Fixtures: import them into a test module or conftest
(`from tests.fakes.saleor.fixtures import fake_saleor`).

`fake_saleor` (a started FakeSaleor), `fake_shop` (its coffee shop, see scenario.py), `stub_app` (a listening
StubApp) and `installed_app` (the stub installed into the fake)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from saleor_subscriptions.saleor.documents import document_names

from .apps import InstalledApp
from .fake import FakeSaleor
from .scenario import Shop, coffee_shop
from .stub_app import StubApp


@pytest.fixture
def fake_saleor() -> Iterator[FakeSaleor]:
    """A started FakeSaleor on 127.0.0.1:<free port>, stopped after the test."""
    fake = FakeSaleor().start()
    try:
        yield fake
    finally:
        fake.stop()


@pytest.fixture
def fake_shop(fake_saleor: FakeSaleor) -> Shop:
    """The fake's shop set up with `scenario.coffee_shop`."""
    return coffee_shop(fake_saleor)


@pytest.fixture
def stub_app() -> Iterator[StubApp]:
    """A started StubApp whose manifest has a webhook for every `webhook_*` document of graphql/saleor/."""
    app = StubApp(webhooks=[name for name in document_names() if name.startswith("webhook_")]).start()
    try:
        yield app
    finally:
        app.stop()


@pytest.fixture
def installed_app(fake_saleor: FakeSaleor, fake_shop: Shop, stub_app: StubApp) -> InstalledApp:
    """`stub_app` installed into the fake (with the default permissions of `stub_app.DEFAULT_PERMISSIONS`)."""
    return fake_saleor.install_app(stub_app.manifest_url)
