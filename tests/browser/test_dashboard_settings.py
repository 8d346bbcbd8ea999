"""The settings page (dashboard_extension/src/pages/settings/, built) in Chromium, inside the test dashboard
(dashboard_host.py), against the app's API: general settings refused on a field then saved; an API key made
and its secret shown once; a discount code made after a refusal on its field; a webhook endpoint added with
its secret shown once; the billing-integrity findings with a link to their subscription; a token without
MANAGE_APPS told so; the seller's details on invoices refused on a field then saved, a logo uploaded and
served, an accent colour set; the sandbox's test clock in General; a second general save sending only its own
changes. In English (light) and Dutch (dark), each view checked with axe-core (WCAG 2.1 A and AA, best
practices) and kept as a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

import io
import urllib.error
import urllib.request
from decimal import Decimal
from typing import Any
from urllib.parse import unquote

import pytest
from PIL import Image
from playwright.sync_api import expect

from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.outbound_events.models import WebhookEndpoint
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import ApiKey, Installation
from tests.api.staff_world import invoice
from tests.browser.conftest import Browser
from tests.browser.dashboard_host import Opened
from tests.browser.test_dashboard_pages import _open, built, dashboard
from tests.browser.test_dashboard_subscriptions import _artifacts
from tests.browser.test_portal import AXE, AXE_TAGS
from tests.factories import make_plan_version, make_subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app

__all__ = ["built", "dashboard", "fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

HOOK_URL = "http://127.0.0.1:9/hooks/billing"
OWNER = ["MANAGE_APPS", "MANAGE_SETTINGS", "MANAGE_ORDERS", "MANAGE_DISCOUNTS", "HANDLE_PAYMENTS"]
TEXTS = {
    "en": {
        "save": "Save",
        "saved": "Settings saved",
        "create_key": "Create key",
        "copied_it": "I have copied it",
        "new_code": "New discount code",
        "create_code": "Create code",
        "new_hook": "New endpoint",
        "add_hook": "Add endpoint",
        "deliveries": "Recent deliveries (0)",
        "run": "Run the check",
        "open": "Open the subscription",
        "rule": "Paid without a Saleor order",
        "forbidden": "It needs the Saleor permission MANAGE_APPS.",
        "redemptions": "0 / 100",
        "missing": "Invoices issued now are marked as missing these details: Legal name, Address, VAT number",
    },
    "nl": {
        "save": "Opslaan",
        "saved": "Instellingen opgeslagen",
        "create_key": "Sleutel aanmaken",
        "copied_it": "Ik heb het gekopieerd",
        "new_code": "Nieuwe kortingscode",
        "create_code": "Code aanmaken",
        "new_hook": "Nieuw endpoint",
        "add_hook": "Endpoint toevoegen",
        "deliveries": "Recente leveringen (0)",
        "run": "Controle uitvoeren",
        "open": "Het abonnement openen",
        "rule": "Betaald zonder Saleor-bestelling",
        "forbidden": "Daarvoor is de Saleor-machtiging MANAGE_APPS nodig.",
        "redemptions": "0 / 100",
        "missing": "Facturen die nu worden uitgegeven, zijn gemarkeerd als zonder deze gegevens: "
        "Statutaire naam, Adres, Btw-nummer",
    },
}


def _owner(dashboard: dict[str, Any], permissions: list[str] = OWNER) -> str:
    fake = dashboard["fake"]
    token: str = fake.dashboard_token(dashboard["app_id"], permissions=permissions, expires_in=300)
    return token


def _section(opened: Opened, section: str) -> Any:
    opened.frame.locator(f"[data-section-link={section}]").click()
    return opened.frame.locator(f"[data-section={section}]")


def _notified(page: Any, status: str, count: int) -> None:
    page.wait_for_function(
        f"window.dashboardActions.filter(a => a.type === 'notification' && a.payload.status === '{status}')"
        f".length >= {count}"
    )


def _app_frame(page: Any) -> Any:
    """The app's frame (its URL is /dashboard?section=… once the menu was used)."""
    return next(f for f in page.frames if f is not page.main_frame)


def _checked(page: Any, name: str) -> None:
    """axe-core finds no violation in the app's frame; then a screenshot is kept."""
    frame = _app_frame(page)
    frame.add_script_tag(content=AXE)
    found = frame.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }""",
        AXE_TAGS,
    )
    assert found == [], f"{name}: axe-core found {found}"
    page.screenshot(path=str(_artifacts() / f"{name}.png"), full_page=True)


def _seed_finding(dashboard: dict[str, Any]) -> Subscription:
    """A paid invoice without its Saleor order: billing integrity's PAID_WITHOUT_ORDER."""
    installation = dashboard["installation"]
    version = make_plan_version(installation, currency="USD", name="Coffee monthly", price=Decimal("30.00"))
    subscription = make_subscription(version, customer_email="anna@example.com", status="active")
    invoice(subscription, "INV-000001", 0, status=Invoice.Status.PAID, saleor_order_id="")
    return subscription


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_owner_edits_the_settings_makes_keys_codes_and_endpoints_and_reads_the_integrity_report(
    browser: Browser, dashboard: dict[str, Any], locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    subscription = _seed_finding(dashboard)

    def settle(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/", theme=theme, locale=locale, tokens=[_owner(dashboard)])
        frame = opened.frame
        seen: dict[str, Any] = {}

        # General: a prefix the API refuses shows on its field, then a good one saves.
        general = _section(opened, "general")
        expect(general.locator("[name=invoicePrefix]")).to_be_visible()
        general.locator("[name=invoicePrefix]").fill("bad prefix!")
        general.get_by_role("button", name=text["save"]).click()
        expect(general.locator("[name=invoicePrefix]")).to_have_attribute("aria-invalid", "true")
        _notified(page, "error", 1)
        general.locator("[name=invoicePrefix]").fill("COFFEE-")
        general.locator("[name=shopName]").fill("Coffee Club")
        general.locator("select[name=timeZone]").select_option("Europe/Amsterdam")
        general.locator("[name=dueHour]").fill("7")
        general.get_by_role("button", name=text["save"]).click()
        _notified(page, "success", 1)
        expect(general.locator("[name=invoicePrefix]")).to_have_attribute("aria-invalid", "false")
        expect(general.locator("[data-sandbox-on]")).to_be_visible()
        _checked(page, f"settings-general-{locale}-{theme}")
        # A second save is compared against what the first saved: only its own changes are sent, and the
        # sandbox note follows the saved setting without a reload.
        sent: list[dict[str, Any]] = []

        def record(request: Any) -> None:
            body = request.post_data_json if request.method == "POST" else None
            if isinstance(body, dict) and "installationSettingsUpdate" in (body.get("query") or ""):
                sent.append(body.get("variables") or {})

        page.on("request", record)
        general.locator("[name=dueHour]").fill("8")
        general.locator("[name=sandbox]").uncheck()
        general.get_by_role("button", name=text["save"]).click()
        _notified(page, "success", 2)
        expect(general.locator("[data-sandbox-on]")).to_have_count(0)
        page.remove_listener("request", record)
        seen["second_save"] = sent

        # API keys: the secret is shown once, with a copy button; gone once dismissed.
        keys = _section(opened, "apiKeys")
        keys.locator("[name=name]").fill("ERP export")
        keys.locator("[name=scope-WRITE]").check()
        keys.get_by_role("button", name=text["create_key"]).click()
        secret = keys.locator("[data-secret-once] [data-secret]")
        expect(secret).to_be_visible()
        seen["key_secret"] = secret.inner_text()
        expect(keys.locator("[data-secret-once] [data-action=copy]")).to_be_visible()
        expect(keys.locator("[data-key='ERP export']")).to_be_visible()
        _checked(page, f"settings-api-key-{locale}-{theme}")
        keys.get_by_role("button", name=text["copied_it"]).click()
        expect(keys.locator("[data-secret-once]")).to_have_count(0)
        expect(frame.get_by_text(seen["key_secret"])).to_have_count(0)

        # Discount codes: a percentage over 100 refused on its field, then the code made and listed.
        codes = _section(opened, "discounts")
        codes.get_by_role("button", name=text["new_code"]).click()
        form = codes.locator("[data-form=discountCode]")
        form.locator("[name=code]").fill("winter10")
        form.locator("[name=percent]").fill("150")
        form.locator("select[name=duration]").select_option("REPEATING")
        form.locator("[name=durationPeriods]").fill("3")
        form.locator("[name=maxRedemptions]").fill("100")
        form.get_by_role("button", name=text["create_code"]).click()
        expect(form.locator("[name=percent]")).to_have_attribute("aria-invalid", "true")
        _notified(page, "error", 2)
        form.locator("[name=percent]").fill("10")
        form.get_by_role("button", name=text["create_code"]).click()
        row = codes.locator("[data-code=WINTER10]")
        expect(row).to_be_visible()
        expect(row.locator("[data-redemptions]")).to_have_text(text["redemptions"])
        _checked(page, f"settings-discount-codes-{locale}-{theme}")

        # Webhook endpoints: added, its signing secret shown once, its (empty) deliveries log.
        hooks = _section(opened, "webhooks")
        hooks.get_by_role("button", name=text["new_hook"]).click()
        hook_form = hooks.locator("[data-form=webhookEndpoint]")
        hook_form.locator("[name=url]").fill(HOOK_URL)
        hook_form.locator("[name=description]").fill("ERP")
        hook_form.locator("[name=event-INVOICE_PAID]").check()
        hook_form.get_by_role("button", name=text["add_hook"]).click()
        hook_secret = hooks.locator("[data-secret-once] [data-secret]")
        expect(hook_secret).to_contain_text("whsec_")
        seen["hook_secret"] = hook_secret.inner_text()
        endpoint = hooks.locator(f"[data-endpoint='{HOOK_URL}']")
        endpoint.get_by_role("button", name=text["deliveries"]).click()
        expect(endpoint.locator("[data-deliveries=none]")).to_be_visible()
        _checked(page, f"settings-webhooks-{locale}-{theme}")

        # Billing integrity: the finding, and its link to the subscription's page.
        integrity = _section(opened, "integrity")
        integrity.get_by_role("button", name=text["run"]).click()
        finding = integrity.locator("[data-finding=PAID_WITHOUT_ORDER]")
        expect(finding).to_be_visible()
        expect(finding).to_contain_text(text["rule"])
        expect(finding).to_contain_text("INV-000001")
        _checked(page, f"settings-integrity-{locale}-{theme}")
        finding.get_by_role("link", name=text["open"]).click()
        expect(frame.locator("[data-page=subscription]")).to_be_visible()
        seen["subscription_url"] = _app_frame(page).url
        seen["notifications"] = opened.actions("notification")
        return seen

    seen = browser.run(settle)

    installation = Installation.objects.get(pk=dashboard["installation"].pk)
    assert (installation.invoice_prefix, installation.name) == ("COFFEE-", "Coffee Club")
    assert (installation.time_zone, installation.due_hour) == ("Europe/Amsterdam", 8)
    assert installation.sandbox is False
    assert seen["second_save"] == [{"dueHour": 8, "sandbox": False}]
    key = ApiKey.objects.get(installation=installation)
    assert (key.name, sorted(key.scopes)) == ("ERP export", ["read", "write"])
    assert seen["key_secret"].startswith(key.prefix)
    code = DiscountCode.objects.get(installation=installation)
    assert (code.code, code.percent, code.duration, code.duration_periods, code.max_redemptions) == (
        "WINTER10",
        Decimal("10"),
        "repeating",
        3,
        100,
    )
    hook = WebhookEndpoint.objects.get(installation=installation)
    assert (hook.url, hook.description, hook.event_types) == (HOOK_URL, "ERP", ["invoice.paid"])
    opened_path = unquote(seen["subscription_url"].split("?")[0])
    assert opened_path.endswith(f"/dashboard/subscriptions/{_global_id(subscription)}")
    errors = [n["payload"] for n in seen["notifications"] if n["payload"]["status"] == "error"]
    assert "invoicePrefix" in errors[0]["apiMessage"] and "percent" in errors[1]["apiMessage"]


def _global_id(subscription: Subscription) -> str:
    from saleor_subscriptions.api.ids import subscription_global_id

    return subscription_global_id(subscription.pk)


def test_a_token_without_manage_apps_is_told_which_permission_it_needs(
    browser: Browser, dashboard: dict[str, Any]
) -> None:
    text = TEXTS["en"]

    def forbidden(page: Any) -> list[dict[str, Any]]:
        tokens = [_owner(dashboard, ["MANAGE_SETTINGS", "MANAGE_ORDERS"])]
        opened = _open(page, dashboard, "/dashboard/", tokens=tokens, params={"section": "apiKeys"})
        state = opened.frame.locator("[data-section=apiKeys] [data-state=forbidden]")
        expect(state).to_contain_text(text["forbidden"])
        _notified(page, "error", 1)
        opened.screenshot("settings-forbidden-en-light")
        return opened.actions("notification")

    notifications = browser.run(forbidden)

    assert "MANAGE_APPS" in notifications[0]["payload"]["apiMessage"]


def _served(url: str) -> tuple[str, tuple[int, int]]:
    """The type and size of the image at `url`."""
    with urllib.request.urlopen(url) as served:
        return served.headers["Content-Type"], Image.open(io.BytesIO(served.read())).size


def _png() -> bytes:
    """A small PNG: 120 by 40 pixels, green on white."""
    image = Image.new("RGB", (120, 40), "white")
    image.paste((10, 125, 59), (10, 10, 110, 30))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_owner_sets_the_sellers_details_the_logo_and_the_accent_colour_and_sees_the_test_clock(
    browser: Browser, dashboard: dict[str, Any], settings: Any, locale: str, theme: str
) -> None:
    settings.APP_URL = dashboard["app_url"]  # the logo's URL leads to this live server
    text = TEXTS[locale]
    logo = _png()

    def settle(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/", theme=theme, locale=locale, tokens=[_owner(dashboard)])
        frame = opened.frame
        seen: dict[str, Any] = {}

        # General, on a sandbox shop: the test clock where it stands, and its form.
        general = _section(opened, "general")
        clock = general.locator("[data-section=test-clock]")
        expect(clock.locator("[data-clock-now]")).to_be_visible()
        expect(clock.locator("[data-action=advance-clock]")).to_be_visible()

        # Documents: what invoices miss; a VAT number refused on its field, then the details saved.
        docs = _section(opened, "documents")
        expect(docs.locator("[data-seller-missing]")).to_contain_text(text["missing"])
        docs.locator("[name=name]").fill("Coffee Club B.V.")
        docs.locator("[name=address]").fill("Keizersgracht 1\n1015 CJ Amsterdam")
        docs.locator("[name=vatNumber]").fill("NL123")
        docs.locator("[name=registrationNumber]").fill("12345678")
        docs.locator("[name=accentColour]").fill("#0A7D3B")
        expect(docs.locator("[data-accent-preview]")).to_have_css("color", "rgb(255, 255, 255)")
        docs.get_by_role("button", name=text["save"]).click()
        expect(docs.locator("[name=vatNumber]")).to_have_attribute("aria-invalid", "true")
        _notified(page, "error", 1)
        docs.locator("[name=vatNumber]").fill("NL123456789B01")
        docs.get_by_role("button", name=text["save"]).click()
        _notified(page, "success", 1)
        expect(docs.locator("[data-seller-missing]")).to_have_count(0)
        expect(docs.locator("[name=vatNumber]")).to_have_attribute("aria-invalid", "false")
        expect(docs.locator("[name=accentColour]")).to_have_value("#0a7d3b")

        # The logo: a PNG uploaded with the app's token, then shown from the URL the API answers.
        docs.locator("input[name=logo]").set_input_files(
            files=[{"name": "logo.png", "mimeType": "image/png", "buffer": logo}]
        )
        image = docs.locator("img[data-logo]")
        expect(image).to_be_visible()
        _notified(page, "success", 2)
        frame.locator("img[data-logo]").evaluate("img => img.decode()")
        seen["logo_width"] = image.evaluate("img => img.naturalWidth")
        seen["logo_src"] = image.get_attribute("src")
        seen["logo_served"] = _served(seen["logo_src"])
        _checked(page, f"settings-documents-{locale}-{theme}")

        # Removed: the page says there is none, and the old URL is gone.
        docs.locator("[data-action=remove-logo]").click()
        expect(docs.locator("[data-logo-none]")).to_be_visible()
        _notified(page, "success", 3)
        seen["notifications"] = opened.actions("notification")
        return seen

    seen = browser.run(settle)

    installation = Installation.objects.get(pk=dashboard["installation"].pk)
    assert (installation.seller_name, installation.seller_address) == (
        "Coffee Club B.V.",
        "Keizersgracht 1\n1015 CJ Amsterdam",
    )
    numbers = (installation.seller_vat_number, installation.seller_registration_number)
    assert numbers == ("NL123456789B01", "12345678")
    assert installation.accent_colour == "#0a7d3b"
    assert installation.logo_url() is None
    assert seen["logo_src"].startswith(f"{dashboard['app_url']}/brand/{installation.pk}/")
    assert seen["logo_width"] == 120
    assert seen["logo_served"] == ("image/png", (120, 40))
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(seen["logo_src"])
    assert gone.value.code == 404
    errors = [n["payload"] for n in seen["notifications"] if n["payload"]["status"] == "error"]
    assert "seller.vatNumber" in errors[0]["apiMessage"]
