"""Issue 13, item 1: another app installed in the same Saleor cannot take this app's installation over by
posting its own token to /api/register, nor save Stripe keys with its dashboard token; a re-install of this
app is still a re-install. Over HTTP with the fake Saleor holding two apps (this one and a stub)."""

from __future__ import annotations

import pytest
from django.test import Client

from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.saleor.install import check_installation
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.saleor import FakeSaleor, InstalledApp, InstallFailed
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, stub_app
from tests.fakes.saleor.scenario import Shop
from tests.fakes.saleor.stub_app import StubApp
from tests.saleor.live_app import app_server, jwks_clock

__all__ = ["app_server", "fake_saleor", "fake_shop", "jwks_clock", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

STRIPE_SETTINGS_UPDATE = """
mutation { stripeSettingsUpdate(secretKey: "sk_test_attacker0000", publishableKey: "pk_test_attacker0000") {
  errors { field code } } }
"""


@pytest.fixture
def installed(fake_saleor: FakeSaleor, fake_shop: Shop, app_server: str) -> InstalledApp:
    return fake_saleor.install_app(f"{app_server}/api/manifest")


@pytest.fixture
def other_app(fake_saleor: FakeSaleor, installed: InstalledApp, stub_app: StubApp) -> InstalledApp:
    """A second app in the same Saleor, with every permission this app has (and its own identifier)."""
    return fake_saleor.install_app(stub_app.manifest_url)


def register(client: Client, fake: FakeSaleor, token: str) -> tuple[int, dict[str, str]]:
    headers = {"Saleor-Api-Url": fake.api_url, "Saleor-Domain": fake.domain}
    response = client.post(
        "/api/register", {"auth_token": token}, content_type="application/json", headers=headers
    )
    return response.status_code, response.json().get("error") or {}


def stored(fake: FakeSaleor) -> tuple[str, str, list[str]]:
    app = SaleorApp.objects.get(installation__saleor_api_url=fake.api_url)
    return app.app_id, app.token, app.permissions


def test_another_apps_token_posted_to_register_is_refused_and_changes_nothing(
    fake_saleor, installed, other_app, client
):
    before = stored(fake_saleor)
    assert other_app.identifier != installed.identifier
    assert set(other_app.permissions) >= set(installed.permissions)

    status, error = register(client, fake_saleor, other_app.token)

    assert (status, error["field"], error["code"]) == (403, "auth_token", "wrong_app")
    assert stored(fake_saleor) == before == (installed.id, installed.token, sorted(installed.permissions))
    assert Installation.objects.get().status == "active"


def test_another_apps_dashboard_token_cannot_save_stripe_keys(fake_saleor, installed, other_app, client):
    register(client, fake_saleor, other_app.token)
    token = fake_saleor.dashboard_token(other_app.id, permissions=["HANDLE_PAYMENTS"])

    response = client.post(
        "/graphql/",
        {"query": STRIPE_SETTINGS_UPDATE},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )

    assert response.json()["errors"][0]["extensions"]["code"] == "WRONG_APP"
    assert not StripeAccount.objects.exists()


def test_this_apps_token_without_the_manifests_permissions_is_refused(fake_saleor, fake_shop, app_server):
    with pytest.raises(InstallFailed, match="403"):
        fake_saleor.install_app(f"{app_server}/api/manifest", permissions=["MANAGE_PRODUCTS"])

    assert not Installation.objects.exists()


def test_a_reinstall_of_this_app_replaces_the_token_of_the_removed_one(fake_saleor, installed, app_server):
    fake_saleor.delete_app(installed.id)
    check_installation(Installation.objects.get())

    again = fake_saleor.install_app(f"{app_server}/api/manifest")

    assert stored(fake_saleor)[:2] == (again.id, again.token)
    assert Installation.objects.get().status == "active"
