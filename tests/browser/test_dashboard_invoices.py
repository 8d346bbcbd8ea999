"""The invoice pages and the reports (dashboard_extension/, built) in Chromium, inside the test dashboard
(dashboard_host.py), against the app's API and the fake Stripe over HTTP: the list's needs-attention tab, an
invoice marked paid by bank transfer; a paid invoice's refund previewed, then sent as money back at the fake
Stripe; the reports of docs/reports.md's worked example with their charts and figures. In English (light) and
Dutch (dark), each page checked with axe-core and kept as a screenshot in tests/browser/artifacts/. Prints the
JavaScript each page loads (gzipped)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

import pytest
from playwright.sync_api import expect

from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import stripe_customer_for
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.api.staff_world import invoice
from tests.api.test_subscription_report import worked_example
from tests.browser.conftest import Browser
from tests.browser.dashboard_host import ARTIFACTS
from tests.browser.test_dashboard_pages import _open, built, dashboard
from tests.browser.test_portal import AXE, AXE_TAGS
from tests.factories import make_plan_version, make_subscription
from tests.fakes.saleor.fixtures import fake_saleor, fake_shop, installed_app, stub_app
from tests.fakes.stripe import FakeStripe

__all__ = ["built", "dashboard", "fake_saleor", "fake_shop", "installed_app", "stub_app"]

pytestmark = pytest.mark.django_db(transaction=True)

TEXTS = {
    "en": {
        "attention": "Needs attention",
        "paid_tab": "Paid",
        "failed": "Payment failed",
        "mark_paid": "Mark paid",
        "reference": "Bank reference",
        "paid_on": "Paid on",
        "confirm": "Confirm",
        "refund": "Refund",
        "amount": "Amount (EUR)",
        "send_refund": "Refund 12.50 EUR",
        "nav_reports": "Reports",
        "mrr": "MRR",
    },
    "nl": {
        "attention": "Vraagt aandacht",
        "paid_tab": "Betaald",
        "failed": "Betaling mislukt",
        "mark_paid": "Als betaald markeren",
        "reference": "Bankreferentie",
        "paid_on": "Betaald op",
        "confirm": "Bevestigen",
        "refund": "Terugbetalen",
        "amount": "Bedrag (EUR)",
        "send_refund": "12.50 EUR terugbetalen",
        "nav_reports": "Rapporten",
        "mrr": "MRR",
    },
}


def _checked(page: Any, name: str) -> None:
    """axe-core finds no violation in the app's frame (each named with its elements' HTML); then a screenshot
    is kept."""
    frame = next(f for f in page.frames if "/dashboard/" in f.url)
    frame.add_script_tag(content=AXE)
    found = frame.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.html).join(", "));
        }""",
        AXE_TAGS,
    )
    assert found == [], f"{name}: axe-core found {found}"
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _seed(dashboard: dict[str, Any], fake: FakeStripe) -> tuple[Invoice, Invoice]:
    """An open invoice whose charge was declined (bob), and a paid 30.00 EUR invoice a card paid through the
    fake Stripe (anna)."""
    installation = dashboard["installation"]
    version = make_plan_version(installation, name="Coffee monthly", price=Decimal("30.00"))
    anna, bob = (
        make_subscription(
            version,
            customer_email=f"{name}@example.com",
            billing_address={"firstName": name.title(), "lastName": "Jansen"},
            next_billing_at=datetime(2026, 12, 16, 9, tzinfo=UTC),
            **fields,
        )
        for name, fields in (
            ("anna", {"status": "active"}),
            ("bob", {"status": "past_due", "past_due_since": date(2026, 11, 10)}),
        )
    )
    owed = invoice(bob, "INV-0002", 0, status=Invoice.Status.OPEN)
    PaymentAttempt.objects.create(
        installation=installation,
        invoice=owed,
        number=1,
        idempotency_key=f"invoice-{owed.pk}-attempt-1",
        amount=owed.total,
        currency="EUR",
        status="declined",
        decline_code="insufficient_funds",
    )
    account = connect_stripe(installation, "", StripeKeys(fake.secret_key, fake.publishable_key, ""))
    customer = stripe_customer_for(account, anna.customer_key, email=anna.customer_email)
    intent = fake.client(max_network_retries=0).v1.payment_intents.create(
        params={
            "amount": 3000,
            "currency": "eur",
            "customer": customer.stripe_customer_id,
            "payment_method": "pm_card_visa",
            "confirm": True,
            "off_session": True,
        }
    )
    paid_at = datetime(2026, 11, 1, tzinfo=UTC)
    paid = invoice(anna, "INV-0001", 0, amount_paid=Decimal("30.00"), paid_at=paid_at)
    PaymentAttempt.objects.create(
        installation=installation,
        invoice=paid,
        number=1,
        idempotency_key=f"invoice-{paid.pk}-attempt-1",
        amount=paid.total,
        currency="EUR",
        status="succeeded",
        reference=intent.id,
    )
    return owed, paid


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_owner_marks_a_failed_invoice_paid_and_refunds_part_of_a_paid_one(
    browser: Browser, dashboard: dict[str, Any], stripe_settings: FakeStripe, locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    owed, paid = _seed(dashboard, stripe_settings)

    def browse(page: Any) -> dict[str, Any]:
        opened = _open(page, dashboard, "/dashboard/invoices", theme=theme, locale=locale)
        rows = opened.frame.locator("[data-invoices] tbody tr")
        expect(rows).to_have_count(2)
        interactive_ms = opened.interactive_ms()
        js = sum(opened.js_bytes_gzipped)
        _checked(page, f"invoices-{locale}-{theme}")
        opened.frame.get_by_role("button", name=text["attention"]).click()
        expect(rows).to_have_count(1)
        expect(rows.first).to_contain_text(text["failed"])
        opened.frame.get_by_role("link", name="INV-0002").click()
        expect(opened.frame.locator("[data-payment=declined]")).to_contain_text("insufficient_funds")
        _checked(page, f"invoice-{locale}-{theme}")
        opened.frame.get_by_role("button", name=text["mark_paid"]).click()
        dialog = opened.frame.get_by_role("dialog")
        dialog.get_by_label(text["reference"]).fill("NL-BANK-77")
        dialog.get_by_label(text["paid_on"]).fill("2026-11-15")
        dialog.get_by_role("button", name=text["confirm"]).click()
        expect(opened.frame.get_by_role("dialog")).to_have_count(0)
        expect(opened.frame.locator("[data-header] [data-status]")).to_have_attribute("data-status", "PAID")

        opened.frame.locator("[data-action=back]").click()
        opened.frame.locator("[data-tab=PAID]").click()
        opened.frame.get_by_role("link", name="INV-0001").click()
        opened.frame.get_by_role("button", name=text["refund"]).click()
        dialog = opened.frame.get_by_role("dialog")
        preview = dialog.locator("[data-refund-preview=ok]")
        expect(preview.locator("[data-preview=moneyBack]")).to_have_text("30.00 EUR")
        dialog.get_by_label(text["amount"]).fill("12.50")
        expect(preview.locator("[data-preview=moneyBack]")).to_have_text("12.50 EUR")
        expect(preview.locator("[data-preview=creditAdded]")).to_have_text("0.00 EUR")
        expect(preview.locator("[data-preview=leftAfter]")).to_have_text("17.50 EUR")
        _checked(page, f"invoice-refund-preview-{locale}-{theme}")
        dialog.get_by_role("button", name=text["send_refund"]).click()
        expect(opened.frame.get_by_role("dialog")).to_have_count(0)
        expect(opened.frame.locator("[data-section=credit-notes] tbody tr")).to_have_count(1)
        expect(opened.frame.locator("[data-figure=refundable]")).to_have_text("17.50 EUR")
        page.wait_for_function(
            "window.dashboardActions.filter(a => a.type === 'notification' && a.payload.status === 'success')"
            ".length >= 2"
        )
        return {"actions": opened.actions(), "interactive_ms": interactive_ms, "js": js}

    seen = browser.run(browse)
    print(
        f"\ninvoices list: initial JavaScript {seen['js'] / 1024:.1f} KB gzipped, "
        f"interactive in {seen['interactive_ms']:.0f} ms ({locale})"
    )

    owed.refresh_from_db()
    assert owed.status == Invoice.Status.PAID and owed.paid_at is not None
    assert owed.paid_at.date() == date(2026, 11, 15)
    marked = SubscriptionEvent.objects.get(subscription=owed.subscription, kind="invoice_marked_paid")
    assert marked.actor_type == "staff"
    [note] = CreditNote.objects.filter(invoice=paid)
    [refund] = stripe_settings.objects("refund")
    assert (note.amount, note.refund_reference) == (Decimal("12.50"), refund["id"])
    assert refund["amount"] == 1250
    errors = [a for a in seen["actions"] if a["type"] == "notification" and a["payload"]["status"] == "error"]
    assert errors == []
    routes = [a["payload"]["newRoute"] for a in seen["actions"] if a["type"] == "updateRouting"]
    assert "/invoices" in routes and any(r.startswith("/invoices/") for r in routes)


@pytest.mark.parametrize(("locale", "theme"), [("en", "light"), ("nl", "dark")])
def test_the_reports_show_the_worked_examples_figures_beside_their_charts(
    browser: Browser, dashboard: dict[str, Any], locale: str, theme: str
) -> None:
    text = TEXTS[locale]
    worked_example(SimpleNamespace(installation=dashboard["installation"]))  # type: ignore[arg-type]

    def browse(page: Any) -> dict[str, Any]:
        opened = _open(
            page,
            dashboard,
            "/dashboard/subscriptions",
            theme=theme,
            locale=locale,
        )
        opened.frame.get_by_role("link", name=text["nav_reports"]).click()
        # The tab bar lands on the first currency of the shop's channels (USD: none of the example's).
        expect(opened.frame.locator("[data-headline-figure=mrr]")).to_have_text("0.00 USD")
        opened = _open(
            page,
            dashboard,
            "/dashboard/reports",
            theme=theme,
            locale=locale,
            params={"scope": "currency:EUR", "from": "2027-01-01", "to": "2027-04-30"},
        )
        mrr_rows = opened.frame.locator("[data-section=mrr] [data-figures] tbody tr")
        expect(mrr_rows).to_have_count(4)
        interactive_ms = opened.interactive_ms()
        expect(opened.frame.locator("[data-section=mrr] .recharts-wrapper > svg")).to_have_count(1)
        expect(opened.frame.locator("[data-section=plans] .recharts-wrapper > svg")).to_have_count(1)
        def texts(section: str, figure: str) -> list[str]:
            found: list[str] = opened.frame.locator(
                f"[data-section={section}] [data-figure={figure}]"
            ).all_inner_texts()
            return found

        figures = {
            "mrr": texts("mrr", "mrr"),
            "arr": texts("mrr", "arr"),
            "churn_nonpayment": texts("movements", "churnNonpayment"),
            "reactivation": texts("movements", "reactivation"),
            "active": texts("subscriptions", "active"),
            "churn_rate": texts("subscriptions", "churnRate"),
            "recovery_rate": texts("recovery", "recoveryRate"),
            "upcoming": texts("upcoming", "total"),
            "plans": texts("plans", "amount"),
            "headline_mrr": opened.frame.locator("[data-headline-figure=mrr]").inner_text(),
        }
        _checked(page, f"reports-{locale}-{theme}")
        return {"figures": figures, "interactive_ms": interactive_ms, "js": opened.js_bytes_gzipped}

    seen = browser.run(browse)
    print(
        f"\nreports: JavaScript {sum(seen['js']) / 1024:.1f} KB gzipped in {len(seen['js'])} files "
        f"(charts included), interactive in {seen['interactive_ms']:.0f} ms ({locale})"
    )

    figures = seen["figures"]
    assert figures["mrr"] == ["89.25", "162.58", "119.25", "72.58"]
    assert figures["arr"] == ["1071.00", "1951.00", "1431.00", "871.00"]
    assert figures["churn_nonpayment"] == ["0.00", "0.00", "-30.00", "0.00"]
    assert figures["reactivation"] == ["0.00", "0.00", "0.00", "43.33"]
    assert figures["active"] == ["2", "4", "2", "2"]
    assert figures["churn_rate"][2:] == ["50.0%", "50.0%"]
    assert figures["recovery_rate"][2:] == ["0.0%", "100.0%"]
    assert figures["upcoming"] == ["40.00", "90.00", "130.00"]
    assert figures["plans"] == ["351.00", "300.00", "90.00", "30.00"]
    assert figures["headline_mrr"] == "72.58 EUR"
