"""What Stripe's events do, applied from the objects' state as Stripe has it now: in any order, twice, or
late, they end in the same state (ARCHITECTURE flow 7, BILLING_RULES §6)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.payments.stripe_webhooks.models import StripeEvent
from saleor_subscriptions.payments.stripe_webhooks.tasks import process_pending_stripe_events
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.fakes.stripe.scenarios import ONLINE_MANDATE, SEPA_FAILS, bank_method
from tests.invoicing.test_documents import pdf_text
from tests.payments.stripe_webhooks.stripe_shop import (
    attempts,
    fake_stripe,
    fake_stripe_server,
    renewal_invoice,
    stripe_settings,
    stripe_shop,
    webhooks,
)
from tests.renewals.support import at, reload

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings", "stripe_shop", "webhooks"]

pytestmark = pytest.mark.django_db

INTENT_EVENTS = (
    "payment_intent.processing",
    "payment_intent.succeeded",
    "payment_intent.payment_failed",
    "payment_intent.requires_action",
)


def _emails(kind: str) -> int:
    return OutgoingEmail.objects.filter(kind=kind).count()


# -- SEPA: processing, then Stripe settles -----------------------------------------------------------------


@pytest.mark.parametrize("order", ["created", "reversed"])
def test_a_sepa_debit_that_clears_pays_the_invoice_whatever_the_order_of_the_events(webhooks, order):
    shop = webhooks.shop
    subscription = shop.subscriber(sepa=True)
    invoice = shop.renew(subscription)
    assert attempts(invoice) == [(1, "processing", "")]
    shop.fake.settle_processing()

    statuses = webhooks.post_all(order, types=INTENT_EVENTS)

    assert set(statuses) == {200}
    paid = Invoice.objects.get(pk=invoice.pk)
    assert paid.status == Invoice.Status.PAID and paid.amount_paid == Decimal("36.30")
    # The method as the charge's payment_method_details name it: SEPA, the IBAN's last four.
    assert (paid.paid_method_type, paid.paid_method_last4) == ("sepa_debit", "3000")
    assert attempts(invoice) == [(1, "succeeded", "")]
    assert reload(subscription).status == "active"
    assert _emails("receipt") == 1  # once, however many events said so
    receipt = OutgoingEmail.objects.get(kind="receipt")
    assert "Paid with: SEPA Direct Debit \u2022\u2022\u2022\u2022 3000" in receipt.text_body
    outcomes = list(StripeEvent.objects.order_by("pk").values_list("outcome", flat=True))
    assert sum(1 for o in outcomes if o.get("changed")) == 1


def test_a_sepa_debit_that_fails_after_processing_starts_dunning_once(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber(sepa=SEPA_FAILS)
    invoice = shop.renew(subscription)
    shop.fake.settle_processing()

    webhooks.post(webhooks.event("payment_intent.payment_failed"))
    webhooks.post(webhooks.event("payment_intent.processing"))  # older news, later: changes nothing

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.OPEN
    [(number, status, code)] = attempts(invoice)
    assert (number, status) == (1, "failed") and code
    failed = reload(subscription)
    assert failed.status == "past_due" and failed.next_dunning_at is not None
    assert _emails("payment_failed") == 1


def test_a_success_never_goes_back_to_processing(webhooks):
    shop = webhooks.shop
    invoice = shop.renew(shop.subscriber(sepa=True))
    processing = webhooks.event("payment_intent.processing")
    shop.fake.settle_processing()
    webhooks.post(webhooks.event("payment_intent.succeeded"))

    response = webhooks.post(processing)

    assert StripeEvent.objects.get(pk=response.json()["event"]).outcome["changed"] is False
    assert attempts(invoice) == [(1, "succeeded", "")]
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID


# -- off-session card renewals -------------------------------------------------------------------------------


def test_the_authentication_required_failure_event_keeps_the_attempt_waiting_for_the_customer(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_authenticationRequired")
    invoice = shop.renew(subscription)

    response = webhooks.post(webhooks.event("payment_intent.payment_failed"))

    assert StripeEvent.objects.get(pk=response.json()["event"]).outcome["changed"] is False
    assert attempts(invoice) == [(1, "requires_action", "authentication_required")]
    assert reload(subscription).status == "past_due"


def test_a_payment_intent_of_a_checkout_is_recorded_and_left_alone(webhooks):
    shop = webhooks.shop
    shop.client.v1.payment_intents.create(
        params={"amount": 1500, "currency": "eur", "payment_method": "pm_card_visa", "confirm": True}
    )

    response = webhooks.post(webhooks.event("payment_intent.succeeded"))

    outcome = StripeEvent.objects.get(pk=response.json()["event"]).outcome
    assert outcome == {"ignored": "not a payment of one of this installation's invoices"}


# -- refunds and disputes ----------------------------------------------------------------------------------


@pytest.fixture
def paid(webhooks):
    subscription = webhooks.shop.subscriber("pm_card_visa")
    return subscription, webhooks.shop.renew(subscription)


def _events(subscription, kind):
    return list(SubscriptionEvent.objects.filter(subscription=subscription, kind=kind).order_by("pk"))


def test_refunds_at_stripe_are_written_on_the_subscription_once_each(webhooks, paid):
    subscription, invoice = paid
    StripeGateway().refund(invoice, Decimal("10.00"))
    first = webhooks.event("charge.refunded")
    StripeGateway().refund(invoice)  # the rest

    webhooks.post_all("reversed", types=("charge.refunded",))
    webhooks.post(first)  # a replay

    [refunded] = _events(subscription, "payment_refunded")  # both events read the charge as it is now
    assert refunded.data == {
        "charge": first["data"]["object"]["id"],
        "invoice": invoice.number,
        "amount_refunded": "36.30",
    }
    assert "36.30 EUR refunded in full" in refunded.reason
    assert refunded.from_status == refunded.to_status == "active" and refunded.actor_type == "system"


def test_a_dispute_is_written_on_the_subscription_with_what_the_shop_owner_must_do(webhooks, paid):
    subscription, invoice = paid
    [intent] = webhooks.shop.fake.objects("payment_intent")
    webhooks.shop.fake.create_dispute(intent["id"], reason="fraudulent")

    webhooks.post(webhooks.event("charge.dispute.created"))
    webhooks.post(webhooks.event("charge.dispute.created"))

    [disputed] = _events(subscription, "payment_disputed")
    assert disputed.data["amount"] == "36.30" and disputed.data["reason"] == "fraudulent"
    assert disputed.data["invoice"] == invoice.number
    assert "answer at Stripe before" in disputed.reason


# -- saved payment methods -----------------------------------------------------------------------------------


def _set_up(shop, subscription, card: str) -> str:
    setup = shop.client.v1.setup_intents.create(
        params={
            "customer": shop.customer(subscription).stripe_customer_id,
            "payment_method": card,
            "confirm": True,
        }
    )
    return str(setup.payment_method)


def test_a_card_set_up_at_stripe_becomes_the_one_renewals_charge(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    new_card = _set_up(shop, subscription, "pm_card_mastercard")

    webhooks.post(webhooks.event("setup_intent.succeeded"))

    customer = shop.customer(subscription)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (new_card, "card")


def test_the_cards_brand_and_last_four_are_kept_and_the_renewal_it_pays_names_them(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    _set_up(shop, subscription, "pm_card_mastercard")

    webhooks.post(webhooks.event("setup_intent.succeeded"))

    customer = shop.customer(subscription)
    assert (customer.payment_method_brand, customer.payment_method_last4) == ("mastercard", "4444")
    invoice = shop.renew(subscription)
    assert invoice.status == "paid"
    assert (invoice.paid_method_type, invoice.paid_method_brand, invoice.paid_method_last4) == (
        "card",
        "mastercard",
        "4444",
    )
    assert "Paid on 16 December 2026 by Mastercard \u2022\u2022\u2022\u2022 4444" in pdf_text(
        render_invoice_pdf(invoice)
    )


def test_set_ups_arriving_in_reverse_order_leave_the_newest_card(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    _set_up(shop, subscription, "pm_card_mastercard")
    newest = _set_up(shop, subscription, "pm_card_amex")

    webhooks.post_all("reversed", types=("setup_intent.succeeded",))

    assert shop.customer(subscription).default_payment_method_id == newest


def test_a_detached_card_is_no_longer_charged(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    card = shop.customer(subscription).default_payment_method_id
    shop.client.v1.payment_methods.detach(card)

    response = webhooks.post(webhooks.event("payment_method.detached"))

    assert StripeEvent.objects.get(pk=response.json()["event"]).outcome == {
        "payment_method": card,
        "customers": 1,
    }
    assert shop.customer(subscription).default_payment_method_id == ""
    invoice = shop.renew(subscription)
    assert attempts(invoice) == [(1, "declined", "no_payment_method")]


def test_a_revoked_sepa_mandate_is_no_longer_charged(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber(sepa=True)
    [mandate] = shop.fake.objects("mandate")
    shop.fake.update_mandate(mandate["id"], "inactive")

    webhooks.post(webhooks.event("mandate.updated"))

    assert shop.customer(subscription).default_payment_method_id == ""


def test_a_mandate_reinstated_before_its_event_arrived_is_kept(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber(sepa=True)
    [mandate] = shop.fake.objects("mandate")
    shop.fake.update_mandate(mandate["id"], "inactive")
    shop.fake.update_mandate(mandate["id"], "active")

    webhooks.post(webhooks.event("mandate.updated", 0))  # the "inactive" one, late

    assert shop.customer(subscription).default_payment_method_id == mandate["payment_method"]


# -- the renewal lost Stripe's answer: the webhook comes first --------------------------------------------


def _charge_answer_lost(shop, subscription) -> Invoice:
    """The renewal's charge times out after Stripe did it: the attempt is still pending, to resume."""
    shop.fake.fail_next(kind="timeout", delay=1.0, path_prefix="/v1/payment_intents")
    shop.advance(at(2026, 12, 16, 5), StripeGateway(timeout_s=0.3))  # due 06:00 Amsterdam
    invoice = renewal_invoice(subscription)
    assert attempts(invoice) == [(1, "pending", "")] and shop.fake.count("payment_intent") == 1
    return invoice


def test_a_success_reported_before_the_renewal_stored_its_answer_is_recorded_once(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    invoice = _charge_answer_lost(shop, subscription)

    webhooks.post(webhooks.event("payment_intent.succeeded"))
    assert attempts(invoice) == [(1, "succeeded", "")]
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    shop.advance(at(2026, 12, 17))  # the sweeper resumes the invoice: nothing left to charge

    assert shop.fake.count("payment_intent") == 1 and shop.fake.count("charge") == 1
    attempt = Invoice.objects.get(pk=invoice.pk).attempts.get()
    assert attempt.reference == shop.fake.objects("payment_intent")[0]["id"]
    assert _emails("receipt") == 1 and reload(subscription).status == "active"


def test_a_failure_reported_before_the_renewal_stored_its_answer_is_left_to_the_renewal(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_authenticationRequired")
    invoice = _charge_answer_lost(shop, subscription)

    response = webhooks.post(webhooks.event("payment_intent.payment_failed"))
    assert StripeEvent.objects.get(pk=response.json()["event"]).outcome["changed"] is False
    shop.advance(at(2026, 12, 16, 12))  # the sweeper asks again with the same key: Stripe replays the 402

    assert attempts(invoice) == [(1, "requires_action", "authentication_required")]
    assert shop.fake.count("payment_intent") == 1
    assert reload(subscription).status == "past_due" and len(shop.notifier.of("payment_failed")) == 1


def _bank_set_up(shop, subscription, kind: str) -> str:
    """An iDEAL/Bancontact SetupIntent authorised at the bank (a customer replacing their method); its id."""
    setup = shop.client.v1.setup_intents.create(
        params={
            "customer": shop.customer(subscription).stripe_customer_id,
            "payment_method_types": [kind],
            "payment_method_data": bank_method(kind),
            "mandate_data": ONLINE_MANDATE,
            "return_url": "https://shop.example/done",
            "confirm": True,
            "usage": "off_session",
        }
    )
    shop.fake.complete_authentication(setup.id)
    return setup.id


@pytest.mark.parametrize("kind", ["ideal", "bancontact"])
def test_a_bank_set_up_leaves_its_generated_sepa_method_as_the_one_renewals_charge(webhooks, kind):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    setup_id = _bank_set_up(shop, subscription, kind)
    attempt = shop.fake.get(shop.fake.get(setup_id)["latest_attempt"])
    generated = attempt["payment_method_details"][kind]["generated_sepa_debit"]

    webhooks.post(webhooks.event("setup_intent.succeeded"))

    customer = shop.customer(subscription)
    assert (customer.default_payment_method_id, customer.payment_method_type) == (generated, "sepa_debit")


@pytest.mark.django_db
def test_a_bank_set_up_whose_sepa_method_stripe_has_not_reported_yet_is_applied_again_later(webhooks):
    shop = webhooks.shop
    subscription = shop.subscriber("pm_card_visa")
    card = shop.customer(subscription).default_payment_method_id
    setup_id = _bank_set_up(shop, subscription, "ideal")
    details = shop.fake.get(shop.fake.get(setup_id)["latest_attempt"])["payment_method_details"]["ideal"]
    generated = details.pop("generated_sepa_debit")  # Stripe's attempt without it, for a while

    response = webhooks.post(webhooks.event("setup_intent.succeeded"))

    event = StripeEvent.objects.get(pk=response.json()["event"])
    assert event.status == "failed" and event.outcome["transient"] is True
    assert "has not reported the SEPA Direct Debit method yet" in event.outcome["error"]
    assert shop.customer(subscription).default_payment_method_id == card  # nothing changed meanwhile

    details["generated_sepa_debit"] = generated  # Stripe catches up
    StripeEvent.objects.filter(pk=event.pk).update(processed_at=timezone.now() - timedelta(minutes=10))
    process_pending_stripe_events()

    assert StripeEvent.objects.get(pk=event.pk).status == "processed"
    assert shop.customer(subscription).default_payment_method_id == generated
