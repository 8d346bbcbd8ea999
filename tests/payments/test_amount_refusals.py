"""An amount the payment provider refuses is never the customer's decline (BILLING_RULES §3, §6): staff are
alerted, no dunning starts, the invoice stays open and nothing is charged. With the fake Stripe, which refuses
amounts as Stripe does."""

from __future__ import annotations

from decimal import Decimal

import pytest
import stripe

from saleor_subscriptions.invoicing.links import pay_url
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.outcomes import AMOUNT_REFUSED_EVENT
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from tests.payments.stripe_webhooks.stripe_shop import (
    APP_URL,
    ShopWithStripe,
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
)
from tests.renewals.support import reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop"]

pytestmark = pytest.mark.django_db


def _assert_no_dunning_and_staff_alerted(shop: ShopWithStripe, subscription: Subscription, invoice: Invoice):
    subscription = reload(subscription)
    assert subscription.status == "active"
    assert subscription.next_dunning_at is None
    assert shop.notifier.of("payment_failed") == []
    assert invoice.status == "open" and invoice.amount_paid == 0
    [alert] = SubscriptionEvent.objects.filter(subscription=subscription, kind=AMOUNT_REFUSED_EVENT)
    assert alert.data["invoice"] == invoice.number
    assert (alert.from_status, alert.to_status) == ("active", "active")


def test_a_renewal_below_stripes_minimum_alerts_staff_and_starts_no_dunning(stripe_shop, caplog):
    subscription = stripe_shop.subscriber("pm_card_visa", price="0.20")  # 0.24 with the 21% tax

    invoice = stripe_shop.renew(subscription)

    assert attempts(invoice) == [(1, "amount_refused", "amount_too_small")]
    assert len(stripe_shop.fake.requests("POST", "/v1/payment_intents")) == 1  # Stripe refused it
    _assert_no_dunning_and_staff_alerted(stripe_shop, subscription, invoice)
    assert any(r.levelname == "ERROR" and "needs staff" in r.getMessage() for r in caplog.records)


def test_a_tax_from_saleor_that_makes_an_unchargeable_kwd_total_is_never_sent_nor_dunned(stripe_shop):
    """4.610 KWD net plus Saleor's 21% (0.968) is 5.578 KWD, which Stripe cannot charge (steps of 0.010)."""
    subscription = stripe_shop.subscriber("pm_card_visa", price="4.610", currency="KWD")

    invoice = stripe_shop.renew(subscription)

    assert invoice.amount_due == Decimal("5.578")
    assert attempts(invoice) == [(1, "amount_refused", "amount_not_supported")]
    assert stripe_shop.fake.requests("POST", "/v1/payment_intents") == []
    _assert_no_dunning_and_staff_alerted(stripe_shop, subscription, invoice)


@pytest.mark.parametrize(
    ("amount", "currency", "code"),
    [
        (4835, "kwd", "invalid_charge_amount"),
        (14468, "twd", "invalid_charge_amount_no_decimal_compatible"),
        (105050, "isk", "invalid_charge_amount_no_decimal_compatible"),
        (100_000_000, "eur", "amount_too_large"),
    ],
)
def test_the_fake_stripe_refuses_amounts_stripe_refuses(stripe_shop, amount, currency, code):
    with pytest.raises(stripe.InvalidRequestError) as raised:
        stripe_shop.client.v1.payment_intents.create(params={"amount": amount, "currency": currency})
    assert (raised.value.code, raised.value.param) == (code, "amount")


@pytest.mark.parametrize(("amount", "currency"), [(4840, "kwd"), (14500, "twd"), (105000, "isk")])
def test_the_fake_stripe_takes_amounts_in_chargeable_steps(stripe_shop, amount, currency):
    intent = stripe_shop.client.v1.payment_intents.create(params={"amount": amount, "currency": currency})
    assert intent.amount == amount


def test_the_pay_page_of_an_invoice_stripe_cannot_charge_says_it_cannot_be_paid_online(client, stripe_shop):
    subscription = stripe_shop.subscriber("pm_card_visa", price="4.610", currency="KWD")  # 5.578 with tax
    invoice = stripe_shop.renew(subscription)
    link = pay_url(invoice).removeprefix(APP_URL)

    page = client.get(link)

    assert page.status_code == 409
    assert stripe_shop.fake.requests("POST", "/v1/payment_intents") == []
