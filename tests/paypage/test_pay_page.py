"""The pay page over HTTP, with the fake Stripe confirming intents as Stripe.js would (the stripe library,
then the 3-D Secure challenge passed): completing an `authentication_required` renewal, paying a declined one
with another card, the saved payment method replaced, and links refused when forged, expired or used."""

from __future__ import annotations

import re
import time
from decimal import Decimal

import pytest
from django.core import signing

from saleor_subscriptions.invoicing.links import METHOD_LINK_SALT, PAY_LINK_SALT, pay_url, payment_method_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
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
from tests.renewals.support import reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db


def _path(url: str) -> str:
    assert url.startswith(APP_URL)
    return url.removeprefix(APP_URL)


def _page_value(html: str, name: str) -> str:
    found = re.search(rf'var {name} = "([^"]*)"', html) or re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"{name} not on the page"
    return found.group(1)


def _declined_renewal(shop: ShopWithStripe, card: str | None) -> tuple[Subscription, Invoice, str]:
    subscription = shop.subscriber(card)
    invoice = shop.renew(subscription)
    [failed] = shop.notifier.of("payment_failed")
    return subscription, invoice, _path(failed.args[1])


def test_the_pay_page_completes_an_authentication_required_renewal(client, stripe_shop):
    subscription, invoice, link = _declined_renewal(stripe_shop, "pm_card_authenticationRequired")
    assert reload(subscription).status == "past_due"
    [renewal_intent] = stripe_shop.fake.objects("payment_intent")

    page = client.get(link)

    assert page.status_code == 200
    html = page.content.decode()
    assert "https://js.stripe.com/v3/" in html and stripe_shop.account.publishable_key in html
    assert "3-D Secure" in html and "Visa •••• 3184" in html and "€36.30" in html
    assert _page_value(html, "payment_intent") == renewal_intent["id"]  # the renewal's own intent
    client_secret = _page_value(html, "clientSecret")
    assert client_secret == renewal_intent["client_secret"]
    saved_card = _page_value(html, "savedCard")

    # Stripe.js: confirm on-session with the saved card, the customer passes the bank's challenge.
    confirmed = stripe_shop.client.v1.payment_intents.confirm(
        renewal_intent["id"], params={"payment_method": saved_card}
    )
    assert confirmed.status == "requires_action"
    stripe_shop.fake.complete_authentication(renewal_intent["id"])
    done = client.post(f"{link}complete/", {"payment_intent": renewal_intent["id"]})

    assert done.status_code == 200 and "is paid" in done.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert attempts(invoice) == [(1, "succeeded", "authentication_required")]
    settled = reload(subscription)
    assert settled.status == "active" and settled.next_dunning_at is None  # dunning stopped
    assert stripe_shop.fake.count("payment_intent") == 1
    assert OutgoingEmail.objects.filter(kind="receipt", invoice=invoice).count() == 1
    # The link is used now.
    again = client.get(link)
    assert again.status_code == 410 and "paid already" in again.content.decode()


def test_a_declined_renewal_paid_with_another_card_that_becomes_the_default(client, stripe_shop):
    subscription, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    html = client.get(link).content.decode()
    intent_id = _page_value(html, "payment_intent")
    assert "did not go through" in html

    stripe_shop.client.v1.payment_intents.confirm(
        intent_id, params={"payment_method": "pm_card_visa", "setup_future_usage": "off_session"}
    )
    done = client.post(f"{link}complete/", {"payment_intent": intent_id, "make_default": "on"})

    assert done.status_code == 200
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert reload(subscription).status == "active"
    new_card = stripe_shop.fake.get(intent_id)["payment_method"]
    assert stripe_shop.customer(subscription).default_payment_method_id == new_card


def test_without_make_default_the_saved_card_stays(client, stripe_shop):
    subscription, _, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    before = stripe_shop.customer(subscription).default_payment_method_id
    intent_id = _page_value(client.get(link).content.decode(), "payment_intent")
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    assert client.post(f"{link}complete/", {"payment_intent": intent_id}).status_code == 200
    assert stripe_shop.customer(subscription).default_payment_method_id == before


def test_an_invoice_without_a_renewal_intent_gets_one_intent_however_often_the_page_is_opened(
    client, stripe_shop
):
    subscription, invoice, link = _declined_renewal(stripe_shop, None)  # no saved method: nothing charged
    first = _page_value(client.get(link).content.decode(), "payment_intent")
    second = _page_value(client.get(link).content.decode(), "payment_intent")
    assert first == second and stripe_shop.fake.count("payment_intent") == 1
    intent = stripe_shop.fake.get(first)
    assert (intent["amount"], intent["metadata"]["invoice_number"]) == (3630, invoice.number)

    stripe_shop.client.v1.payment_intents.confirm(first, params={"payment_method": "pm_card_visa"})
    done = client.post(f"{link}complete/", {"payment_intent": first})

    assert done.status_code == 200
    assert attempts(invoice) == [(1, "declined", "no_payment_method"), (2, "succeeded", "")]
    assert PaymentAttempt.objects.get(invoice=invoice, number=2).reference == first  # refunds find it
    assert reload(subscription).status == "active"


def test_the_page_and_the_webhook_for_one_payment_settle_it_once(client, stripe_shop, webhooks):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    intent_id = _page_value(client.get(link).content.decode(), "payment_intent")
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    webhooks.post(webhooks.event("payment_intent.succeeded"))
    done = client.post(f"{link}complete/", {"payment_intent": intent_id})

    assert done.status_code == 200
    assert OutgoingEmail.objects.filter(kind="receipt", invoice=invoice).count() == 1


def test_a_payment_the_page_never_heard_of_is_settled_when_the_link_is_opened_again(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    intent_id = _page_value(client.get(link).content.decode(), "payment_intent")
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    page = client.get(link)  # the browser was closed before it reported back

    assert page.status_code == 200 and "is paid" in page.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


def test_completing_before_the_customer_authenticated_pays_nothing(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_authenticationRequired")
    html = client.get(link).content.decode()
    intent_id = _page_value(html, "payment_intent")
    stripe_shop.client.v1.payment_intents.confirm(
        intent_id, params={"payment_method": _page_value(html, "savedCard")}
    )

    done = client.post(f"{link}complete/", {"payment_intent": intent_id})

    assert done.status_code == 402 and "did not go through" in done.content.decode()
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


def test_another_invoices_payment_does_not_pay_this_one(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    other = stripe_shop.client.v1.payment_intents.create(
        params={"amount": 3630, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )

    done = client.post(f"{link}complete/", {"payment_intent": other.id})

    assert done.status_code == 400
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN


@pytest.mark.parametrize("posted", [{}, {"payment_intent": "pi_doesnotexist"}])
def test_a_completion_without_a_known_payment_intent_is_refused(client, stripe_shop, posted):
    _, _, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")

    assert client.post(f"{link}complete/", posted).status_code == 400


def test_the_page_speaks_the_shops_language(client, stripe_shop):
    Installation.objects.filter(pk=stripe_shop.installation.pk).update(language="nl")
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_authenticationRequired")

    html = client.get(link).content.decode()

    assert f"Factuur {invoice.number} betalen" in html and '<html lang="nl">' in html
    assert "36,30" in html and "€" in html


# -- refused links -------------------------------------------------------------------------------------------


def _old_token(value: dict[str, int], salt: str, days: int) -> str:
    class Then(signing.TimestampSigner):
        def timestamp(self) -> str:
            return signing.b62_encode(int(time.time()) - days * 86400)

    return Then(salt=salt).sign_object(value, compress=True)


def test_a_forged_link_is_refused_400(client, stripe_shop):
    _, _, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    forged = link[:-3] + ("A" if link[-3] != "A" else "B") + link[-2:]

    page = client.get(forged)

    assert page.status_code == 400 and "not valid" in page.content.decode()
    assert client.post(f"{forged}complete/", {"payment_intent": "pi_x"}).status_code == 400


def test_a_link_older_than_pay_link_max_age_days_is_refused_410(client, stripe_shop, settings):
    _, invoice, _ = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    settings.PAY_LINK_MAX_AGE_DAYS = 10

    assert client.get(f"/pay/{_old_token({'invoice': invoice.pk}, PAY_LINK_SALT, 9)}/").status_code == 200
    expired = client.get(f"/pay/{_old_token({'invoice': invoice.pk}, PAY_LINK_SALT, 11)}/")
    assert expired.status_code == 410 and "expired" in expired.content.decode()


def test_a_link_to_a_void_invoice_is_refused_410(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    Invoice.objects.filter(pk=invoice.pk).update(status=Invoice.Status.VOID)

    page = client.get(link)

    assert page.status_code == 410 and "cancelled" in page.content.decode()


def test_a_link_to_an_unknown_invoice_is_refused_404(client, stripe_shop):
    token = signing.dumps({"invoice": 987654}, salt=PAY_LINK_SALT, compress=True)

    assert client.get(f"/pay/{token}/").status_code == 404


def test_a_pay_link_is_not_a_payment_method_link(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    # The email's link names the invoice (its signature's timestamp may be a second older than pay_url's).
    assert signing.loads(link.split("/")[2], salt=PAY_LINK_SALT) == {"invoice": invoice.pk}
    assert _path(pay_url(invoice)).startswith("/pay/")

    assert client.get(link.replace("/pay/", "/pay/method/")).status_code == 400


# -- the saved payment method -----------------------------------------------------------------------------


def test_the_payment_method_page_saves_a_new_card_for_renewals(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    link = _path(payment_method_url(subscription))

    html = client.get(link).content.decode()
    setup_id = _page_value(html, "setup_intent")
    assert "Visa •••• 4242" in html
    stripe_shop.client.v1.setup_intents.confirm(setup_id, params={"payment_method": "pm_card_mastercard"})
    done = client.post(f"{link}complete/", {"setup_intent": setup_id})

    assert done.status_code == 200 and "saved" in done.content.decode()
    customer = stripe_shop.customer(subscription)
    assert customer.default_payment_method_id == stripe_shop.fake.get(setup_id)["payment_method"]
    invoice = stripe_shop.renew(subscription)
    assert Invoice.objects.get(pk=invoice.pk).amount_paid == Decimal("36.30")
    assert (
        stripe_shop.fake.objects("payment_intent")[-1]["payment_method"] == customer.default_payment_method_id
    )


def test_a_set_up_not_confirmed_or_of_someone_else_is_refused(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa")
    other = stripe_shop.subscriber("pm_card_visa", email="jan@example.com")
    link = _path(payment_method_url(subscription))
    unconfirmed = _page_value(client.get(link).content.decode(), "setup_intent")
    others = _page_value(client.get(_path(payment_method_url(other))).content.decode(), "setup_intent")
    stripe_shop.client.v1.setup_intents.confirm(others, params={"payment_method": "pm_card_mastercard"})

    assert client.post(f"{link}complete/", {"setup_intent": unconfirmed}).status_code == 400
    assert client.post(f"{link}complete/", {"setup_intent": others}).status_code == 400
    assert client.post(f"{link}complete/", {"setup_intent": "seti_unknown"}).status_code == 400


def test_payment_method_links_are_refused_forged_expired_or_ended(client, stripe_shop, settings):
    subscription = stripe_shop.subscriber("pm_card_visa")
    link = _path(payment_method_url(subscription))

    assert client.get(link[:-3] + "xyz/").status_code == 400
    old = _old_token({"subscription": subscription.pk}, METHOD_LINK_SALT, 31)
    assert client.get(f"/pay/method/{old}/").status_code == 410
    Subscription.objects.filter(pk=subscription.pk).update(status="cancelled")
    ended = client.get(link)
    assert ended.status_code == 410 and "ended" in ended.content.decode()
