"""Over HTTP, with the fake Saleor: the app installed from its manifest (token stored encrypted), installed
again, removed; a storefront checkout with a subscription line completed and paid makes an active
subscription with the order's addresses; cancelling or refunding the order ends it; deleting the variant
archives its plans; a rotated signing key is fetched once. The app serves on pytest-django's live server,
Celery runs tasks in the request's process."""

from __future__ import annotations

import logging
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions import encryption
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.saleor import line_metadata
from saleor_subscriptions.saleor.client import SaleorRequestError
from saleor_subscriptions.saleor.install import check_installation, on_token_rejected
from saleor_subscriptions.saleor.models import SaleorApp, WebhookDelivery
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_plan_version
from tests.fakes.saleor import FakeSaleor, InstalledApp, InstallFailed
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop
from tests.fakes.saleor.scenario import ADDRESS_US, Shop, data_of
from tests.saleor.live_app import app_server, jwks_clock

__all__ = ["app_server", "fake_saleor", "fake_shop", "jwks_clock"]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def installed(fake_saleor: FakeSaleor, fake_shop: Shop, app_server: str) -> InstalledApp:
    return fake_saleor.install_app(f"{app_server}/api/manifest")


def installation_of(fake: FakeSaleor) -> Installation:
    return Installation.objects.get(saleor_api_url=fake.api_url)


# --- install ------------------------------------------------------------------------------------------------


def test_installing_from_the_manifest_stores_the_installation_with_its_token_encrypted(
    fake_saleor, installed
):
    installation = installation_of(fake_saleor)
    app = SaleorApp.objects.get(installation=installation)

    assert installation.status == "active"
    assert app.app_id == installed.id
    assert installed.token not in app.token_ciphertext
    assert encryption.decrypt(app.token_ciphertext) == installed.token
    assert app.saleor_domain == fake_saleor.domain
    assert app.schema_version == "3.21"
    assert app.permissions == sorted(installed.permissions)
    assert app.jwks == fake_saleor.jwks()
    assert sorted(fake_saleor.app(installed.id).manifest["permissions"]) == app.permissions
    assert {w.name for w in fake_saleor.app(installed.id).webhooks} == {
        "order-created",
        "order-fully-paid",
        "order-cancelled",
        "order-fully-refunded",
        "product-deleted",
        "product-variant-deleted",
        "payment-gateway-initialize-session",
        "transaction-initialize-session",
        "transaction-process-session",
        "transaction-charge-requested",
        "transaction-refund-requested",
        "transaction-cancelation-requested",
    }


def test_a_saleor_3_22_installs_the_product_widget_too(fake_saleor, fake_shop, app_server):
    fake_saleor.schema_version = "3.22"

    installed = fake_saleor.install_app(f"{app_server}/api/manifest")

    assert "WIDGET" in {e["target"] for e in installed.manifest["extensions"]}


def test_removing_the_app_in_saleor_marks_the_installation_removed_at_the_next_call(
    fake_saleor, installed, caplog
):
    installation = installation_of(fake_saleor)
    assert check_installation(installation) is True

    fake_saleor.delete_app(installed.id)
    with caplog.at_level(logging.ERROR):
        assert check_installation(installation) is False

    installation.refresh_from_db()
    assert installation.status == "removed" and installation.removed_at is not None
    assert SaleorApp.objects.get(installation=installation).token_rejected_at is not None
    assert any("INSTALLATION REMOVED" in r.getMessage() for r in caplog.records)


def test_a_permission_denied_after_removal_is_checked_and_marks_removed(fake_saleor, fake_shop, installed):
    installation = installation_of(fake_saleor)
    checkout = fake_saleor.checkout_create("default-channel", user=fake_shop.customer.id)
    fake_saleor.delete_app(installed.id)
    app = SaleorApp.objects.get(installation=installation)
    priced = {"variantId": fake_shop.variant.id, "quantity": 1, "price": "39.00"}

    with (
        pytest.raises(SaleorRequestError) as refused,
        on_token_rejected(installation),
        app.client() as client,
    ):
        client.execute("checkout_lines_add", {"id": checkout.id, "lines": [priced]})

    assert refused.value.codes == ["PermissionDenied"]
    assert installation_of(fake_saleor).status == "removed"


def test_a_permission_the_app_lacks_does_not_mark_it_removed(fake_saleor, fake_shop, app_server):
    installed = fake_saleor.install_app(f"{app_server}/api/manifest")
    fake_saleor.app(installed.id).permissions = ["MANAGE_PRODUCTS", "MANAGE_ORDERS"]
    installation = installation_of(fake_saleor)
    checkout = fake_saleor.checkout_create("default-channel", user=fake_shop.customer.id)
    app = SaleorApp.objects.get(installation=installation)
    priced = {"variantId": fake_shop.variant.id, "quantity": 1, "price": "39.00"}

    with pytest.raises(SaleorRequestError), on_token_rejected(installation), app.client() as client:
        client.execute("checkout_lines_add", {"id": checkout.id, "lines": [priced]})

    assert installation_of(fake_saleor).status == "active"
    assert app.permissions == sorted(installed.permissions)


def test_installing_again_from_the_same_saleor_replaces_the_installation(fake_saleor, installed, app_server):
    first = installation_of(fake_saleor)
    fake_saleor.delete_app(installed.id)
    check_installation(first)

    again = fake_saleor.install_app(f"{app_server}/api/manifest")

    installation = installation_of(fake_saleor)
    app = SaleorApp.objects.get(installation=installation)
    assert installation.pk == first.pk and Installation.objects.count() == 1
    assert (installation.status, installation.removed_at) == ("active", None)
    assert (app.app_id, app.token, app.token_rejected_at) == (again.id, again.token, None)
    assert again.token != installed.token


def test_an_install_whose_token_saleor_does_not_know_is_refused(fake_saleor, fake_shop, app_server, client):
    headers = {"Saleor-Api-Url": fake_saleor.api_url, "Saleor-Domain": fake_saleor.domain}
    response = client.post(
        "/api/register", {"auth_token": "x" * 30}, content_type="application/json", headers=headers
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "token_rejected"
    assert not Installation.objects.exists()


def test_an_install_refused_by_the_allow_list_leaves_no_app_in_saleor(
    fake_saleor, fake_shop, app_server, settings
):
    settings.SALEOR_ALLOWED_API_URLS = ["https://*.saleor.cloud/graphql/"]

    with pytest.raises(InstallFailed, match="403"):
        fake_saleor.install_app(f"{app_server}/api/manifest")

    assert not [a for a in fake_saleor.apps() if not a.removed]
    assert not Installation.objects.exists()


# --- sign-up through the storefront -------------------------------------------------------------------------


def plan_for(fake: FakeSaleor, shop: Shop, **terms: Any) -> PlanVersion:
    terms.setdefault("price", Decimal("39.00"))
    version = make_plan_version(
        installation_of(fake), currency="USD", variant_id=shop.variant.id, name="Coffee monthly", **terms
    )
    Plan.objects.filter(pk=version.plan_id).update(product_id=shop.product.id)
    return version


def checkout_with_subscription(fake: FakeSaleor, shop: Shop, app: InstalledApp, version: PlanVersion) -> str:
    """A customer's checkout with a normal product, and the subscription line added as the checkout hook
    adds it (the app's `checkout_lines_add` with the app's price and the plan in the line metadata)."""
    checkout = fake.checkout_create(
        "default-channel",
        user=shop.customer.id,
        lines=[(shop.other_variant.id, 1)],
        shipping_address=ADDRESS_US,
        billing_address=ADDRESS_US,
    )
    metadata = line_metadata.encode(line_metadata.SubscriptionLine(version.plan_id, version.pk, "", None))
    line = {"variantId": shop.variant.id, "quantity": 2, "price": "39.00", "metadata": metadata}
    data_of(fake, "checkout_lines_add", {"id": checkout.id, "lines": [line]}, app.token)
    fake.checkout_delivery_method_update(checkout.id, shop.shipping.id)
    return str(checkout.id)


def test_a_paid_checkout_with_a_subscription_line_makes_an_active_subscription(
    fake_saleor, fake_shop, installed
):
    version = plan_for(fake_saleor, fake_shop)
    checkout_id = checkout_with_subscription(fake_saleor, fake_shop, installed, version)
    fake_saleor.pay_checkout(checkout_id)

    order = fake_saleor.checkout_complete(checkout_id)

    subscription = Subscription.objects.get()
    assert subscription.status == "active"
    assert (subscription.plan_version, subscription.quantity) == (version, 2)
    assert (subscription.customer_user_id, subscription.customer_email) == (
        fake_shop.customer.id,
        "ann@example.com",
    )
    assert subscription.saleor_order_id == order.id
    assert subscription.shipping_method_id == fake_shop.shipping.id
    for address in (subscription.billing_address, subscription.shipping_address):
        # Saleor normalises the address as it stores it (the city in capitals, like the captures).
        assert {k: address[k] for k in ADDRESS_US} == ADDRESS_US | {"city": "DETROIT"}
    processed = WebhookDelivery.objects.filter(status="processed").values_list("name", flat=True)
    assert sorted(processed) == ["order-created", "order-fully-paid"]


def test_cancelling_the_order_in_saleor_ends_the_subscription(fake_saleor, fake_shop, installed):
    checkout_id = checkout_with_subscription(
        fake_saleor, fake_shop, installed, plan_for(fake_saleor, fake_shop)
    )
    fake_saleor.pay_checkout(checkout_id)
    order = fake_saleor.checkout_complete(checkout_id)

    fake_saleor.order_cancel(order.id)

    assert Subscription.objects.get().status == "cancelled"


def test_refunding_the_whole_order_in_saleor_ends_the_subscription(fake_saleor, fake_shop, installed):
    checkout_id = checkout_with_subscription(
        fake_saleor, fake_shop, installed, plan_for(fake_saleor, fake_shop)
    )
    fake_saleor.pay_checkout(checkout_id)
    order = fake_saleor.checkout_complete(checkout_id)

    fake_saleor.order_refund_fully(order.id)

    assert Subscription.objects.get().status == "cancelled"


def test_deleting_the_variant_in_saleor_archives_its_plans(fake_saleor, fake_shop, installed):
    version = plan_for(fake_saleor, fake_shop)

    fake_saleor.delete_variant(fake_shop.variant.id)

    assert Plan.objects.get(pk=version.plan_id).status == "archived"


def test_deleting_the_product_in_saleor_archives_its_plans(fake_saleor, fake_shop, installed):
    version = plan_for(fake_saleor, fake_shop)

    fake_saleor.delete_product(fake_shop.product.id)

    assert Plan.objects.get(pk=version.plan_id).status == "archived"


def test_a_rotated_signing_key_is_fetched_once_and_its_deliveries_accepted(
    fake_saleor, fake_shop, installed, jwks_clock
):
    version = plan_for(fake_saleor, fake_shop)
    jwks_clock.now += 60
    new_kid = fake_saleor.rotate_key()

    fake_saleor.delete_variant(fake_shop.variant.id)

    delivery = WebhookDelivery.objects.get(name="product-variant-deleted")
    assert (delivery.status, delivery.signature_kid) == ("processed", new_kid)
    assert Plan.objects.get(pk=version.plan_id).status == "archived"


def test_every_delivery_of_the_fake_is_answered_200_and_recorded_once(fake_saleor, fake_shop, installed):
    checkout_id = checkout_with_subscription(
        fake_saleor, fake_shop, installed, plan_for(fake_saleor, fake_shop)
    )
    fake_saleor.pay_checkout(checkout_id)
    fake_saleor.order_cancel(fake_saleor.checkout_complete(checkout_id).id)

    sent = [d for d in fake_saleor.deliveries if d.app_id == installed.id]
    assert [d.webhook for d in sent] == ["order-created", "order-fully-paid", "order-cancelled"]
    assert [(d.status, d.payload_errors) for d in sent] == [(200, [])] * 3
    assert list(WebhookDelivery.objects.order_by("pk").values_list("name", "status")) == [
        ("order-created", "processed"),
        ("order-fully-paid", "processed"),
        ("order-cancelled", "processed"),
    ]
