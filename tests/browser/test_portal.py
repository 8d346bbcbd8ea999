"""The customer portal in Chromium, in English and Dutch: opened from its one-time link, every flow driven as
a customer would (labels, buttons, the keyboard), every page checked with axe-core (WCAG 2.1 A and AA, and
axe's best practices) and kept as a screenshot in tests/browser/artifacts/portal/ (gitignored).

axe-core's axe.min.js comes from the PyPI package axe-playwright-python (in the dev extras): no download at
test time. The outcome of each flow is read from the database afterwards (conftest.py says why)."""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.links import invoice_page_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.paypage.wording import words as pay_words
from saleor_subscriptions.portal.models import PortalFlow
from saleor_subscriptions.portal.sessions import FlowTarget, create_link
from saleor_subscriptions.portal.wording import words
from saleor_subscriptions.subscriptions.contacts import contact_url
from saleor_subscriptions.subscriptions.models import BillingContact, Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.browser.test_pay_pages import DUTCH_FIELDS, ENGLISH_FIELDS, VISA, _type_card
from tests.payments.stripe_webhooks.stripe_shop import ShopWithStripe
from tests.renewals.support import plan, reload

pytestmark = pytest.mark.django_db(transaction=True)

ANNA = "VXNlcjox"
ARTIFACTS = Path(os.environ.get("BROWSER_ARTIFACTS", Path(__file__).with_name("artifacts"))) / "portal"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = ["en", "nl"]


def _axe_source() -> str:
    spec = importlib.util.find_spec("axe_playwright_python")
    assert spec is not None and spec.origin, "the dev extras install axe-playwright-python (axe-core)"
    return Path(spec.origin).with_name("axe.min.js").read_text()


AXE = _axe_source()


def checked(page: Page, name: str) -> None:
    """axe-core finds no violation on the page; then a screenshot is kept."""
    page.add_script_tag(content=AXE)
    found = page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
            return result.violations.map(v => v.id + ": " + v.nodes.map(n => n.target.join(" ")).join(", "));
        }""",
        AXE_TAGS,
    )
    assert found == [], f"{name}: axe-core found {found}"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def _customer(
    shop: ShopWithStripe, language: str, card: str | None = "pm_card_visa", **terms: Any
) -> Subscription:
    Installation.objects.filter(pk=shop.installation.pk).update(language=language)
    subscription = shop.subscriber(card)
    if terms:
        PlanVersion.objects.filter(pk=subscription.plan_version_id).update(**terms)
    Subscription.objects.filter(pk=subscription.pk).update(customer_user_id=ANNA)
    return reload(subscription)


def _shop(app_url: str) -> str:
    """The storefront page "Back to the shop" leads to (on this machine: the browser reaches nothing else)."""
    return f"{app_url}/health/"


def _entry(shop: ShopWithStripe, app_url: str, target: FlowTarget | None = None) -> str:
    installation = Installation.objects.get(pk=shop.installation.pk)
    url = create_link(
        installation,
        user_id=ANNA,
        email="piet@example.com",
        return_url=_shop(app_url),
        target=target or FlowTarget(),
    )
    return app_url + urlsplit(url).path


@pytest.fixture
def portal_url(app_url: str, settings: Any) -> str:
    settings.APP_URL = app_url  # the links the portal hands out lead to this live server
    return app_url


@pytest.mark.parametrize("language", LANGUAGES)
def test_cancel_with_a_reason_and_undo_by_keyboard(browser, portal_url, stripe_shop, language):
    subscription = _customer(stripe_shop, language)
    entry = _entry(stripe_shop, portal_url)
    t = words(language)

    def manage(page: Page) -> None:
        page.goto(entry)
        expect(page.get_by_role("heading", level=1)).to_have_text(t["subscriptions"])
        expect(page.get_by_role("link", name=t["back_to_shop"])).to_have_attribute("href", _shop(portal_url))
        checked(page, f"{language}-overview")
        page.get_by_role("link", name=t["manage"].format(plan="Standard monthly")).click()
        checked(page, f"{language}-subscription")
        page.get_by_label(t["cancel_reason"]).fill("Too much coffee")
        page.get_by_role("button", name=t["cancel_button"]).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text(t["done"])
        checked(page, f"{language}-cancel-pending")
        page.get_by_role("button", name=t["undo_button"]).click()
        expect(page.get_by_role("button", name=t["cancel_button"])).to_be_visible()

    browser.run(manage)

    kinds = list(reload(subscription).events.values_list("kind", "actor_type", "reason"))
    assert kinds[-2:] == [
        ("cancel_at_period_end", "customer", "Too much coffee"),
        ("undo_cancel", "customer", ""),
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_deep_link_changes_the_plan_after_a_preview(browser, portal_url, stripe_shop, language):
    subscription = _customer(stripe_shop, language)
    dearer = plan(stripe_shop.installation, "45.00", name="Deluxe monthly")
    target = FlowTarget(PortalFlow.SUBSCRIPTION_UPDATE, subscription.pk)
    entry = _entry(stripe_shop, portal_url, target)
    t = words(language)

    def switch(page: Page) -> str:
        page.goto(entry)
        expect(page.get_by_label(t["switch_plan"])).to_be_focused()  # the deep link lands on the form
        page.get_by_label(t["switch_plan"]).select_option(label="Deluxe monthly")
        page.get_by_role("button", name=t["switch_preview_button"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t["preview_title"].format(plan="Deluxe monthly")
        )
        checked(page, f"{language}-switch-preview")
        due = page.locator("#amount-due-now").inner_text()
        page.get_by_role("button", name=t["confirm_button"]).click()
        expect(page.get_by_role("status")).to_have_text(t["done"])
        return due

    due = browser.run(switch)

    assert due  # the page showed what is charged today (the amounts: tests/portal/test_actions.py)
    assert reload(subscription).plan_version_id == dearer.pk


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_open_invoice_is_paid_on_the_pay_page_and_the_customer_comes_back(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, "pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)  # declined: open, with its pay link
    entry = _entry(stripe_shop, portal_url)
    t, pay_t = words(language), pay_words(language)

    def pay(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["invoices"]).click()
        checked(page, f"{language}-invoices-unpaid")
        expect(page.get_by_role("row", name=invoice.number)).to_contain_text(t["unpaid"])
        page.get_by_role("button", name=t["pay"].format(number=invoice.number)).click()
        page.get_by_label(pay_t["pay_other"]).check()
        _type_card(page, VISA, ENGLISH_FIELDS if language == "en" else DUTCH_FIELDS)
        page.locator("#pay-button").click()
        expect(page.locator("#message")).to_have_attribute("data-code", "paid")
        page.get_by_role("link", name=pay_t["back"]).click()
        expect(page.get_by_role("row", name=invoice.number)).to_contain_text(
            t["paid_on"].split("{")[0].strip()
        )
        checked(page, f"{language}-invoices-paid")

    browser.run(pay)

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_payment_method_is_replaced_on_the_card_page_and_the_customer_comes_back(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language)
    before = stripe_shop.customer(subscription).default_payment_method_id
    entry = _entry(stripe_shop, portal_url)
    t, pay_t = words(language), pay_words(language)

    def replace(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["payment_method"]).click()
        expect(page.locator(".method")).to_have_text(t["method_card"])
        checked(page, f"{language}-payment-method")
        page.get_by_role("button", name=t["update_method"].format(plan="Standard monthly")).click()
        _type_card(page, VISA, ENGLISH_FIELDS if language == "en" else DUTCH_FIELDS)
        page.get_by_role("button", name=pay_t["method_button"]).click()
        expect(page.locator("#message")).to_have_attribute("data-code", "saved")
        page.get_by_role("link", name=pay_t["back"]).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(t["payment_method"])

    browser.run(replace)

    assert stripe_shop.customer(subscription).default_payment_method_id != before


@pytest.mark.parametrize("language", LANGUAGES)
def test_pause_skip_resume_and_quantity_and_the_session_ends_on_sign_out(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, customer_can_pause=True)
    entry = _entry(stripe_shop, portal_url)
    t = words(language)

    def manage(page: Page) -> str:
        page.goto(entry)
        page.get_by_role("link", name=t["manage"].format(plan="Standard monthly")).click()
        page.get_by_role("button", name=t["skip_button"]).click()
        expect(page.get_by_role("status")).to_have_text(t["done"])
        page.get_by_role("button", name=t["pause_button"]).click()
        checked(page, f"{language}-paused")
        page.set_viewport_size({"width": 360, "height": 740})  # a phone: nothing wider than the screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        checked(page, f"{language}-paused-phone")
        page.get_by_role("button", name=t["resume_button"]).click()
        page.get_by_label(t["quantity"], exact=True).fill("3")
        page.get_by_role("button", name=t["quantity_button"]).click()
        expect(page.get_by_role("status")).to_have_text(t["done"])
        page.get_by_role("button", name=t["sign_out"]).click()
        page.wait_for_url(_shop(portal_url))
        return page.url

    landed = browser.run(manage)

    assert landed == _shop(portal_url)
    after = reload(subscription)
    assert (after.status, after.quantity) == ("active", 3)
    assert [e for e in after.events.values_list("kind", flat=True)][-4:] == [
        "skip",
        "pause",
        "resume",
        "change_quantity",
    ]


def test_a_used_link_shows_why_in_an_accessible_page(browser, portal_url, stripe_shop):
    _customer(stripe_shop, "en")
    entry = _entry(stripe_shop, portal_url)

    def twice(page: Page) -> None:
        page.goto(entry)
        page.context.clear_cookies()
        page.goto(entry)
        expect(page.locator("#message")).to_have_text(words("en")["link_used"])
        checked(page, "en-link-used")

    browser.run(twice)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_billing_contact_pays_through_their_own_link_until_removed(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, "pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)  # declined: open
    t, pay_t = words(language), pay_words(language)
    entry = _entry(stripe_shop, portal_url)

    def add(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["contacts"]).click()
        checked(page, f"{language}-contacts-none")
        page.get_by_label(t["contact_email"]).fill("accountant@example.com")
        page.get_by_role("button", name=t["contact_add"]).click()
        expect(page.get_by_role("status")).to_have_text(t["contact_added_done"])
        checked(page, f"{language}-contacts-one")

    browser.run(add)
    contact = BillingContact.objects.get(removed_at__isnull=True)
    link = portal_url + urlsplit(contact_url(contact)).path

    def pay(page: Page) -> None:
        page.goto(link)
        checked(page, f"{language}-contact-invoices")
        expect(page.get_by_role("button", name=t["sign_out"])).to_have_count(0)
        page.get_by_role("button", name=t["pay"].format(number=invoice.number)).click()
        expect(page.get_by_label(pay_t["make_default"])).to_have_count(0)
        _type_card(page, VISA, ENGLISH_FIELDS if language == "en" else DUTCH_FIELDS)
        page.locator("#pay-button").click()
        expect(page.locator("#message")).to_have_attribute("data-code", "paid")
        page.get_by_role("link", name=pay_t["back"]).click()
        expect(page.get_by_role("row", name=invoice.number)).to_contain_text(
            t["paid_on"].split("{")[0].strip()
        )

    browser.run(pay)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    entry = _entry(stripe_shop, portal_url)

    def remove(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["contacts"]).click()
        page.get_by_role("button", name=t["contact_remove"].format(email="accountant@example.com")).click()
        expect(page.get_by_role("status")).to_have_text(t["contact_removed_done"])
        page.goto(link)
        expect(page.locator("#message")).to_be_visible()
        checked(page, f"{language}-contact-link-ended")

    browser.run(remove)
    assert BillingContact.objects.get(pk=contact.pk).removed_at is not None


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_guest_asks_for_a_sign_in_link_and_opens_it(browser, portal_url, stripe_shop, language):
    subscription = _customer(stripe_shop, language)
    Subscription.objects.filter(pk=subscription.pk).update(
        customer_user_id="", customer_email="guest@example.com"
    )
    t = words(language)
    sign_in = f"{portal_url}/portal/guest/{stripe_shop.installation.pk}/?return_url={_shop(portal_url)}"

    def ask(page: Page) -> None:
        page.goto(sign_in)
        checked(page, f"{language}-guest-sign-in")
        page.get_by_label(t["guest_email"]).fill("guest@example.com")
        page.get_by_role("button", name=t["guest_send"]).click()
        expect(page.get_by_role("status")).to_have_text(t["guest_sent"].format(email="guest@example.com"))
        checked(page, f"{language}-guest-sent")

    browser.run(ask)
    [email] = OutgoingEmail.objects.filter(kind="portal_sign_in", to_email="guest@example.com")
    entry = portal_url + urlsplit(re.findall(r"http\S+/portal/enter/\S+/", email.text_body)[0]).path

    def enter(page: Page) -> None:
        page.goto(entry)
        expect(page.get_by_role("heading", level=1)).to_have_text(t["subscriptions"])
        expect(page.get_by_role("link", name=t["manage"].format(plan="Standard monthly"))).to_be_visible()
        expect(page.get_by_role("link", name=t["back_to_shop"])).to_have_attribute("href", _shop(portal_url))
        checked(page, f"{language}-guest-overview")

    browser.run(enter)


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_subscription_cancelled_for_nonpayment_comes_back_when_its_invoice_is_paid(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, "pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)  # declined: open
    now = Installation.objects.get(pk=stripe_shop.installation.pk).now()
    Subscription.objects.filter(pk=subscription.pk).update(
        status="cancelled", cancel_reason="nonpayment", cancelled_at=now, ended_at=now, next_billing_at=None
    )
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.UNCOLLECTIBLE)
    entry = _entry(stripe_shop, portal_url)
    t, pay_t = words(language), pay_words(language)

    def come_back(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["manage"].format(plan="Standard monthly")).click()
        expect(page.get_by_role("heading", name=t["reactivate_title"])).to_be_visible()
        checked(page, f"{language}-reactivate")
        page.get_by_role("button", name=t["reactivate_button"].format(number=invoice.number)).click()
        page.get_by_label(pay_t["pay_other"]).check()
        _type_card(page, VISA, ENGLISH_FIELDS if language == "en" else DUTCH_FIELDS)
        page.locator("#pay-button").click()
        expect(page.locator("#message")).to_have_attribute("data-code", "paid")
        page.get_by_role("link", name=pay_t["back"]).click()
        expect(page.locator(".status")).to_have_attribute("data-status", "active")
        checked(page, f"{language}-reactivated")

    browser.run(come_back)

    after = reload(subscription)
    assert after.status == "active"
    assert after.events.filter(kind="reactivate", actor_type="customer").exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_delivery_address_is_changed_and_a_bad_one_refused(browser, portal_url, stripe_shop, language):
    subscription = _customer(stripe_shop, language)
    home = {"firstName": "Anna", "lastName": "de Vries", "streetAddress1": "Keizersgracht 1"}
    home |= {"postalCode": "1015 CJ", "city": "Amsterdam", "country": "NL"}
    Subscription.objects.filter(pk=subscription.pk).update(shipping_address=home)
    entry = _entry(stripe_shop, portal_url)
    t = words(language)

    def move(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["manage"].format(plan="Standard monthly")).click()
        page.get_by_role("link", name=t["address_link"]).click()
        checked(page, f"{language}-address")
        page.get_by_label(t["address_postalCode"]).fill("12")
        page.get_by_role("button", name=t["address_save"]).click()
        expect(page.get_by_role("alert")).to_contain_text(t["address_postalCode"])
        checked(page, f"{language}-address-refused")
        page.get_by_label(t["address_postalCode"]).fill("3511 AB")
        page.get_by_label(t["address_city"]).fill("Utrecht")
        page.get_by_role("button", name=t["address_save"]).click()
        expect(page.get_by_role("status")).to_have_text(t["done"])

    browser.run(move)

    assert reload(subscription).shipping_address == {**home, "postalCode": "3511 AB", "city": "Utrecht"}


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_payment_emails_link_opens_the_invoice_in_the_portal_and_pays_it(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, "pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)  # declined: open
    link = portal_url + urlsplit(invoice_page_url(invoice)).path
    t, pay_t = words(language), pay_words(language)

    def pay(page: Page) -> None:
        page.goto(link)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            t["invoice_title"].format(number=invoice.number)
        )
        checked(page, f"{language}-invoice-page-unpaid")
        page.get_by_role("button", name=t["pay"].format(number=invoice.number)).click()
        page.get_by_label(pay_t["pay_other"]).check()
        _type_card(page, VISA, ENGLISH_FIELDS if language == "en" else DUTCH_FIELDS)
        page.locator("#pay-button").click()
        expect(page.locator("#message")).to_have_attribute("data-code", "paid")
        page.get_by_role("link", name=pay_t["back"]).click()
        expect(page.locator(".status")).to_contain_text(t["paid_on"].split("{")[0].strip())
        checked(page, f"{language}-invoice-page-paid")

    browser.run(pay)

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
