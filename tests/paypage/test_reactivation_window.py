"""After a cancellation for nonpayment whose reactivation window has closed (BILLING_RULES §6.6) the pay link
is refused with the reason; a payment that still arrives (a tab left open) is recorded, refunded and written
on the subscription, never a 500 and never lost. The pay page's other refusals: amounts Stripe refuses."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.payments.stripe_webhooks.followups import REFUNDED_DUPLICATE
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.payments.stripe_webhooks.stripe_shop import (
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)
from tests.paypage.test_pay_page import _declined_renewal, _page_value
from tests.renewals.support import at, reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db


def _window_closed(shop):
    subscription, invoice, link = _declined_renewal(shop, "pm_card_chargeCustomerFail")
    shop.advance(at(2026, 12, 28))  # after the last retry (each cancels the intents a tab could confirm)
    intent_id = _page_value(shop_client_get(shop, link), "payment_intent")
    shop.advance(at(2027, 1, 7))  # day 21: cancelled for nonpayment, the invoice uncollectible
    assert reload(subscription).status == "cancelled"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNCOLLECTIBLE
    shop.advance(at(2027, 2, 20))  # more than 30 days later
    return subscription, invoice, link, intent_id


def shop_client_get(shop, link: str) -> str:
    from django.test import Client

    return Client().get(link).content.decode()


@pytest.mark.parametrize(("language", "words"), [("en", "can no longer be paid"), ("nl", "niet meer")])
def test_the_pay_link_is_refused_once_reactivation_is_no_longer_allowed(client, stripe_shop, language, words):
    Installation.objects.filter(pk=stripe_shop.installation.pk).update(language=language)
    _, _, link, _ = _window_closed(stripe_shop)

    page = client.get(link)

    assert page.status_code == 410 and words in page.content.decode()


def test_the_link_still_works_within_the_window(client, stripe_shop):
    subscription, _, link = _declined_renewal(stripe_shop, "pm_card_chargeCustomerFail")
    stripe_shop.advance(at(2027, 1, 7))
    assert reload(subscription).status == "cancelled"

    assert client.get(link).status_code == 200


def test_a_payment_from_a_tab_left_open_is_recorded_and_refunded(
    client, stripe_shop, django_capture_on_commit_callbacks
):
    subscription, invoice, link, intent_id = _window_closed(stripe_shop)
    stripe_shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{link}complete/", {"payment_intent": intent_id})

    assert done.status_code == 200 and "refunded" in done.content.decode()
    # The money received is kept on record.
    assert PaymentAttempt.objects.get(invoice=invoice, reference=intent_id).status == "succeeded"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNCOLLECTIBLE
    assert reload(subscription).status == "cancelled"
    [refund] = stripe_shop.fake.objects("refund")
    assert refund["payment_intent"] == intent_id and refund["amount"] == 3630
    [event] = SubscriptionEvent.objects.filter(subscription=subscription, kind=REFUNDED_DUPLICATE)
    assert "reactivation_window_closed" in event.data["why"]


def test_the_webhook_for_such_a_payment_is_processed_not_failed(webhooks):
    shop = webhooks.shop
    _, invoice, _, intent_id = _window_closed(shop)
    shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    response = webhooks.post(webhooks.event("payment_intent.succeeded"))

    event = StripeEvent.objects.get(pk=response.json()["event"])
    assert event.status == "processed", event.traceback
    assert event.outcome["refund"]
    assert PaymentAttempt.objects.get(invoice=invoice, reference=intent_id).status == "succeeded"
    assert shop.fake.objects("refund")[0]["payment_intent"] == intent_id


# -- amounts Stripe refuses (finding 3) ------------------------------------------------------------------


def test_an_amount_stripe_refuses_gets_a_clear_page(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, None)
    Invoice.objects.filter(pk=invoice.pk).update(amount_due=Decimal("0.10"))

    page = client.get(link)

    assert page.status_code == 409 and "cannot be paid online" in page.content.decode()


def test_a_changed_amount_gets_a_new_intent_not_an_error(client, stripe_shop):
    _, invoice, link = _declined_renewal(stripe_shop, None)
    first = _page_value(client.get(link).content.decode(), "payment_intent")
    Invoice.objects.filter(pk=invoice.pk).update(amount_due=Decimal("20.00"))

    page = client.get(link)

    assert page.status_code == 200
    second = _page_value(page.content.decode(), "payment_intent")
    assert second != first and stripe_shop.fake.get(second)["amount"] == 2000
    assert _page_value(client.get(link).content.decode(), "payment_intent") == second  # reloaded: the same
