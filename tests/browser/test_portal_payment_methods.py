"""Bank methods and the choice among saved methods in Chromium, in English and Dutch, from the portal: an
open invoice paid by iDEAL at the (fake) bank, leaving a SEPA mandate that becomes the default; a SEPA
account saved on the page that saves a method, then the customer choosing the default among the saved
methods and removing one. Every page of the app is checked with axe-core and kept as a screenshot
(test_portal.py's `checked`); the fake bank's page is Stripe's, not the app's, and is not checked."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.paypage.wording import words as pay_words
from saleor_subscriptions.portal.wording import words
from tests.browser.test_portal import LANGUAGES, _customer, _entry, checked, portal_url

__all__ = ["portal_url"]

pytestmark = pytest.mark.django_db(transaction=True)


def _fill_holder(page: Page, language: str) -> None:
    pay_t = pay_words(language)
    page.get_by_label(pay_t["field_holder_name"]).fill("Piet Jansen")
    page.get_by_label(pay_t["field_holder_email"]).fill("piet@example.com")


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_open_invoice_paid_by_ideal_leaves_a_sepa_mandate_for_the_renewals(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language, "pm_card_chargeCustomerFail")
    invoice = stripe_shop.renew(subscription)
    entry = _entry(stripe_shop, portal_url)
    t, pay_t = words(language), pay_words(language)

    def pay(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["invoices"]).click()
        page.get_by_role("button", name=t["pay"].format(number=invoice.number)).click()
        expect(page.get_by_role("heading", level=2, name=pay_t["bank_title"])).to_be_visible()
        checked(page, f"{language}-pay-page-with-bank-methods")
        page.get_by_role("radio", name=pay_t["bank_ideal"]).check()
        _fill_holder(page, language)
        page.get_by_label(pay_t["bank_make_default"]).check()
        page.locator("input[name=mandate]").check()
        page.locator("#bank-button").click()
        # At the bank (the fake's version of Stripe's test page), then back to the app.
        page.get_by_role("button", name="Authorize test payment").click()
        expect(page.locator("#message")).to_have_attribute("data-code", "paid")
        checked(page, f"{language}-paid-by-ideal")

    browser.run(pay)

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    customer = stripe_shop.customer(subscription)
    generated = stripe_shop.fake.get(customer.default_payment_method_id)
    assert generated["type"] == "sepa_debit" and generated["sepa_debit"]["generated_from"]["charge"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_sepa_account_is_saved_then_the_customer_chooses_the_default_and_removes_one(
    browser, portal_url, stripe_shop, language
):
    subscription = _customer(stripe_shop, language)
    visa = stripe_shop.customer(subscription).default_payment_method_id
    entry = _entry(stripe_shop, portal_url)
    t, pay_t = words(language), pay_words(language)
    sepa_label = "SEPA Direct Debit •••• 3000" if language == "en" else "SEPA-incasso •••• 3000"
    visa_label = "Visa •••• 4242"

    def choose(page: Page) -> None:
        page.goto(entry)
        page.get_by_role("link", name=t["payment_method"]).click()
        page.get_by_role("button", name=t["update_method"].format(plan="Standard monthly")).click()
        checked(page, f"{language}-method-page-with-bank-methods")
        page.get_by_role("radio", name=pay_t["bank_sepa_debit"]).check()
        _fill_holder(page, language)
        page.get_by_label(pay_t["field_iban"]).fill("DE89 3704 0044 0532 0130 00")
        page.locator("input[name=mandate]").check()
        page.get_by_role("button", name=pay_t["bank_save_button"]).click()
        expect(page.locator("#message")).to_have_attribute("data-code", "saved")
        page.get_by_role("link", name=pay_t["back"]).click()

        saved = page.locator(".saved-method")
        expect(saved).to_have_count(2)
        expect(saved.first).to_contain_text(sepa_label)  # the new account is the default, listed first
        expect(saved.first).to_contain_text(t["method_default"])
        checked(page, f"{language}-saved-methods")

        page.get_by_role("button", name=t["method_make_default"].format(method=visa_label)).click()
        expect(page.get_by_role("status")).to_have_text(t["method_done_default"])
        expect(saved.first).to_contain_text(visa_label)
        page.get_by_role("button", name=t["method_remove"].format(method=sepa_label)).focus()
        page.keyboard.press("Enter")
        expect(page.get_by_role("status")).to_have_text(t["method_done_removed"])
        expect(saved).to_have_count(1)
        expect(page.get_by_role("button", name=t["method_remove"].format(method=visa_label))).to_have_count(0)
        checked(page, f"{language}-saved-methods-after-removal")

    browser.run(choose)

    customer = stripe_shop.customer(subscription)
    assert customer.default_payment_method_id == visa
    sepa = [pm for pm in stripe_shop.fake.objects("payment_method") if pm["type"] == "sepa_debit"]
    assert [pm["customer"] for pm in sepa] == [None]  # removed: detached at Stripe
