"""The shop's name is read from Saleor's `shop { name }` at install (issue 15, installation settings): it
becomes the installation's name, which documents and emails are signed with, unless staff gave it one; a
Saleor that does not answer it installs all the same. Over HTTP with the fake Saleor."""

from __future__ import annotations

import pytest

from saleor_subscriptions.notifications.rendering import sender
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.saleor import FakeSaleor
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.saleor.live_app import app_server, jwks_clock

__all__ = ["app_server", "fake_saleor", "fake_shop", "jwks_clock"]

pytestmark = pytest.mark.django_db(transaction=True)


def _install(fake: FakeSaleor, app_server: str) -> Installation:
    fake.install_app(f"{app_server}/api/manifest")
    return Installation.objects.get(saleor_api_url=fake.api_url)


def test_the_install_takes_the_shops_name_from_saleor(fake_saleor, fake_shop, app_server):
    fake_saleor.set_shop_name("  Koffieclub Utrecht ")
    installation = _install(fake_saleor, app_server)
    assert (installation.status, installation.name) == ("active", "Koffieclub Utrecht")
    assert sender(installation).startswith("Koffieclub Utrecht <")  # emails are signed with it
    asked = [r.operation_name for r in fake_saleor.requests if r.operation_name in ("App", "ShopName")]
    assert asked == ["App", "ShopName"]


def test_a_saleor_that_does_not_answer_the_name_still_installs_the_app(fake_saleor, fake_shop, app_server):
    fake_saleor.set_shop_name("Koffieclub Utrecht")
    fake_saleor.fail_next("ShopName", status=500)
    installation = _install(fake_saleor, app_server)
    assert (installation.status, installation.name) == ("active", "")
    fake_saleor.clear_faults()


def test_a_name_staff_gave_the_installation_stays_on_a_reinstall(fake_saleor, fake_shop, app_server):
    fake_saleor.set_shop_name("Koffieclub Utrecht")
    installed = fake_saleor.install_app(f"{app_server}/api/manifest")
    Installation.objects.update(name="De Koffieclub B.V.")
    fake_saleor.delete_app(installed.id)
    fake_saleor.set_shop_name("Something else")
    installation = _install(fake_saleor, app_server)
    assert installation.name == "De Koffieclub B.V."
