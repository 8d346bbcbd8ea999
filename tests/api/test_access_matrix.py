"""The authorisation matrix (issue 13 item 8): every query and mutation of the schema, read from it, called by
every kind of principal, against `ACCESS` below, which says who may call each. An operation added to the
schema without its line in `ACCESS` fails `test_every_operation_has_its_line_in_the_access_table`.

Principals: anonymous (without and with the shop named), customer A on A's and on B's data, an expired
token, a token signed by another key, a dashboard token of another app, the tokens of another shop (its
customer and its staff with every permission) on this shop's data, staff without any and with each
permission, and the shop's API keys with each scope (a key may call what its scope allows, and what anonymous
may). "Allowed" means the request ran as far as the operation's own checks (its payload may still
refuse the input); "refused" means a top-level AUTHENTICATION_REQUIRED, PERMISSION_DENIED or SHOP_REQUIRED
with the field null, or a 401 for the token. Whoever is allowed or refused, nothing of another customer or
shop is shown or changed, and nothing answers 500 or INTERNAL_ERROR.

docs/api.md "Who may call what" is this table in words.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.forms.models import model_to_dict

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.api_keys import create_api_key
from saleor_subscriptions.tenants.models import Installation
from tests.api.conftest import NOV_16, ApiShop
from tests.api.operations import Operation, document, operations, variables
from tests.factories import make_subscription
from tests.fakes.saleor import FakeSaleor
from tests.fakes.saleor.scenario import coffee_shop
from tests.fakes.saleor.stub_app import DEFAULT_PERMISSIONS
from tests.saleor.helpers import SigningKey

pytestmark = pytest.mark.django_db

EVERY_STAFF = frozenset({"*"})
"""`Access.staff` for a public operation: any dashboard token of this app, with or without permissions."""


@dataclass(frozen=True)
class Access:
    anonymous: bool = False  # no token, the shop named with Saleor-Api-Url
    customer: bool = False  # a customer's access token: their own data only
    staff: frozenset[str] = frozenset()  # a dashboard token with any one of these permissions
    scope: str | None = None  # the API key scope that allows it (a key may also call what anonymous may)

    def allows_staff(self, permissions: frozenset[str]) -> bool:
        return self.staff == EVERY_STAFF or bool(self.staff & permissions)

    def allows_key(self, scopes: frozenset[str]) -> bool:
        return self.anonymous or self.scope in scopes


PUBLIC = Access(anonymous=True, customer=True, staff=EVERY_STAFF)
CUSTOMER = Access(customer=True)


def staff(*permissions: str, scope: str | None = None) -> Access:
    return Access(staff=frozenset(permissions), scope=scope)


# One line per operation: who may call it.
ACCESS: dict[str, Access] = {
    "plans": PUBLIC,
    "plan": PUBLIC,
    "mySubscriptions": CUSTOMER,
    "subscription": Access(customer=True, staff=frozenset({"MANAGE_ORDERS"}), scope="read"),
    "subscriptionSwitchPreview": CUSTOMER,
    "stripeSettings": staff("HANDLE_PAYMENTS", "MANAGE_ORDERS"),
    "planCreate": staff("MANAGE_PRODUCTS"),
    "planUpdate": staff("MANAGE_PRODUCTS"),
    "planArchive": staff("MANAGE_PRODUCTS"),
    "subscriptionCheckoutLinesAdd": Access(
        anonymous=True, customer=True, staff=frozenset({"HANDLE_CHECKOUTS"})
    ),
    "stripeSettingsUpdate": staff("HANDLE_PAYMENTS"),
    "subscriptionCancel": CUSTOMER,
    "subscriptionCancelUndo": CUSTOMER,
    "subscriptionPause": CUSTOMER,
    "subscriptionResume": CUSTOMER,
    "subscriptionSkipNextPeriod": CUSTOMER,
    "subscriptionSwitch": CUSTOMER,
    "subscriptionQuantityChange": CUSTOMER,
    "subscriptionUsageRecord": staff("MANAGE_ORDERS", scope="usage"),
    "subscriptionUsageRecordBulk": staff("MANAGE_ORDERS", scope="usage"),
    "apiKeys": staff("MANAGE_APPS"),
    "apiKeyCreate": staff("MANAGE_APPS"),
    "apiKeyRevoke": staff("MANAGE_APPS"),
    "webhookEndpoints": staff("MANAGE_APPS"),
    "webhookEndpointCreate": staff("MANAGE_APPS"),
    "webhookEndpointUpdate": staff("MANAGE_APPS"),
    "webhookEndpointDelete": staff("MANAGE_APPS"),
    "installationSettings": staff("MANAGE_SETTINGS", scope="read"),
    "installationSettingsUpdate": staff("MANAGE_SETTINGS"),
    "customerPortalSessionCreate": CUSTOMER,
    "subscriptionPaymentMethodSetDefault": CUSTOMER,
    "subscriptionPaymentMethodRemove": CUSTOMER,
    "schedulePreview": staff("MANAGE_PRODUCTS"),
    "subscriptionReport": staff("MANAGE_ORDERS", scope="read"),
    "billingIntegrity": staff("MANAGE_ORDERS", scope="read"),
    "subscriptions": staff("MANAGE_ORDERS", scope="read"),
    "invoices": staff("MANAGE_ORDERS", scope="read"),
    "invoice": staff("MANAGE_ORDERS", scope="read"),
    "creditNotes": staff("MANAGE_ORDERS", scope="read"),
    "customerBilling": staff("MANAGE_ORDERS", scope="read"),
    "discountCodes": staff("MANAGE_ORDERS", "MANAGE_DISCOUNTS", scope="read"),
    "staffSubscriptionCancel": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionCancelUndo": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionPause": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionResume": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionSkipNextPeriod": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionReactivate": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionCreate": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionSwitch": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionQuantityChange": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionPriceChange": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionFreePeriodsGrant": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionNextBillingDateChange": staff("MANAGE_ORDERS", scope="write"),
    "staffPlanPriceChangeSchedule": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionDiscountCodeAdd": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionCreditGrant": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionShippingAddressUpdate": staff("MANAGE_ORDERS", scope="write"),
    "staffSubscriptionsBulkAction": staff("MANAGE_ORDERS", scope="write"),
    "backgroundJob": staff("MANAGE_ORDERS", "MANAGE_SETTINGS", scope="read"),
    "backgroundJobs": staff("MANAGE_ORDERS", "MANAGE_SETTINGS", scope="read"),
    "testClock": staff("MANAGE_ORDERS", "MANAGE_SETTINGS", scope="read"),
    "testClockAdvance": staff("MANAGE_SETTINGS"),
    "planChoices": staff("MANAGE_ORDERS", "MANAGE_PRODUCTS", scope="read"),
    "staffInvoiceVoid": staff("MANAGE_ORDERS", scope="write"),
    "staffInvoiceRetry": staff("MANAGE_ORDERS", scope="write"),
    "staffInvoiceMarkPaid": staff("MANAGE_ORDERS", scope="write"),
    "staffInvoiceRefund": staff("MANAGE_ORDERS", scope="write"),
    "staffDiscountCodeCreate": staff("MANAGE_ORDERS", "MANAGE_DISCOUNTS", scope="write"),
    "staffDiscountCodeUpdate": staff("MANAGE_ORDERS", "MANAGE_DISCOUNTS", scope="write"),
    "staffDiscountCodeDeactivate": staff("MANAGE_ORDERS", "MANAGE_DISCOUNTS", scope="write"),
}

PERMISSIONS = sorted(set(DEFAULT_PERMISSIONS) | {"MANAGE_APPS", "MANAGE_SETTINGS", "MANAGE_STAFF"})
REFUSALS = {"AUTHENTICATION_REQUIRED", "PERMISSION_DENIED", "SHOP_REQUIRED"}
COVERED: set[tuple[str, str]] = set()
"""(operation, principal) pairs run, printed at the end of the module."""


@pytest.fixture(scope="module", autouse=True)
def coverage_report() -> Iterator[None]:
    """Prints operations x principals covered once the module's tests ran (the issue asks for the figure)."""
    yield
    names = {name for name, _ in COVERED}
    principals = {principal for _, principal in COVERED}
    pairs = len(COVERED)
    print(f"\naccess matrix: {len(names)} operations x {len(principals)} principals, {pairs} pairs checked")


@dataclass
class World:
    shop: ApiShop
    plan_id: str
    other_plan_id: str
    own: Subscription  # customer A's
    others: Subscription  # customer B's
    own_checkout: str
    others_checkout: str
    b_user: str


def _checkout(shop: ApiShop, user: str) -> str:
    return str(shop.fake.checkout_create(user=user, lines=[]).id)


@pytest.fixture
def world(shop: ApiShop) -> World:
    version = shop.plan(customer_can_pause=True)
    other = shop.plan(name="Coffee yearly", interval="year", price=Decimal("300.00"))
    bob = shop.fake.add_customer("bob@example.com", "Bob", "Jones")
    own = make_subscription(version, customer_user_id=shop.saleor.customer.id, status="active")
    others = make_subscription(
        version, customer_user_id=bob.id, status="active", customer_email="bob@example.com"
    )
    return World(
        shop=shop,
        plan_id=plan_global_id(version.plan_id),
        other_plan_id=plan_global_id(other.plan_id),
        own=own,
        others=others,
        own_checkout=_checkout(shop, shop.saleor.customer.id),
        others_checkout=_checkout(shop, bob.id),
        b_user=bob.id,
    )


def known(world: World, operation: Operation, subscription: Subscription, checkout: str) -> dict[str, Any]:
    """Argument values that name real objects: the subscription and checkout given, the shop's plan."""
    ids = world.plan_id if operation.name.startswith("plan") else subscription_global_id(subscription.pk)
    return {
        "id": ids,
        "planId": world.other_plan_id,
        "checkoutId": checkout,
        "variant": world.shop.saleor.variant.id,
        "variantId": world.shop.saleor.variant.id,
        "product": world.shop.saleor.product.id,
        "channel": "default-channel",
        "quantity": 2,
    }


def call(api: Any, operation: Operation, values: dict[str, Any], **auth: Any) -> tuple[int, dict[str, Any]]:
    status, body = api.post(document(operation), variables(operation, values), **auth)
    assert status != 500, (operation.name, body)
    assert "INTERNAL_ERROR" not in str(body), (operation.name, body)
    return status, body


def verdict(operation: Operation, status: int, body: dict[str, Any]) -> str:
    """ "allowed", "refused" (a top-level refusal, the field null) or what else came back."""
    codes = {e.get("extensions", {}).get("code") for e in body.get("errors", [])}
    if status == 200 and codes & REFUSALS:
        return "refused" if (body.get("data") or {}).get(operation.name) is None else f"refused but {body}"
    if status == 200:
        return "allowed"
    return f"{status} {sorted(c for c in codes if c)}"


def check_all(api: Any, world: World, principal: str, expected: Any, **auth: Any) -> None:
    """Every operation by one principal on its own data; `expected(access)` is "allowed" or "refused"."""
    wrong = []
    for operation in operations():
        status, body = call(api, operation, known(world, operation, world.own, world.own_checkout), **auth)
        want = expected(ACCESS[operation.name])
        got = verdict(operation, status, body)
        COVERED.add((operation.name, principal))
        if got != want:
            wrong.append(f"{operation.name}: {principal} expected {want}, got {got}")
    assert not wrong, "\n".join(wrong)


def test_every_operation_has_its_line_in_the_access_table():
    names = {operation.name for operation in operations()}

    assert sorted(names - ACCESS.keys()) == [], "add the new operation's line to ACCESS (and to docs/api.md)"
    assert sorted(ACCESS.keys() - names) == [], "ACCESS names operations the schema no longer has"


def test_anonymous_without_a_shop_is_refused_everything(api, world):
    check_all(api, world, "anonymous, no shop", lambda access: "refused")


def test_anonymous_storefront_naming_its_shop(api, world):
    check_all(
        api,
        world,
        "anonymous",
        lambda access: "allowed" if access.anonymous else "refused",
        api_url=world.shop.fake.api_url,
    )


def test_customer_on_their_own_data(api, world):
    token = world.shop.customer_token()
    check_all(api, world, "customer", lambda access: "allowed" if access.customer else "refused", token=token)


def test_staff_without_any_permission(api, world):
    token = world.shop.staff_token(())
    check_all(
        api,
        world,
        "staff, no permission",
        lambda access: "allowed" if access.allows_staff(frozenset()) else "refused",
        token=token,
    )


@pytest.mark.parametrize("permission", PERMISSIONS)
def test_staff_with_each_permission(api, world, permission):
    token = world.shop.staff_token((permission,))
    granted = frozenset({permission})
    check_all(
        api,
        world,
        f"staff, {permission}",
        lambda access: "allowed" if access.allows_staff(granted) else "refused",
        token=token,
    )


@pytest.mark.parametrize("scope", ["read", "write", "usage", "read write usage"])
def test_api_key_with_each_scope(api, world, scope):
    scopes = scope.split()
    secret = create_api_key(world.shop.installation, "back-end", scopes, created_by="staff").secret
    granted = frozenset(scopes)
    check_all(
        api,
        world,
        f"API key, {scope}",
        lambda access: "allowed" if access.allows_key(granted) else "refused",
        token=secret,
    )


def _claims(world: World, **changes: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "iat": now,
        "owner": "saleor",
        "iss": world.shop.fake.api_url,
        "exp": now + 300,
        "token": "abc",
        "email": "ann@example.com",
        "type": "access",
        "user_id": world.shop.saleor.customer.id,
        "is_staff": False,
    }
    return base | changes


def _token_refusals(world: World) -> Iterator[tuple[str, str, int, str]]:
    """(principal, token, status, code) of tokens refused whatever they ask."""
    shop = world.shop
    everything = tuple(PERMISSIONS)
    yield "expired customer token", shop.customer_token(expires_in=-60), 401, "EXPIRED_TOKEN"
    yield "expired staff token", shop.staff_token(everything, expires_in=-60), 401, "EXPIRED_TOKEN"
    forger = SigningKey(kid=shop.fake.keys.current.kid)
    yield "customer token of another key", forger.token(_claims(world)), 401, "INVALID_SIGNATURE"
    staff_claims = _claims(
        world, type="thirdparty", app=shop.app.id, permissions=list(everything), is_staff=True
    )
    yield "staff token of another key", forger.token(staff_claims), 401, "INVALID_SIGNATURE"
    other_app = _claims(world, type="thirdparty", app="QXBwOjk5", permissions=list(everything), is_staff=True)
    yield "dashboard token of another app", shop.fake.keys.current.token(other_app), 401, "WRONG_APP"


def test_tokens_that_do_not_verify_are_refused_before_anything_runs(api, world):
    wrong = []
    for principal, token, status, code in _token_refusals(world):
        for operation in operations():
            got_status, body = call(
                api, operation, known(world, operation, world.own, world.own_checkout), token=token
            )
            COVERED.add((operation.name, principal))
            codes = [e["extensions"]["code"] for e in body.get("errors", [])]
            if (got_status, codes) != (status, [code]) or "data" in body:
                wrong.append(
                    f"{operation.name}: {principal} expected {status} {code}, got {got_status} {codes}"
                )
    assert not wrong, "\n".join(wrong)


def _snapshot(subscription: Subscription, shop: ApiShop, checkout: str) -> Any:
    row = Subscription.objects.get(pk=subscription.pk)
    return (
        model_to_dict(row),
        SubscriptionEvent.objects.filter(subscription=row).count(),
        [
            (p.pk, p.status, p.name, p.versions.count())
            for p in Plan.objects.filter(installation=row.installation)
        ],
        [(line.id, line.quantity) for line in shop.fake.checkout(checkout).lines],
    )


def _ids_in(data: Any) -> set[str]:
    if isinstance(data, dict):
        return {str(v) for k, v in data.items() if k == "id" and v} | {
            i for v in data.values() for i in _ids_in(v)
        }
    if isinstance(data, list):
        return {i for v in data for i in _ids_in(v)}
    return set()


def test_customer_a_on_customer_bs_data_sees_and_changes_nothing(api, world):
    token = world.shop.customer_token()
    before = _snapshot(world.others, world.shop, world.others_checkout)
    theirs = {subscription_global_id(world.others.pk)}
    shown = []
    for operation in operations():
        _status, body = call(
            api, operation, known(world, operation, world.others, world.others_checkout), token=token
        )
        COVERED.add((operation.name, "customer A on B's data"))
        if _ids_in(body.get("data")) & theirs:
            shown.append(operation.name)

    assert shown == []
    assert _snapshot(world.others, world.shop, world.others_checkout) == before


@pytest.fixture
def other_shop(db: None, stub_app: Any) -> Iterator[ApiShop]:
    """A second Saleor with the app installed: its own installation, customer and staff."""
    fake = FakeSaleor().start()
    try:
        saleor = coffee_shop(fake)
        app = fake.install_app(stub_app.manifest_url)
        installation = Installation.objects.create(
            saleor_api_url=fake.api_url, time_zone="UTC", sandbox=True, clock=NOV_16
        )
        saleor_app = SaleorApp(
            installation=installation,
            saleor_domain=fake.domain,
            app_id=app.id,
            permissions=app.permissions,
            jwks=fake.jwks(),
        )
        saleor_app.token = app.token
        saleor_app.save()
        yield ApiShop(fake, saleor, app, installation)
    finally:
        fake.stop()


def test_the_tokens_of_another_shop_see_and_change_nothing_of_this_one(api, world, other_shop):
    before = _snapshot(world.own, world.shop, world.own_checkout)
    ours = {subscription_global_id(world.own.pk), world.plan_id, world.other_plan_id}
    principals = {
        "customer of another shop": other_shop.customer_token(),
        "staff of another shop": other_shop.staff_token(tuple(PERMISSIONS)),
    }
    shown = []
    for principal, token in principals.items():
        for operation in operations():
            _status, body = call(
                api, operation, known(world, operation, world.own, world.own_checkout), token=token
            )
            COVERED.add((operation.name, principal))
            if _ids_in(body.get("data")) & ours:
                shown.append(f"{operation.name} ({principal})")

    assert shown == []
    assert _snapshot(world.own, world.shop, world.own_checkout) == before
