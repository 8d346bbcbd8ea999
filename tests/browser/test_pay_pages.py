"""The pay page and the payment-method page in Chromium: their JavaScript with (a fake) Stripe.js against the
fake Stripe, the customer typing a card into the Card Element and answering the bank's 3-D Secure challenge,
the page reporting back to the app; the outcome read from the database and the fake Stripe.

Each test drives the browser in a function of the page (`browser.run`, the browser's own thread) and checks
the database afterwards in the test's thread (conftest.py says why)."""

from __future__ import annotations

import re
from decimal import Decimal
from typing import Any, cast

import pytest
from playwright.sync_api import FrameLocator, Page, expect
from stripe.params import PaymentMethodCreateParams

from saleor_subscriptions.invoicing.links import pay_url, payment_method_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.customers import remember_payment_method
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.payments.stripe_webhooks.stripe_shop import APP_URL, ShopWithStripe, attempts, renewal_invoice
from tests.renewals.support import at, reload

pytestmark = pytest.mark.django_db(transaction=True)

VISA_3DS_UNLESS_SET_UP = "4000 0025 0000 3155"
VISA = "4242 4242 4242 4242"
DECLINED = "4000 0000 0000 0002"


def _path(url: str) -> str:
    assert url.startswith(APP_URL)
    return url.removeprefix(APP_URL)


def _card(page: Page) -> FrameLocator:
    return page.frame_locator("#card-element iframe")


ENGLISH_FIELDS = ("Card number", "MM / YY", "CVC")  # the Card Element's placeholders
DUTCH_FIELDS = ("Kaartnummer", "MM / JJ", "CVC")


def _type_card(page: Page, number: str, fields: tuple[str, str, str] = ENGLISH_FIELDS) -> None:
    card = _card(page)
    for placeholder, value in zip(fields, (number, "12 / 34", "123"), strict=True):
        card.get_by_placeholder(placeholder).fill(value)


def _answer_3ds(page: Page, button: str) -> None:
    page.frame_locator("iframe[name=stripe-challenge-frame]").get_by_role("button", name=button).click()
    expect(page.locator("[data-fake-stripe='3ds']")).to_have_count(0)


def _finished(page: Page, code: str) -> dict[str, Any]:
    message = page.locator("#message")
    expect(message).to_have_attribute("data-code", code)
    return {"title": page.locator("h1").inner_text(), "message": message.inner_text(), "url": page.url}


def _declined_renewal(shop: ShopWithStripe, card: str | None) -> tuple[Subscription, Invoice, str]:
    subscription = shop.subscriber(card)
    invoice = shop.renew(subscription)
    assert reload(subscription).status == "past_due"
    return subscription, invoice, _path(pay_url(invoice))


def _renewal_needing_3ds(shop: ShopWithStripe) -> tuple[Subscription, Invoice, str]:
    """A renewal declined `authentication_required`: the customer's saved card is 4000 0025 0000 3155,
    attached but never set up for off-session use (a card saved on-session, e.g. by an earlier integration),
    so the bank wants the customer for the off-session charge."""
    subscription = shop.subscriber(None)
    customer = shop.customer(subscription)
    number = VISA_3DS_UNLESS_SET_UP.replace(" ", "")
    params = {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2034, "cvc": "123"}}
    method = shop.client.v1.payment_methods.create(params=cast(PaymentMethodCreateParams, params))
    shop.client.v1.payment_methods.attach(method.id, params={"customer": customer.stripe_customer_id})
    remember_payment_method(shop.installation.pk, customer.stripe_customer_id, method.id, "card")
    invoice = shop.renew(subscription)
    assert attempts(invoice) == [(1, "requires_action", "authentication_required")]
    return subscription, invoice, _path(pay_url(invoice))


def _browser_confirmations(shop: ShopWithStripe, path: str) -> list[Any]:
    """The confirmations Stripe.js sent: with the publishable key, as from a browser."""
    sent = shop.fake.requests("POST", path)
    assert sent and all(r.secret_key == shop.account.publishable_key for r in sent), sent
    return sent


# -- (a) 3-D Secure ------------------------------------------------------------------------------------------


def test_an_authentication_required_renewal_is_paid_with_3ds_on_the_pay_page(browser, app_url, stripe_shop):
    subscription, invoice, link = _renewal_needing_3ds(stripe_shop)
    [intent] = stripe_shop.fake.objects("payment_intent")

    def pay(page: Page) -> dict[str, Any]:
        page.goto(app_url + link)
        expect(page.locator("h1")).to_have_text(f"Pay invoice {invoice.number}")
        expect(page.get_by_text("Your bank asks you to confirm this payment (3-D Secure).")).to_be_visible()
        expect(page.get_by_label("Pay with Visa •••• 3155")).to_be_checked()
        page.get_by_role("button", name="Pay €36.30").click()
        _answer_3ds(page, "Complete")
        return _finished(page, "paid")

    done = browser.run(pay)

    assert done["message"] == f"Invoice {invoice.number} is paid."
    assert done["url"] == f"{app_url}{link}complete/"  # the page reported back to the app
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert attempts(invoice) == [(1, "succeeded", "authentication_required")]
    assert reload(subscription).status == "active" and reload(subscription).next_dunning_at is None
    paid = stripe_shop.fake.get(intent["id"])  # the renewal's own PaymentIntent, confirmed on-session
    assert paid["status"] == "succeeded" and stripe_shop.fake.count("payment_intent") == 1
    charge = stripe_shop.fake.get(paid["latest_charge"])
    assert charge["payment_method_details"]["card"]["three_d_secure"]["result"] == "authenticated"
    [confirmation] = _browser_confirmations(stripe_shop, f"/v1/payment_intents/{intent['id']}/confirm")
    saved_card = stripe_shop.customer(subscription).default_payment_method_id
    assert confirmation.params["payment_method"] == saved_card


def test_a_failed_3ds_challenge_says_so_and_the_customer_can_try_again(browser, app_url, stripe_shop):
    _, invoice, link = _renewal_needing_3ds(stripe_shop)

    def fail_then_pass(page: Page) -> tuple[str, dict[str, Any]]:
        page.goto(app_url + link)
        pay = page.get_by_role("button", name="Pay €36.30")
        pay.click()
        _answer_3ds(page, "Fail")
        expect(pay).to_be_enabled()
        error = page.get_by_role("alert").inner_text()
        pay.click()
        expect(page.get_by_role("alert")).to_have_text("")  # the failed attempt's message is gone
        _answer_3ds(page, "Complete")
        return error, _finished(page, "paid")

    error, done = browser.run(fail_then_pass)

    assert error.startswith("We are unable to authenticate your payment method.")
    assert done["message"] == f"Invoice {invoice.number} is paid."
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


# -- (b) another card, made the default ------------------------------------------------------------------


def test_a_new_card_made_default_on_the_pay_page_is_charged_next_renewal(browser, app_url, stripe_shop):
    subscription, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    old_card = stripe_shop.customer(subscription).default_payment_method_id

    def pay(page: Page) -> dict[str, Any]:
        page.goto(app_url + link)
        expect(page.get_by_text("Your last payment did not go through.")).to_be_visible()
        expect(page.get_by_label("Pay with Visa •••• 0341")).to_be_checked()
        page.get_by_label("Pay with another card").check()
        _type_card(page, VISA)
        page.get_by_label("Make this my default card for future payments").check()
        page.get_by_role("button", name="Pay €36.30").click()
        return _finished(page, "paid")

    done = browser.run(pay)

    assert done["message"] == f"Invoice {invoice.number} is paid."
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    [intent] = stripe_shop.fake.objects("payment_intent")
    new_card = stripe_shop.fake.get(intent["payment_method"])
    customer = stripe_shop.customer(subscription)
    assert new_card["card"]["last4"] == "4242" and new_card["id"] != old_card
    assert new_card["customer"] == customer.stripe_customer_id  # saved with setup_future_usage
    assert customer.default_payment_method_id == new_card["id"]
    [created] = _browser_confirmations(stripe_shop, "/v1/payment_methods")  # from the card fields
    assert created.params["card"]["number"] == VISA.replace(" ", "")
    [confirmation] = _browser_confirmations(stripe_shop, f"/v1/payment_intents/{intent['id']}/confirm")
    assert confirmation.params["setup_future_usage"] == "off_session"

    stripe_shop.advance(at(2027, 1, 16, 6))  # the next renewal, off-session

    following = Invoice.objects.get(subscription=subscription, billing_reason="renewal", period_index=2)
    assert following.status == Invoice.Status.PAID and following.amount_paid == Decimal("36.30")
    renewal = stripe_shop.fake.objects("payment_intent")[-1]
    assert (renewal["payment_method"], renewal["status"]) == (new_card["id"], "succeeded")


# -- (c) a declined card -----------------------------------------------------------------------------------


def test_a_declined_card_shows_stripes_message_and_the_invoice_stays_open(browser, app_url, stripe_shop):
    subscription, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    old_card = stripe_shop.customer(subscription).default_payment_method_id

    def pay(page: Page) -> dict[str, str]:
        page.goto(app_url + link)
        page.get_by_label("Pay with another card").check()
        pay = page.get_by_role("button", name="Pay €36.30")
        pay.click()  # nothing typed: Stripe.js refuses before asking Stripe
        expect(page.get_by_role("alert")).to_have_text("Your card number is incomplete.")
        _type_card(page, DECLINED)
        page.get_by_label("Make this my default card for future payments").check()
        pay.click()
        expect(page.get_by_role("alert")).not_to_have_text("Your card number is incomplete.")
        expect(pay).to_be_enabled()
        return {"error": page.get_by_role("alert").inner_text(), "button": pay.inner_text(), "url": page.url}

    shown = browser.run(pay)

    [intent] = stripe_shop.fake.objects("payment_intent")
    error = stripe_shop.fake.get(intent["id"])["last_payment_error"]
    assert (error["code"], error["decline_code"]) == ("card_declined", "generic_decline")
    assert error["payment_method"]["card"]["last4"] == "0002"
    assert shown == {"error": error["message"], "button": "Pay €36.30", "url": app_url + link}
    assert stripe_shop.fake.get(intent["id"])["status"] == "requires_payment_method"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert reload(subscription).status == "past_due"
    assert stripe_shop.customer(subscription).default_payment_method_id == old_card
    assert len(_browser_confirmations(stripe_shop, "/v1/payment_methods")) == 1  # not for the empty card


# -- (d) the payment-method page ---------------------------------------------------------------------------


def test_the_method_page_saves_a_card_with_3ds_and_renewals_charge_it(browser, app_url, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    link = _path(payment_method_url(subscription))

    def save(page: Page) -> dict[str, Any]:
        page.goto(app_url + link)
        expect(page.locator("h1")).to_have_text("Update your payment method")
        expect(page.get_by_text("Now: Visa •••• 4242")).to_be_visible()
        _type_card(page, VISA_3DS_UNLESS_SET_UP)
        page.get_by_role("button", name="Save card").click()
        _answer_3ds(page, "Complete")  # the bank asks when the card is set up
        return _finished(page, "saved")

    done = browser.run(save)

    assert done["message"] == "Your new card is saved; your renewals are charged to it from now on."
    [setup] = [s for s in stripe_shop.fake.objects("setup_intent") if s["metadata"].get("subscription")]
    assert setup["status"] == "succeeded" and setup["usage"] == "off_session"
    _browser_confirmations(stripe_shop, f"/v1/setup_intents/{setup['id']}/confirm")
    saved = stripe_shop.fake.get(setup["payment_method"])
    customer = stripe_shop.customer(subscription)
    assert saved["card"]["last4"] == "3155" and saved["customer"] == customer.stripe_customer_id
    assert customer.default_payment_method_id == saved["id"]

    invoice = stripe_shop.renew(subscription)  # off-session, no challenge: the card was set up for it

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    renewal = stripe_shop.fake.objects("payment_intent")[-1]
    assert (renewal["payment_method"], renewal["status"]) == (saved["id"], "succeeded")


# -- (e) in Dutch ------------------------------------------------------------------------------------------


def test_the_dutch_pay_page_works(browser, app_url, stripe_shop):
    Installation.objects.filter(pk=stripe_shop.installation.pk).update(language="nl")
    subscription, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")

    def pay(page: Page) -> dict[str, Any]:
        page.goto(app_url + link)
        expect(page.locator("html")).to_have_attribute("lang", "nl")
        expect(page.locator("h1")).to_have_text(f"Factuur {invoice.number} betalen")
        expect(page.get_by_text("Je laatste betaling is niet gelukt.")).to_be_visible()
        page.get_by_label("Betalen met een andere kaart").check()
        _type_card(page, VISA, DUTCH_FIELDS)  # the page's locale reached Stripe.js
        pay = page.get_by_role("button", name=re.compile(r"^€\s?36,30 betalen$"))
        pay.click()
        return _finished(page, "paid")

    done = browser.run(pay)

    assert (done["title"], done["message"]) == ("Dank je wel", f"Factuur {invoice.number} is betaald.")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert reload(subscription).status == "active"
    assert renewal_invoice(subscription).pk == invoice.pk
