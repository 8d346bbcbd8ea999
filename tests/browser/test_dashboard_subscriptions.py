"""The subscriptions list and a subscription's page (dashboard_extension/, built) in Chromium, inside the test
dashboard (dashboard_host.py), against the app's API with subscriptions seeded by the test factories: the
list's tabs, figures and URL; a subscription's invoices, orders and events; a staff action confirmed in the
page and written by the API; in English and Dutch, each page checked with axe-core (WCAG 2.1 A and AA, and
best practices) and kept as a screenshot in tests/browser/artifacts/."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from tests.api.staff_world import invoice
from tests.browser.conftest import Browser
from tests.browser.dashboard_host import ARTIFACTS
from tests.browser.test_dashboard_pages import _open, built, dashboard
from tests.browser.test_portal import AXE, AXE_TAGS
from tests.factories import make_plan_version, make_subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app

__all__ = ["built", "dashboard", "fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

ORDER = "T3JkZXI6NDI="
TEXTS = {
    "en": {
        "past_due_tab": "Past due",
        "title": "Subscription #{number}",
        "open_invoice": "Open",
        "order": "Open order INV-0002 in the dashboard",
        "skip": "Skip next period",
        "confirm": "Confirm",
        "reason": "Reason (kept on the event)",
        "total": "3 subscriptions",
        "skipped": "Skipped periods:",
    },
    "nl": {
        "past_due_tab": "Achterstallig",
        "title": "Abonnement #{number}",
        "open_invoice": "Open",
        "order": "Bestelling INV-0002 openen in het dashboard",
        "skip": "Volgende periode overslaan",
        "confirm": "Bevestigen",
        "reason": "Reden (bewaard bij de gebeurtenis)",
        "total": "3 abonnementen",
        "skipped": "Overgeslagen periodes:",
    },
}


def _checked(page: Any, name: str) -> None:
    """axe-core finds no violation in the app's frame; then a screenshot is kept."""
    frame = next(f for f in page.frames if "/dashboard/" in f.url)
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


def _artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


def _seed(dashboard: dict[str, Any]) -> dict[str, Subscription]:
    installation = dashboard["installation"]
    version = make_plan_version(installation, currency="USD", name="Coffee monthly", price=Decimal("30.00"))
    people: dict[str, dict[str, Any]] = {
        "anna": {"status": "active"},
        "bob": {"status": "past_due", "past_due_since": date(2026, 11, 10), "quantity": 2},
        "cas": {"status": "cancelled", "cancelled_at": datetime(2026, 11, 1, 9, tzinfo=UTC)},
    }
    subs = {
        name: make_subscription(
            version,
            customer_email=f"{name}@example.com",
            billing_address={"firstName": name.title(), "lastName": "Jansen"},
            next_billing_at=None if name == "cas" else datetime(2026, 12, 16, 9, tzinfo=UTC),
            **fields,
        )
        for name, fields in people.items()
    }
    invoice(subs["bob"], "INV-0002", 0, status=Invoice.Status.OPEN, saleor_order_id=ORDER)
    SubscriptionEvent.objects.create(
        installation=installation,
        subscription=subs["bob"],
        at=datetime(2026, 11, 10, 9, tzinfo=UTC),
        actor_type="system",
        kind="payment_failed",
        from_status="active",
        to_status="past_due",
        reason="card_declined",
    )
    return subs


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_owner_finds_a_subscription_in_the_list_opens_it_and_skips_a_period(
    browser: Browser, dashboard: dict[str, Any], locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    subs = _seed(dashboard)
    bob, anna = subs["bob"], subs["anna"]

    def browse(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/subscriptions", theme=theme, locale=locale)
        rows = opened.frame.locator("[data-subscriptions] tbody tr")
        expect(rows).to_have_count(3)
        expect(opened.frame.locator("[data-total]")).to_have_text(text["total"])
        interactive_ms = opened.interactive_ms()
        expect(opened.frame.locator("[data-tab=PAST_DUE] [data-count]")).to_have_text("1")
        expect(opened.frame.locator("[data-tab=attention] [data-count]")).to_have_text("1")
        _checked(page, f"subscriptions-{locale}-{theme}")
        opened.frame.locator("[data-tab=PAST_DUE]").click()
        expect(rows).to_have_count(1)
        frame = next(f for f in page.frames if "/dashboard/" in f.url)
        list_url = frame.url
        opened.frame.get_by_role("link", name=f"#{bob.pk}").click()
        expect(opened.frame.get_by_role("heading", name=text["title"].format(number=bob.pk))).to_be_visible()
        invoices = opened.frame.locator("[data-section=invoices] tbody tr")
        expect(invoices).to_have_count(1)
        expect(invoices.first).to_have_attribute("data-status", "OPEN")
        expect(opened.frame.locator("[data-event=payment_failed]")).to_contain_text("card_declined")
        _checked(page, f"subscription-{locale}-{theme}")
        opened.frame.get_by_role("button", name=text["order"]).click()
        page.wait_for_function("window.dashboardActions.some(a => a.type === 'redirect')")
        frame.evaluate("history.back()")
        expect(rows).to_have_count(1)
        back_url = next(f for f in page.frames if "/dashboard/" in f.url).url

        opened.frame.locator("[data-tab=ACTIVE]").click()
        opened.frame.get_by_role("link", name=f"#{anna.pk}").click()
        opened.frame.get_by_role("button", name=text["skip"]).click()
        dialog = opened.frame.get_by_role("dialog")
        dialog.get_by_label(text["reason"]).fill("on holiday")
        dialog.get_by_role("button", name=text["confirm"]).click()
        expect(opened.frame.get_by_role("dialog")).to_have_count(0)
        expect(opened.frame.locator("[data-section=pending]")).to_contain_text(text["skipped"])
        page.wait_for_function(
            "window.dashboardActions.some(a => a.type === 'notification' && a.payload.status === 'success')"
        )
        return {
            "list_url": list_url,
            "back_url": back_url,
            "actions": opened.actions(),
            "interactive_ms": interactive_ms,
        }

    seen = browser.run(browse)
    print(f"\nsubscriptions list interactive in {seen['interactive_ms']:.0f} ms ({locale}, first page)")

    assert "tab=PAST_DUE" in seen["list_url"] and seen["back_url"] == seen["list_url"]
    redirects = [a["payload"]["to"] for a in seen["actions"] if a["type"] == "redirect"]
    assert redirects == [f"/orders/{ORDER.replace('=', '%3D')}"]
    routes = [a["payload"]["newRoute"] for a in seen["actions"] if a["type"] == "updateRouting"]
    assert "/subscriptions" in routes and any(r.startswith("/subscriptions/") for r in routes)
    anna.refresh_from_db()
    assert anna.skip_periods == [anna.current_period_index + 1]
    event = SubscriptionEvent.objects.filter(subscription=anna).latest("at")
    assert (event.actor_type, event.reason) == ("staff", "on holiday")
