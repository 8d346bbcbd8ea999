"""The pay page's bank form over HTTP with the fake Stripe: an open invoice paid by SEPA Direct Debit
(processing, then settled by the bank through Stripe's webhooks, or failed), by iDEAL or Bancontact (the
bank's page, then back to the app), the SEPA method they generate saved for renewals and then debited
off-session; the form's refusals; the page that saves a bank account for renewals; CSRF."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client

from saleor_subscriptions.invoicing.links import payment_method_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.paypage import payments
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    ShopWithStripe,
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)
from tests.renewals.support import at, reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db

SEPA_OK = "DE89370400440532013000"
SEPA_FAILS = "DE62370400440532013001"


def _path(url: str) -> str:
    assert url.startswith(APP_URL)
    return url.removeprefix(APP_URL)


def _declined(shop: ShopWithStripe, **subscriber: Any) -> tuple[Subscription, Invoice, str]:
    subscription = shop.subscriber("pm_card_chargeCustomerFail", **subscriber)
    invoice = shop.renew(subscription)
    [failed] = shop.notifier.of("payment_failed")
    return subscription, invoice, _path(failed.args[1])


def _intent_on(html: str) -> str:
    found = re.search(r'<form id="bank".*?name="payment_intent" value="([^"]+)"', html, re.S)
    assert found, "no bank form with its intent on the page"
    return found.group(1)


def _bank(method: str, **fields: str) -> dict[str, str]:
    form = {"bank_method": method, "holder_name": "Piet Jansen", "holder_email": "piet@example.com"}
    return {**form, "mandate": "on", **fields}


def _pay_by_bank(client: Client, link: str, method: str, **fields: str) -> Any:
    html = client.get(link).content.decode()
    return client.post(f"{link}bank/", {**_bank(method, **fields), "payment_intent": _intent_on(html)})


def test_the_pay_page_offers_sepa_ideal_and_bancontact_for_euros(client, stripe_shop):
    _, _, link = _declined(stripe_shop)
    html = client.get(link).content.decode()
    assert 'action="/pay/' in html and "csrfmiddlewaretoken" in html
    for value in ("sepa_debit", "ideal", "bancontact"):
        assert f'name="bank_method" value="{value}"' in html
    assert "Koffie &amp; Co and Stripe" in html  # the mandate names the shop


def test_no_bank_methods_for_another_currency(client, stripe_shop):
    _, _, link = _declined(stripe_shop, currency="USD")
    html = client.get(link).content.decode()
    assert 'id="bank"' not in html
    refused = client.post(f"{link}bank/", _bank("sepa_debit", iban=SEPA_OK))
    assert refused.status_code == 400
    assert 'data-code="method_not_offered"' in refused.content.decode()


def test_a_sepa_debit_is_processing_then_the_bank_pays_the_invoice_and_it_becomes_the_default(
    client, stripe_shop, webhooks
):
    subscription, invoice, link = _declined(stripe_shop)
    done = _pay_by_bank(client, link, "sepa_debit", iban=SEPA_OK, make_default="on")

    assert done.status_code == 200, done.content.decode()
    assert "being processed" in done.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert attempts(invoice)[-1][1] == PaymentAttempt.Status.PROCESSING
    # Nothing more to pay while the debit clears: the page says so.
    assert "nothing to pay now" in client.get(link).content.decode()
    customer = stripe_shop.customer(subscription)
    assert customer.payment_method_type == "sepa_debit" and customer.payment_method_last4 == "3000"

    stripe_shop.fake.settle_processing()
    webhooks.post_all(types=("payment_intent.succeeded",))

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert attempts(invoice)[-1][1] == PaymentAttempt.Status.SUCCEEDED
    assert reload(subscription).status == "active"


def test_a_sepa_debit_that_fails_leaves_the_invoice_open(client, stripe_shop, webhooks):
    _, invoice, link = _declined(stripe_shop)
    assert _pay_by_bank(client, link, "sepa_debit", iban=SEPA_FAILS).status_code == 200

    stripe_shop.fake.settle_processing()
    webhooks.post_all(types=("payment_intent.payment_failed",))

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert attempts(invoice)[-1][1] == PaymentAttempt.Status.FAILED
    assert 'id="bank"' in client.get(link).content.decode()  # it can be paid again


def test_ideal_sends_the_customer_to_the_bank_and_leaves_a_sepa_mandate_that_renewals_debit(
    client, stripe_shop, webhooks
):
    subscription, invoice, link = _declined(stripe_shop)
    sent = _pay_by_bank(client, link, "ideal", make_default="on")

    assert sent.status_code == 302
    bank_page = sent["Location"]
    assert "/fake/bank/pi_" in bank_page
    intent_id = bank_page.rsplit("/", 1)[1]
    intent = stripe_shop.fake.get(intent_id)
    assert intent["next_action"]["redirect_to_url"]["return_url"] == f"{APP_URL}{link}return/?save=1"

    stripe_shop.fake.complete_authentication(intent_id)
    back = client.get(f"{link}return/", {"save": "1", "payment_intent": intent_id})

    assert back.status_code == 200 and "is paid" in back.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    charge = stripe_shop.fake.get(stripe_shop.fake.get(intent_id)["latest_charge"])
    generated = charge["payment_method_details"]["ideal"]["generated_sepa_debit"]
    customer = stripe_shop.customer(subscription)
    assert customer.default_payment_method_id == generated
    assert customer.payment_method_type == "sepa_debit"

    # The next renewal debits the generated SEPA method off-session: processing, then paid by the bank.
    stripe_shop.advance(at(2027, 1, 16, 6))
    january = Invoice.objects.get(subscription=subscription, period_index=2)
    assert attempts(january)[-1][1] == PaymentAttempt.Status.PROCESSING
    debit = stripe_shop.fake.get(PaymentAttempt.objects.get(invoice=january).reference)
    assert debit["payment_method"] == generated and debit["status"] == "processing"
    stripe_shop.fake.settle_processing(debit["id"])
    webhooks.post_all(types=("payment_intent.succeeded",))
    assert Invoice.objects.get(pk=january.pk).status == Invoice.Status.PAID


def test_bancontact_refused_at_the_bank_pays_nothing(client, stripe_shop):
    subscription, invoice, link = _declined(stripe_shop)
    before = stripe_shop.customer(subscription).default_payment_method_id
    sent = _pay_by_bank(client, link, "bancontact")
    intent_id = sent["Location"].rsplit("/", 1)[1]

    stripe_shop.fake.complete_authentication(intent_id, succeed=False)
    back = client.get(f"{link}return/", {"payment_intent": intent_id})

    assert back.status_code == 402
    assert "did not authorise" in back.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert stripe_shop.customer(subscription).default_payment_method_id == before


@pytest.mark.parametrize(
    ("fields", "code", "field_label"),
    [
        ({"holder_name": " "}, "required", "Account holder&#x27;s name"),
        ({"holder_email": "piet"}, "invalid", "Email address"),
        ({"iban": "DE89370400440532013001"}, "invalid", "IBAN"),  # checksum fails
        ({"iban": ""}, "required", "IBAN"),
        ({"mandate": ""}, "mandate_required", "Mandate"),
        ({"bank_method": "paypal"}, "method_not_offered", "Method"),
    ],
)
def test_the_bank_form_refuses_bad_input_naming_the_field(client, stripe_shop, fields, code, field_label):
    _, invoice, link = _declined(stripe_shop)
    refused = _pay_by_bank(client, link, "sepa_debit", **{"iban": SEPA_OK, **fields})
    html = refused.content.decode()
    assert refused.status_code == 400
    assert f'data-code="{code}"' in html and field_label in html
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


def test_ideal_without_saving_needs_no_mandate(client, stripe_shop):
    _, _, link = _declined(stripe_shop)
    assert _pay_by_bank(client, link, "ideal", mandate="").status_code == 302


def test_ideal_saved_for_renewals_needs_the_mandate(client, stripe_shop):
    _, _, link = _declined(stripe_shop)
    refused = _pay_by_bank(client, link, "ideal", mandate="", make_default="on")
    assert refused.status_code == 400 and 'data-code="mandate_required"' in refused.content.decode()


def test_the_bank_form_needs_the_csrf_token(stripe_shop):
    _, _, link = _declined(stripe_shop)
    strict = Client(enforce_csrf_checks=True)
    html = strict.get(link).content.decode()
    form = {**_bank("sepa_debit", iban=SEPA_OK), "payment_intent": _intent_on(html)}
    assert strict.post(f"{link}bank/", form).status_code == 403
    # The page set the cookie its form's token goes with: with the token the form is taken.
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)
    assert token is not None
    taken = strict.post(f"{link}bank/", {**form, "csrfmiddlewaretoken": token.group(1)})
    assert taken.status_code == 200 and "being processed" in taken.content.decode()


def test_saving_a_sepa_account_for_renewals(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    link = _path(payment_method_url(subscription))
    html = client.get(link).content.decode()
    assert 'action="/pay/method/' in html and 'value="ideal"' in html

    saved = client.post(f"{link}bank/", _bank("sepa_debit", iban=SEPA_OK))

    assert saved.status_code == 200 and 'data-code="saved"' in saved.content.decode()
    customer = stripe_shop.customer(subscription)
    assert customer.payment_method_type == "sepa_debit"
    method = stripe_shop.fake.get(customer.default_payment_method_id)
    assert method["customer"] == customer.stripe_customer_id and method["sepa_debit"]["last4"] == "3000"


def test_saving_by_bancontact_keeps_the_generated_sepa_method(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    link = _path(payment_method_url(subscription))
    sent = client.post(f"{link}bank/", _bank("bancontact"))
    assert sent.status_code == 302
    setup_id = urlsplit(sent["Location"]).path.rsplit("/", 1)[1]
    assert setup_id.startswith("seti_")

    stripe_shop.fake.complete_authentication(setup_id)
    back = client.get(f"{link}return/", {"setup_intent": setup_id})

    assert back.status_code == 200, back.content.decode()
    customer = stripe_shop.customer(subscription)
    generated = stripe_shop.fake.get(customer.default_payment_method_id)
    assert generated["type"] == "sepa_debit"
    assert generated["sepa_debit"]["generated_from"]["setup_attempt"]
    assert customer.payment_method_last4 == "7061"


def test_a_bank_set_up_refused_at_the_bank_saves_nothing(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    before = stripe_shop.customer(subscription).default_payment_method_id
    link = _path(payment_method_url(subscription))
    setup_id = client.post(f"{link}bank/", _bank("ideal"))["Location"].rsplit("/", 1)[1]

    stripe_shop.fake.complete_authentication(setup_id, succeed=False)
    back = client.get(f"{link}return/", {"setup_intent": setup_id})

    assert back.status_code == 400 and 'data-code="not_completed"' in back.content.decode()
    assert stripe_shop.customer(subscription).default_payment_method_id == before


def test_only_the_methods_the_shops_stripe_account_takes_are_offered(client, stripe_shop):
    _, invoice, link = _declined(stripe_shop)
    stripe_shop.fake.set_capability("bancontact_payments", "inactive")
    stripe_shop.fake.set_capability("sepa_debit_payments", "pending")
    html = client.get(link).content.decode()
    assert 'value="ideal"' in html
    assert 'value="bancontact"' not in html and 'value="sepa_debit"' not in html
    refused = client.post(f"{link}bank/", {**_bank("bancontact"), "payment_intent": _intent_on(html)})
    assert refused.status_code == 400 and 'data-code="method_not_offered"' in refused.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


def test_a_method_the_account_stopped_taking_after_the_page_was_shown_is_refused_clearly(
    client, stripe_shop, monkeypatch
):
    _, invoice, link = _declined(stripe_shop)
    html = client.get(link).content.decode()
    # Deactivated at Stripe meanwhile, and the account's capabilities cannot be read (a restricted key):
    # Stripe itself refuses the type when it is chosen.
    stripe_shop.fake.set_capability("ideal_payments", "inactive")
    monkeypatch.setattr(payments, "inactive_types", lambda account: frozenset())
    refused = client.post(f"{link}bank/", {**_bank("ideal"), "payment_intent": _intent_on(html)})
    assert refused.status_code == 400 and 'data-code="method_not_available"' in refused.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


def test_the_intent_of_another_invoice_is_refused(client, stripe_shop):
    _, _, link = _declined(stripe_shop)
    other = stripe_shop.client.v1.payment_intents.create(
        params={"amount": 3630, "currency": "eur", "metadata": {"invoice_number": "INV-OTHER"}}
    )
    refused = client.post(f"{link}bank/", {**_bank("sepa_debit", iban=SEPA_OK), "payment_intent": other.id})
    assert refused.status_code == 400 and 'data-code="other_invoice"' in refused.content.decode()
    assert stripe_shop.fake.get(other.id)["status"] == "requires_payment_method"
