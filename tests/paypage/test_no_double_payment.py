"""An invoice is paid once: PaymentIntents a stale pay-page tab could still confirm are cancelled when the
invoice is paid or before dunning charges again; a payment underway is not offered another; a success the
invoice did not need is refunded, never kept (BILLING_RULES §6)."""

from __future__ import annotations

import logging
from typing import Any, cast

import pytest
import stripe
from django.utils import timezone
from stripe.params import SetupIntentCreateParams

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.payments.customers import remember_payment_method
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.renewals.models import attempt_key
from saleor_subscriptions.renewals.outcomes import pay_invoice
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.stripe_webhooks.followups import REFUNDED_DUPLICATE, run_due_follow_ups
from saleor_subscriptions.stripe_webhooks.models import StripeFollowUp
from saleor_subscriptions.subscriptions.models import Subscription, SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.fakes.stripe.scenarios import ONLINE_MANDATE, SEPA_SUCCEEDS
from tests.paypage.test_pay_page import _declined_renewal, _page_value
from tests.renewals.support import at
from tests.stripe_webhooks.stripe_shop import (
    ShopWithStripe,
    attempts,
    fake_stripe,
    fake_stripe_server,
    stripe_settings,
    stripe_shop,
    webhooks,
)

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db


def _new_default(shop: ShopWithStripe, subscription: Subscription, **method: Any) -> None:
    """The customer saves another method (a card by default) for renewals."""
    customer = shop.customer(subscription)
    base = {"customer": customer.stripe_customer_id, "confirm": True, "usage": "off_session"}
    params = cast(SetupIntentCreateParams, {**base, **(method or {"payment_method": "pm_card_visa"})})
    setup = shop.client.v1.setup_intents.create(params=params)
    kind = "sepa_debit" if method else "card"
    remember_payment_method(
        shop.installation.pk, customer.stripe_customer_id, str(setup.payment_method), kind
    )


def _intents_of_attempt(shop: ShopWithStripe, invoice: Invoice, number: int) -> list[str]:
    key = attempt_key(invoice.pk, number)
    intents = shop.fake.objects("payment_intent")
    return [pi["id"] for pi in intents if pi["metadata"].get("idempotency_key") == key]


def _charges(shop: ShopWithStripe, status: str = "succeeded") -> list[dict[str, Any]]:
    return [c for c in shop.fake.objects("charge") if c["status"] == status]


def test_a_stale_tab_cannot_pay_an_invoice_a_dunning_retry_paid(client, stripe_shop):
    """The reviewer's scenario: the page shows attempt 1's intent, the day-1 retry pays with the new default
    card, then the customer clicks Pay in the old tab."""
    shop = stripe_shop
    subscription, invoice, link = _declined_renewal(shop, "pm_card_chargeCustomerFail")
    stale = _page_value(client.get(link).content.decode(), "payment_intent")
    _new_default(shop, subscription)

    shop.advance(at(2026, 12, 17, 12))  # the day-1 retry

    assert attempts(invoice)[-1][:2] == (2, "succeeded")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert shop.fake.get(stale)["status"] == "canceled"
    with pytest.raises(stripe.InvalidRequestError):  # Stripe.js in the old tab
        shop.client.v1.payment_intents.confirm(stale, params={"payment_method": "pm_card_visa"})
    assert len(_charges(shop)) == 1


def test_a_retry_waits_while_stripe_cannot_cancel_the_invoices_open_intent(client, stripe_shop):
    """The reviewer's second scenario: Stripe refuses the cancellation before the day-1 retry (a 500). The
    retry is not charged while the stale tab's PaymentIntent may still be confirmed; once Stripe cancels it,
    the sweeper charges the retry."""
    shop = stripe_shop
    subscription, invoice, link = _declined_renewal(shop, "pm_card_chargeCustomerFail")
    stale = _page_value(client.get(link).content.decode(), "payment_intent")
    _new_default(shop, subscription)
    outage = shop.fake.fail_next(
        count=100, kind="server_error", executed=False, path_prefix=f"/v1/payment_intents/{stale}/cancel"
    )

    shop.advance(at(2026, 12, 17, 12))  # the day-1 retry, and the sweeper's runs after it

    assert attempts(invoice)[-1][:2] == (2, "pending")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    assert shop.fake.get(stale)["status"] == "requires_payment_method"  # still confirmable: no retry charge
    assert _intents_of_attempt(shop, invoice, 2) == []
    assert outage.seen  # the cancellation was tried, and Stripe failed it

    outage.remaining = 0  # Stripe is back, and the cancellation's backoff has run out
    StripeFollowUp.objects.filter(invoice=invoice).update(next_at=timezone.now())
    resume_unfinished(shop.ports(), now=at(2026, 12, 17, 13), installation_id=shop.installation.pk)

    assert shop.fake.get(stale)["status"] == "canceled"
    assert attempts(invoice)[-1][:2] == (2, "succeeded")
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert len(_charges(shop)) == 1


def test_a_pay_page_intent_left_unpaid_is_cancelled_once_the_invoice_is_paid_another_way(
    client, stripe_shop, django_capture_on_commit_callbacks
):
    shop = stripe_shop
    _, invoice, link = _declined_renewal(shop, None)
    left_open = _page_value(client.get(link).content.decode(), "payment_intent")

    with django_capture_on_commit_callbacks(execute=True):
        pay_invoice(invoice, RecordingNotifier(), StripeGateway())  # an admin marks it paid

    assert shop.fake.get(left_open)["status"] == "canceled"


def test_the_cancellation_waits_for_stripe_and_is_retried(
    client, stripe_shop, django_capture_on_commit_callbacks
):
    shop = stripe_shop
    _, invoice, link = _declined_renewal(shop, None)
    left_open = _page_value(client.get(link).content.decode(), "payment_intent")
    shop.fake.fail_next(
        kind="server_error", executed=False, path_prefix=f"/v1/payment_intents/{left_open}/cancel"
    )

    with django_capture_on_commit_callbacks(execute=True):
        # Stripe fails: the payment stands, the follow-up waits
        pay_invoice(invoice, RecordingNotifier(), StripeGateway())

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    [follow_up] = StripeFollowUp.objects.filter(invoice=invoice)
    assert follow_up.done_at is None and follow_up.attempts == 1 and follow_up.last_error
    assert shop.fake.get(left_open)["status"] == "requires_payment_method"
    StripeFollowUp.objects.filter(pk=follow_up.pk).update(next_at=follow_up.created_at)

    run_due_follow_ups()  # the sweeper

    assert shop.fake.get(left_open)["status"] == "canceled"
    assert StripeFollowUp.objects.get(pk=follow_up.pk).done_at is not None


def test_a_success_for_an_invoice_paid_already_is_refunded_and_staff_alerted(
    client, stripe_shop, django_capture_on_commit_callbacks, caplog
):
    shop = stripe_shop
    subscription, invoice, link = _declined_renewal(shop, None)
    intent_id = _page_value(client.get(link).content.decode(), "payment_intent")
    # Paid meanwhile; its cancellation never ran (no commit).
    pay_invoice(invoice, RecordingNotifier(), StripeGateway())
    shop.client.v1.payment_intents.confirm(intent_id, params={"payment_method": "pm_card_visa"})

    with caplog.at_level(logging.ERROR), django_capture_on_commit_callbacks(execute=True):
        done = client.post(f"{link}complete/", {"payment_intent": intent_id})

    assert done.status_code == 200 and "refunded" in done.content.decode()
    assert attempts(invoice)[-1][1] == "succeeded"  # the money received is recorded
    [refund] = shop.fake.objects("refund")
    assert (refund["payment_intent"], refund["amount"]) == (intent_id, 3630)
    [event] = SubscriptionEvent.objects.filter(subscription=subscription, kind=REFUNDED_DUPLICATE)
    assert event.data["payment_intent"] == intent_id and event.data["amount"] == "36.30"
    assert any(r.levelno == logging.ERROR and intent_id in r.getMessage() for r in caplog.records)
    # The webhook for the same payment refunds nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{link}complete/", {"payment_intent": intent_id}).status_code == 200
    assert shop.fake.count("refund") == 1


def test_the_stale_intent_paid_while_the_retry_waits_is_the_only_charge(webhooks):
    """The cancellation before the retry fails (Stripe down for it), so the retry waits; the customer pays
    the stale intent meanwhile: the webhook records it as the invoice's payment, and the retry is never
    charged, not even by the sweeper once Stripe is back: one charge, nothing to refund."""
    shop = webhooks.shop
    subscription, invoice, _ = _declined_renewal(shop, "pm_card_chargeCustomerFail")
    [stale] = [i["id"] for i in shop.fake.objects("payment_intent")]
    _new_default(shop, subscription)
    outage = shop.fake.fail_next(
        count=100, kind="server_error", executed=False, path_prefix=f"/v1/payment_intents/{stale}/cancel"
    )
    shop.advance(at(2026, 12, 17, 12))
    shop.client.v1.payment_intents.confirm(stale, params={"payment_method": "pm_card_visa"})

    webhooks.post(webhooks.event("payment_intent.succeeded"))
    outage.remaining = 0
    StripeFollowUp.objects.filter(invoice=invoice).update(next_at=timezone.now())
    resume_unfinished(shop.ports(), now=at(2026, 12, 17, 13), installation_id=shop.installation.pk)

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert [a[:2] for a in attempts(invoice)] == [(1, "succeeded"), (2, "cancelled")]  # never sent
    assert _intents_of_attempt(shop, invoice, 2) == []
    assert len(_charges(shop)) == 1 and shop.fake.objects("refund") == []
    assert SubscriptionEvent.objects.filter(subscription=subscription, kind=REFUNDED_DUPLICATE).count() == 0


# -- a payment underway -------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_the_page_offers_no_payment_while_a_sepa_debit_is_processing(client, stripe_shop, language):
    shop = stripe_shop
    Installation.objects.filter(pk=shop.installation.pk).update(language=language)
    subscription = shop.subscriber(sepa=True)
    invoice = shop.renew(subscription)
    assert attempts(invoice) == [(1, "processing", "")]
    link = f"/pay/{_token(invoice)}/"

    page = client.get(link)

    html = page.content.decode()
    assert page.status_code == 200 and "clientSecret" not in html
    assert ("is being processed" if language == "en" else "wordt al een betaling") in html
    assert shop.fake.count("payment_intent") == 1  # no second payment offered


def _token(invoice: Invoice) -> str:
    from saleor_subscriptions.renewals.wiring import pay_url

    return pay_url(invoice).rstrip("/").rsplit("/", 1)[-1]


def test_dunning_sends_no_pay_link_while_a_retry_by_sepa_is_processing(stripe_shop):
    shop = stripe_shop
    subscription, invoice, _ = _declined_renewal(shop, "pm_card_chargeCustomerFail")
    _new_default(
        shop,
        subscription,
        payment_method_types=["sepa_debit"],
        payment_method_data=SEPA_SUCCEEDS,
        mandate_data=ONLINE_MANDATE,
    )
    shop.advance(at(2026, 12, 17, 12))  # day 1: the retry debits SEPA
    assert attempts(invoice)[-1][:2] == (2, "processing")
    reminders = len(shop.notifier.of("payment_failed"))

    shop.advance(at(2026, 12, 19, 12))  # day 3: still clearing

    assert len(shop.notifier.of("payment_failed")) == reminders
    assert len(attempts(invoice)) == 2

