"""A subscription's further staff actions and the order and customer popups (dashboard_extension/, built) in
Chromium, inside the test dashboard, against the app's API: a plan switch previewed with the API's
`preview: true` and then made, a part refund of a paid invoice as a credit note, the order's popup opening
the subscription it started (and back), a customer's popup with their subscriptions, credit and invoices,
and Reopen after the token expired going back to the page the owner was on. English (light) and Dutch
(dark); screenshots in tests/browser/artifacts/."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from playwright.sync_api import expect

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_world import invoice
from tests.browser.conftest import Browser
from tests.browser.dashboard_host import ARTIFACTS
from tests.browser.test_dashboard_pages import TEXTS as PAGE_TEXTS
from tests.browser.test_dashboard_pages import _open, built, dashboard
from tests.factories import make_plan_version, make_subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.lifecycle.helpers import period_invoice

__all__ = ["built", "dashboard", "fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = "T3JkZXI6NDI="
CUSTOMER = "VXNlcjo3"
TEXTS = {
    "en": {
        "switch": "Switch plan",
        "plan": "New plan",
        "preview": "Preview the switch",
        "confirm_switch": "Confirm the switch",
        "due_now": "Charged now 15.00 USD, credited now 0.00 USD (before tax)",
        "next": "First full period on the new plan: 45.00 USD",
        "refund": "Refund",
        "amount": "Amount (USD)",
        "how": "How",
        "left": "Left to give back afterwards: 20.00 USD",
        "confirm": "Confirm",
        "started": "started it",
        "open": "Open subscription #{number}",
        "title": "Subscription #{number}",
        "customer_title": "The customer's subscriptions",
    },
    "nl": {
        "switch": "Ander abonnement kiezen",
        "plan": "Nieuw abonnement",
        "preview": "Voorbeeld van de overstap",
        "confirm_switch": "Overstap bevestigen",
        "due_now": "Nu in rekening 15.00 USD, nu gecrediteerd 0.00 USD (zonder btw)",
        "next": "Eerste volle periode op het nieuwe abonnement: 45.00 USD",
        "refund": "Terugbetalen",
        "amount": "Bedrag (USD)",
        "how": "Hoe",
        "left": "Daarna nog terug te geven: 20.00 USD",
        "confirm": "Bevestigen",
        "started": "startte het",
        "open": "Abonnement #{number} openen",
        "title": "Abonnement #{number}",
        "customer_title": "Abonnementen van de klant",
    },
}
BOTH = [("en", "light"), ("nl", "dark")]


def _shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(Path(ARTIFACTS) / f"{name}.png"), full_page=True)


def _seed(dashboard: dict[str, Any]) -> tuple[Subscription, PlanVersion]:
    """Anna, active on Coffee monthly (30.00) with her paid invoice for 16 Nov to 16 Dec, her sign-up order
    ORDER and her Saleor account CUSTOMER; Coffee deluxe (45.00) on the same product and channel."""
    installation = dashboard["installation"]
    monthly = make_plan_version(installation, currency="USD", name="Coffee monthly", price=Decimal("30.00"))
    deluxe = make_plan_version(installation, currency="USD", name="Coffee deluxe", price=Decimal("45.00"))
    anna = make_subscription(
        monthly,
        status="active",
        customer_email="anna@example.com",
        customer_user_id=CUSTOMER,
        billing_address={"firstName": "Anna", "lastName": "Jansen"},
        saleor_order_id=ORDER,
    )
    period_invoice(anna)
    return anna, deluxe


@pytest.mark.parametrize(("locale", "theme"), BOTH)
def test_a_switch_is_previewed_then_made_and_a_paid_invoice_partly_refunded(
    browser: Browser, dashboard: dict[str, Any], locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    anna, deluxe = _seed(dashboard)
    paid = Invoice.objects.get(subscription=anna)

    def act(page: Any) -> list[dict[str, Any]]:
        path = f"/dashboard/subscriptions/{subscription_global_id(anna.pk)}"
        opened = _open(page, dashboard, path, theme=theme, locale=locale)
        frame = opened.frame
        frame.get_by_role("button", name=text["switch"]).click()
        dialog = frame.get_by_role("dialog")
        expect(dialog.get_by_label(text["plan"])).to_have_value(plan_global_id(deluxe.plan_id))
        dialog.get_by_role("button", name=text["preview"]).click()
        expect(dialog.locator("[data-preview]")).to_contain_text(text["due_now"])
        expect(dialog.locator("[data-preview]")).to_contain_text(text["next"])
        _shot(page, f"switch-preview-{locale}-{theme}")
        dialog.get_by_role("button", name=text["confirm_switch"]).click()
        expect(frame.get_by_role("dialog")).to_have_count(0)
        page.wait_for_function(
            "window.dashboardActions.some(a => a.type === 'notification' && a.payload.status === 'success')"
        )

        frame.locator(f"[data-invoice='{paid.number}'] [data-action=refund]").click()
        dialog = frame.get_by_role("dialog")
        dialog.get_by_label(text["amount"]).fill("10")
        dialog.get_by_label(text["how"]).select_option("CREDIT_NOTE")
        expect(dialog.locator("[data-preview]")).to_contain_text(text["left"])
        _shot(page, f"refund-preview-{locale}-{theme}")
        dialog.get_by_role("button", name=text["confirm"]).click()
        expect(frame.get_by_role("dialog")).to_have_count(0)
        page.wait_for_function(
            "window.dashboardActions.filter(a => a.type === 'notification' && a.payload.status === 'success')"
            ".length === 2"
        )
        return opened.actions("notification")

    notifications = browser.run(act)

    anna.refresh_from_db()
    assert anna.plan_version_id == deluxe.pk
    note = CreditNote.objects.get(installation=anna.installation, invoice=paid)
    assert (note.amount, note.refund_reference) == (Decimal("10.00"), "")
    assert [n["payload"]["status"] for n in notifications] == ["success", "success"]


@pytest.mark.parametrize(("locale", "theme"), BOTH)
def test_the_order_popup_opens_the_subscription_it_started_and_the_customer_popup_lists_their_billing(
    browser: Browser, dashboard: dict[str, Any], locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    anna, _ = _seed(dashboard)
    other = make_plan_version(dashboard["installation"], currency="USD", name="Tea", price=Decimal("9.00"))
    # neither of this order nor of this customer
    make_subscription(other, status="active", customer_email="bob@example.com")
    invoice(anna, "INV-0777", 5, status=Invoice.Status.OPEN)

    def popups(page: Any) -> None:
        shown = {"theme": theme, "locale": locale}
        opened = _open(page, dashboard, "/dashboard/order", params={"orderId": ORDER}, **shown)
        rows = opened.frame.locator("[data-page=order] tbody tr")
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(text["started"])
        _shot(page, f"order-popup-{locale}-{theme}")
        opened.frame.get_by_role("link", name=text["open"].format(number=anna.pk)).click()
        expect(opened.frame.get_by_role("heading", name=text["title"].format(number=anna.pk))).to_be_visible()
        opened.frame.locator("[data-action=back]").click()  # back to the order's list, not the shop's
        expect(rows).to_have_count(1)

        opened = _open(page, dashboard, "/dashboard/customer", params={"customerId": CUSTOMER}, **shown)
        expect(opened.frame.get_by_role("heading", name=text["customer_title"])).to_be_visible()
        expect(opened.frame.locator("[data-section=subscriptions] tbody tr")).to_have_count(1)
        invoices = opened.frame.locator("[data-section=invoices] tbody tr")
        expect(invoices).to_have_count(2)
        expect(opened.frame.locator("[data-invoice='INV-0777']")).to_be_visible()
        _shot(page, f"customer-popup-{locale}-{theme}")

    browser.run(popups)


def test_reopen_after_the_token_expired_returns_to_the_same_page(
    browser: Browser, dashboard: dict[str, Any]
) -> None:
    """On a subscription's page (an app page) Reopen goes to that subscription's path in the dashboard, not to
    the app's home page; in the order's popup, back to the order."""
    anna, _ = _seed(dashboard)
    path = f"/subscriptions/{subscription_global_id(anna.pk)}"

    def expire(page: Any) -> list[str]:
        found = []
        for app_path, params in ((f"/dashboard{path}", {}), ("/dashboard/order", {"orderId": ORDER})):
            tokens = [dashboard["token"](expires_in=2)]
            opened = _open(page, dashboard, app_path, tokens=tokens, params=params)
            expired = opened.frame.locator("[data-state=token-expired]")
            expect(expired).to_contain_text(PAGE_TEXTS["en"]["expired"], timeout=8000)
            _shot(page, f"reopen-{'order' if params else 'subscription'}-en-light")
            expired.get_by_role("button").click()
            page.wait_for_function("window.dashboardActions.some(a => a.type === 'redirect')")
            found += [r["payload"]["to"] for r in opened.actions("redirect")]
        return found

    redirects = browser.run(expire)

    app = quote(dashboard["app_id"], safe="")
    assert redirects == [f"/apps/{app}/app{path}", f"/orders/{quote(ORDER, safe='')}"]
