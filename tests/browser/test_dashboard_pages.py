"""The dashboard pages (dashboard_extension/, built) in Chromium, inside a test dashboard that iframes them
from the fake Saleor's origin and performs App Bridge's handshake with a token the fake Saleor signed
(dashboard_host.py): the product's plans and the Stripe settings, each in English and Dutch, light and dark;
the API's field errors on their fields and as dashboard notifications; an expired token said so. Screenshots
are kept under tests/browser/artifacts/. The first test prints the initial JavaScript (gzipped) and the time
to the first interactive page."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from saleor_subscriptions.catalog.models import Plan
from saleor_subscriptions.dashboard.views import build_dir
from saleor_subscriptions.payments.models import StripeAccount
from saleor_subscriptions.saleor.models import SaleorApp
from saleor_subscriptions.tenants.models import Installation
from tests.browser.conftest import Browser
from tests.browser.dashboard_host import Opened, open_page
from tests.fakes.saleor import FakeSaleor, InstalledApp
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.fakes.saleor.scenario import Shop
from tests.fakes.stripe import FakeStripe

__all__ = ["fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

NOV_16 = datetime(2026, 11, 16, 10, 0, tzinfo=UTC)
STAFF = ["MANAGE_PRODUCTS", "HANDLE_PAYMENTS", "MANAGE_ORDERS"]
JS_BUDGET_BYTES = 400 * 1024
INTERACTIVE_BUDGET_S = 1.0
TEXTS = {
    "en": {
        "make": "Make this a subscription product",
        "edit": "Edit",
        "archive": "Archive",
        "save": "Save",
        "setup": "Setup fee",
        "anchor": "Renews on",
        "day": "Day of the month (1–28)",
        "price": "Price per period (USD)",
        "preview": "15.00 on 16 Nov for 16 Nov – 1 Dec (15 of 30 days), then 30.00 on 1 Dec",
        "stripe_save": "Check with Stripe and save",
        "secret": "Secret key",
        "publishable": "Publishable key",
        "webhook_secret": "Webhook signing secret",
        "expired": "This page's session has expired",
    },
    "nl": {
        "make": "Maak hier een abonnementsproduct van",
        "edit": "Wijzigen",
        "archive": "Archiveren",
        "save": "Opslaan",
        "setup": "Opstartkosten",
        "anchor": "Verlengt op",
        "day": "Dag van de maand (1–28)",
        "price": "Prijs per periode (USD)",
        "preview": "15.00 op 16 nov voor 16 nov – 1 dec (15 van 30 dagen), daarna 30.00 op 1 dec",
        "stripe_save": "Controleren bij Stripe en opslaan",
        "secret": "Geheime sleutel",
        "publishable": "Publieke sleutel",
        "webhook_secret": "Ondertekeningsgeheim van de webhook",
        "expired": "De sessie van deze pagina is verlopen",
    },
}


@pytest.fixture
def built() -> Path:
    index = build_dir() / "index.html"
    if not index.is_file():
        pytest.fail(f"the dashboard pages are not built ({index}): run `make dashboard`", pytrace=False)
    return index


@pytest.fixture
def dashboard(  # noqa: PLR0917 (pytest passes fixtures by name)
    built: Path,
    app_url: str,
    fake_saleor: FakeSaleor,
    fake_shop: Shop,
    installed_app: InstalledApp,
    stripe_settings: FakeStripe,
) -> dict[str, Any]:
    """The coffee shop with the app installed (a sandbox on 16 November 2026, 10:00 UTC), the app on the live
    server."""
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
    return {
        "fake": fake_saleor,
        "app_url": app_url,
        "saleor_api_url": fake_saleor.api_url,
        "app_id": installed_app.id,
        "installation": installation,
        "token": lambda expires_in=300: fake_saleor.dashboard_token(
            installed_app.id, permissions=STAFF, expires_in=expires_in
        ),
    }


def _open(page: Any, dashboard: dict[str, Any], path: str, **kwargs: Any) -> Opened:
    tokens = kwargs.pop("tokens", None) or [dashboard["token"]()]
    return open_page(
        page,
        fake=dashboard["fake"],
        app_url=dashboard["app_url"],
        saleor_api_url=dashboard["saleor_api_url"],
        app_id=dashboard["app_id"],
        path=path,
        tokens=tokens,
        **kwargs,
    )


def _field(opened: Opened, name: str) -> Any:
    return opened.frame.locator(f"[name={name}]")


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_a_product_becomes_a_subscription_product_and_its_plans_are_edited_and_archived(
    browser: Browser, dashboard: dict[str, Any], fake_shop: Shop, locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    product = fake_shop.product.id
    variant, other = fake_shop.variant.id, fake_shop.other_variant.id

    def make_subscription(page: Any) -> dict[str, Any]:
        # The first page after the server started pays Django's and the API's first-request set-up; the budget
        # is for a page opened on a running server with nothing in the browser's cache, measured second.
        cold = _open(
            page,
            dashboard,
            "/dashboard/product-plans",
            theme=theme,
            locale=locale,
            params={"productId": product},
        )
        expect(cold.frame.get_by_role("button", name=text["make"])).to_be_visible()
        cold_s = cold.interactive_ms() / 1000
        page.context.new_cdp_session(page).send("Network.clearBrowserCache")
        opened = _open(
            page,
            dashboard,
            "/dashboard/product-plans",
            theme=theme,
            locale=locale,
            params={"productId": product},
        )
        make = opened.frame.get_by_role("button", name=text["make"])
        expect(make).to_be_visible()
        interactive_s = opened.interactive_ms() / 1000
        expect(opened.frame.locator("html")).to_have_attribute("data-theme", theme)
        opened.screenshot(f"product-plans-empty-{locale}-{theme}")
        make.click()
        expect(opened.frame.locator(f"[data-variant='{variant}'] [data-plan]")).to_have_count(1)
        expect(opened.frame.locator(f"[data-variant='{other}'] [data-plan]")).to_have_count(1)
        opened.screenshot(f"product-plans-{locale}-{theme}")
        opened.frame.locator(f"[data-variant='{variant}'] [data-action=open-variant]").click()
        page.wait_for_function("window.dashboardActions.some(a => a.type === 'redirect')")
        return {
            "opened": opened,
            "interactive_s": interactive_s,
            "cold_s": cold_s,
            "actions": opened.actions(),
        }

    made = browser.run(make_subscription)
    actions = made["actions"]

    plans = Plan.objects.filter(installation=dashboard["installation"], product_id=product)
    assert sorted(p.variant_id for p in plans) == sorted([variant, other])
    assert all(p.is_default and p.current_version().price is None for p in plans)
    assert any(a["type"] == "notification" and a["payload"]["status"] == "success" for a in actions)
    assert {"type": "redirect", "to": f"/products/{product}/variant/{variant}"} in [
        {"type": a["type"], "to": a["payload"].get("to")} for a in actions
    ]
    assert any(a["type"] == "updateRouting" and a["payload"]["newRoute"] == "/product-plans" for a in actions)
    assert {a["type"] for a in actions} <= {"notifyReady", "updateRouting", "notification", "redirect"}
    if locale == "en":
        js = sum(made["opened"].js_bytes_gzipped)
        print(
            f"\ndashboard budget: initial JavaScript {js / 1024:.1f} KB gzipped (budget 400 KB); "
            f"first page interactive in {made['interactive_s'] * 1000:.0f} ms (budget 1000 ms; "
            f"{made['cold_s'] * 1000:.0f} ms as the server's very first page)"
        )
        assert js < JS_BUDGET_BYTES
        # The 1 s budget is printed; the assertion leaves room for a shared CI machine.
        assert made["interactive_s"] < INTERACTIVE_BUDGET_S * 3

    def edit_and_archive(page: Any) -> list[dict[str, Any]]:
        opened = _open(
            page,
            dashboard,
            "/dashboard/product-plans",
            theme=theme,
            locale=locale,
            params={"productId": product},
        )
        section = opened.frame.locator(f"[data-variant='{variant}']")
        section.get_by_role("button", name=text["edit"]).click()
        form = section.locator("[data-plan-form]")
        form.locator("select[name=anchorMode]").select_option("DAY_OF_MONTH")
        _field(opened, "anchorDay").fill("1")
        _field(opened, "price").fill("30.00")
        expect(form.locator("[data-preview-sentence]")).to_have_text(text["preview"])
        _field(opened, "setupFee").fill("5.001")
        form.get_by_role("button", name=text["save"]).click()
        setup_fee = _field(opened, "setupFee").locator("xpath=ancestor::label/..")
        expect(setup_fee).to_contain_text("USD has 2 decimals")
        expect(_field(opened, "setupFee")).to_have_attribute("aria-invalid", "true")
        page.wait_for_function(
            "window.dashboardActions.some(a => a.type === 'notification' && a.payload.status === 'error')"
        )
        opened.screenshot(f"plan-form-error-{locale}-{theme}")
        _field(opened, "setupFee").fill("5.00")
        form.get_by_role("button", name=text["save"]).click()
        expect(section.locator("[data-plan-form]")).to_have_count(0)
        other_section = opened.frame.locator(f"[data-variant='{other}']")
        other_section.get_by_role("button", name=text["archive"]).click()
        other_section.locator("[data-action=confirm-archive]").click()
        expect(other_section.locator("[data-plan]")).to_have_count(0)
        return opened.actions("notification")

    notifications = browser.run(edit_and_archive)

    edited = Plan.objects.get(variant_id=variant, installation=dashboard["installation"])
    version = edited.current_version()
    assert (version.version, version.price, version.setup_fee) == (2, Decimal("30.00"), Decimal("5.00"))
    assert (version.anchor_mode, version.anchor_day) == ("day_of_month", 1)
    assert Plan.objects.get(variant_id=other).status == Plan.Status.ARCHIVED
    refused = next(n["payload"] for n in notifications if n["payload"]["status"] == "error")
    assert "setupFee" in refused["apiMessage"] and "2 decimals" in refused["apiMessage"]


@pytest.mark.parametrize(("locale", "theme"), [("en", "dark"), ("nl", "light")])
def test_the_owner_connects_stripe_and_sees_the_webhook_to_register(
    browser: Browser, dashboard: dict[str, Any], stripe_settings: FakeStripe, locale: str, theme: str
) -> None:
    text = TEXTS[locale]

    def connect(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/", theme=theme, locale=locale)
        expect(opened.frame.locator("[data-connection=none]")).to_be_visible()
        channels = opened.frame.locator("select[name=channel] option")
        expect(channels).to_have_count(2)  # every channel without its own keys, and the shop's one channel
        expect(channels.nth(1)).to_have_attribute("value", "default-channel")
        opened.frame.get_by_label(text["publishable"]).fill(stripe_settings.publishable_key)
        opened.frame.get_by_label(text["secret"]).fill("sk_nope")
        opened.frame.get_by_role("button", name=text["stripe_save"]).click()
        expect(opened.frame.locator("[data-connection=none]")).to_be_visible()
        secret_field = opened.frame.locator("label", has=opened.frame.locator("[name=secretKey]"))
        expect(secret_field).to_have_attribute("data-macaw-ui-component", "Input")
        page.wait_for_function(
            "window.dashboardActions.some(a => a.type === 'notification' && a.payload.status === 'error')"
        )
        opened.frame.get_by_label(text["secret"]).fill(stripe_settings.secret_key)
        opened.frame.get_by_label(text["webhook_secret"]).fill("whsec_0123456789abcdef")
        opened.frame.get_by_role("button", name=text["stripe_save"]).click()
        expect(opened.frame.locator("[data-connection=connected]")).to_be_visible()
        expect(opened.frame.locator("[data-check=missing]")).to_have_count(0)
        opened.screenshot(f"settings-{locale}-{theme}")
        return {
            "url": opened.frame.locator("[data-webhook-url]").inner_text(),
            "events": opened.frame.locator("[data-webhook-events] li").all_inner_texts(),
            "notifications": opened.actions("notification"),
        }

    seen = browser.run(connect)

    installation = dashboard["installation"]
    account = StripeAccount.objects.get(installation=installation)
    assert account.secret_key == stripe_settings.secret_key
    assert seen["url"] == f"{stripe_settings_app_url()}/webhooks/stripe/{installation.pk}/"
    assert "payment_intent.succeeded" in seen["events"] and "mandate.updated" in seen["events"]
    statuses = [n["payload"]["status"] for n in seen["notifications"]]
    assert statuses == ["error", "success"]
    assert "secretKey" in seen["notifications"][0]["payload"]["apiMessage"]


def stripe_settings_app_url() -> str:
    from tests.payments.stripe_webhooks.stripe_shop import APP_URL

    return APP_URL


def test_a_page_whose_token_expired_says_so_and_offers_to_reopen(
    browser: Browser, dashboard: dict[str, Any], fake_shop: Shop
) -> None:
    """3.21 popups never refresh the 5-minute token: the page says so (not a silent failure), Reopen takes the
    owner back to the product in the dashboard, and the page opened again works with its new token."""
    product = fake_shop.product.id

    def expire(page: Any) -> list[dict[str, Any]]:
        opened = _open(
            page,
            dashboard,
            "/dashboard/product-plans",
            tokens=[dashboard["token"](expires_in=2)],
            params={"productId": product},
        )
        expired = opened.frame.locator("[data-state=token-expired]")
        expect(expired).to_contain_text(TEXTS["en"]["expired"], timeout=8000)
        opened.screenshot("token-expired-en-light")
        expired.get_by_role("button").click()
        page.wait_for_function("window.dashboardActions.some(a => a.type === 'redirect')")
        redirects = opened.actions("redirect")
        again = _open(page, dashboard, "/dashboard/product-plans", params={"productId": product})
        expect(again.frame.get_by_role("button", name=TEXTS["en"]["make"])).to_be_visible()
        return redirects

    redirects = browser.run(expire)

    assert [r["payload"]["to"] for r in redirects] == [f"/products/{product}"]


def test_a_page_named_for_another_saleor_is_not_framed(
    browser: Browser, dashboard: dict[str, Any], fake_shop: Shop
) -> None:
    """The page answers `frame-ancestors 'none'` when its saleorApiUrl is no installation: the dashboard's
    frame stays empty."""

    def framed_for_another_shop(page: Any) -> tuple[int, list[str]]:
        opened = _open(
            page,
            dashboard,
            "/dashboard/product-plans",
            params={"productId": fake_shop.product.id, "saleorApiUrl": "http://127.0.0.1:9/graphql/"},
        )
        page.wait_for_timeout(1500)
        return opened.frame.locator("[data-page]").count(), opened.console

    count, console = browser.run(framed_for_another_shop)

    assert count == 0
    assert any("frame-ancestors" in line for line in console), console
