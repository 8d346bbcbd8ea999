"""Staff refund a paid invoice through /graphql/ (MANAGE_ORDERS, or an API key with `write`; BILLING_RULES §7,
§8), against the fake Stripe over HTTP: money back on the invoice's charge with a credit note documenting it,
or a credit note on the customer's balance; never more than is left; a retried request refunds once; refusals
name their argument and change nothing."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.api.ids import global_id
from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.payments.accounts import StripeKeys, connect_stripe
from saleor_subscriptions.payments.customers import stripe_customer_for
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.subscriptions.models import Subscription
from tests.api.staff_support import snapshot, staff_events, staff_token, staff_user_id, subscription
from tests.fakes.stripe import FakeStripe
from tests.lifecycle.helpers import period_invoice
from tests.payments.stripe_webhooks.stripe_shop import fake_stripe, fake_stripe_server, stripe_settings

__all__ = ["fake_stripe", "fake_stripe_server", "stripe_settings"]

pytestmark = pytest.mark.django_db

REFUND = """
mutation Refund($id: ID!, $amount: Decimal, $as: InvoiceRefundAs!, $reason: String, $key: String) {
  staffInvoiceRefund(id: $id, amount: $amount, as: $as, reason: $reason, idempotencyKey: $key) {
    invoice { number status } creditNote { number amount invoiceNumber stripeRefund }
    refundedAmount stripeRefund errors { field code message }
  }
}
"""


def _charged(shop: Any, fake: FakeStripe) -> tuple[Subscription, Invoice]:
    """A paid 30.00 EUR invoice whose money a card paid through the fake Stripe (a succeeded attempt)."""
    account = connect_stripe(shop.installation, "", StripeKeys(fake.secret_key, fake.publishable_key, ""))
    sub = subscription(shop)
    invoice = period_invoice(sub)
    customer = stripe_customer_for(account, sub.customer_key, email=sub.customer_email)
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
    assert intent.status == "succeeded"
    PaymentAttempt.objects.create(
        installation=shop.installation,
        invoice=invoice,
        number=1,
        idempotency_key=f"invoice-{invoice.pk}-attempt-1",
        amount=invoice.total,
        currency="EUR",
        status="succeeded",
        reference=intent.id,
    )
    return sub, invoice


def _call(api: Any, shop: Any, invoice: Invoice, **variables: Any) -> Any:
    variables = {"id": global_id("Invoice", invoice.pk), "as": "MONEY_BACK"} | variables
    return api.data(REFUND, variables, token=staff_token(shop))


def test_money_back_refunds_the_charge_at_stripe_with_a_credit_note(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)

    answer = _call(api, shop, invoice, amount="12.50", reason="damaged beans")

    assert answer["errors"] == []
    [note] = CreditNote.objects.filter(invoice=invoice)
    [refund] = stripe_settings.objects("refund")
    assert answer["creditNote"] == {
        "number": note.number,
        "amount": "12.50",
        "invoiceNumber": invoice.number,
        "stripeRefund": refund["id"],
    }
    assert (answer["refundedAmount"], answer["stripeRefund"]) == ("12.50", refund["id"])
    assert (refund["amount"], note.refund_reference) == (1250, refund["id"])
    assert stripe_settings.objects("charge")[0]["amount_refunded"] == 1250
    assert credit_balance(shop.installation, sub.customer_key, "EUR") == 0  # the money went back
    assert staff_events(sub)[-1] == ("invoice_refunded", "staff", staff_user_id(shop), "damaged beans")
    assert answer["invoice"]["status"] == "PAID"


def test_without_an_amount_everything_left_is_refunded_and_then_nothing_is(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)
    assert _call(api, shop, invoice, amount="10.00")["errors"] == []

    rest = _call(api, shop, invoice)

    assert (rest["errors"], rest["refundedAmount"]) == ([], "20.00")
    assert stripe_settings.objects("charge")[0]["amount_refunded"] == 3000
    assert sorted(n.amount for n in CreditNote.objects.filter(invoice=invoice)) == [Decimal(10), Decimal(20)]
    assert _refused(api, shop, sub, invoice) == ("id", "NOTHING_TO_REFUND")


def test_a_credit_note_refund_goes_on_the_balance_and_moves_no_money(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)

    answer = _call(api, shop, invoice, amount="5.00", **{"as": "CREDIT_NOTE"})

    assert (answer["errors"], answer["refundedAmount"], answer["stripeRefund"]) == ([], "5.00", None)
    assert answer["creditNote"]["stripeRefund"] is None
    assert stripe_settings.requests("POST", "/v1/refunds") == []
    assert credit_balance(shop.installation, sub.customer_key, "EUR") == Decimal("5.00")
    # Money back afterwards is what is left of the invoice: 25.00, not the 30.00 its charge has.
    assert _refused(api, shop, sub, invoice, amount="25.01") == ("amount", "REFUND_TOO_LARGE")
    assert _call(api, shop, invoice)["refundedAmount"] == "25.00"


def test_a_request_sent_again_with_its_key_refunds_once(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)

    first = _call(api, shop, invoice, amount="7.00", key="req-1")
    again = _call(api, shop, invoice, amount="7.00", key="req-1")

    assert first == again
    assert stripe_settings.count("refund") == 1
    assert CreditNote.objects.filter(invoice=invoice).count() == 1
    assert _refused(api, shop, sub, invoice, amount="8.00", key="req-1") == (
        "idempotencyKey",
        "INVALID_IDEMPOTENCY_KEY",
    )


def test_a_refund_stripe_did_not_answer_is_made_once_when_sent_again_with_its_key(
    api, shop, stripe_settings, settings
):
    _sub, invoice = _charged(shop, stripe_settings)
    stripe_settings.fail_next(kind="timeout", delay=1.0, path_prefix="/v1/refunds")
    settings.STRIPE_TIMEOUT_S = 0.3

    down = _call(api, shop, invoice, amount="4.00", key="req-2")

    assert [(e["field"], e["code"]) for e in down["errors"]] == [("id", "GATEWAY_UNAVAILABLE")]
    assert CreditNote.objects.filter(invoice=invoice).count() == 0
    settings.STRIPE_TIMEOUT_S = 30

    retried = _call(api, shop, invoice, amount="4.00", key="req-2")

    assert retried["errors"] == []
    assert stripe_settings.count("refund") == 1
    assert stripe_settings.objects("charge")[0]["amount_refunded"] == 400


def test_a_key_whose_refund_stripe_made_unanswered_is_refused_by_stripe_for_another_amount(
    api, shop, stripe_settings, settings
):
    sub, invoice = _charged(shop, stripe_settings)
    stripe_settings.fail_next(kind="timeout", delay=1.0, path_prefix="/v1/refunds")  # made, answer lost
    settings.STRIPE_TIMEOUT_S = 0.3
    assert _call(api, shop, invoice, amount="4.00", key="req-3")["errors"][0]["code"] == "GATEWAY_UNAVAILABLE"
    settings.STRIPE_TIMEOUT_S = 30

    assert _refused(api, shop, sub, invoice, amount="5.00", key="req-3") == ("id", "REFUND_REFUSED")
    assert stripe_settings.count("refund") == 1


def _refused(api: Any, shop: Any, sub: Subscription, invoice: Invoice, **variables: Any) -> tuple[str, str]:
    before = snapshot(sub)
    answer = _call(api, shop, invoice, **variables)
    assert answer["invoice"] is None and answer["creditNote"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_their_argument_and_change_nothing(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)
    open_invoice = period_invoice(subscription(shop), status="open")
    by_transfer = period_invoice(subscription(shop))

    for amount in ("0", "-1", "1.001"):
        assert _refused(api, shop, sub, invoice, amount=amount) == ("amount", "INVALID_REFUND_AMOUNT")
    assert _refused(api, shop, sub, invoice, amount="30.01") == ("amount", "REFUND_TOO_LARGE")
    assert _refused(api, shop, sub, invoice, amount="1", key=" ") == (
        "idempotencyKey",
        "INVALID_IDEMPOTENCY_KEY",
    )
    assert _refused(api, shop, sub, invoice, reason="r" * 201) == ("reason", "INVALID_REASON")
    assert _refused(api, shop, sub, open_invoice) == ("id", "INVOICE_NOT_PAID")
    assert _refused(api, shop, by_transfer.subscription, by_transfer) == ("id", "NOTHING_TO_REFUND")
    assert _refused(api, shop, sub, invoice, id="SW52b2ljZTo5OTk5OQ==") == ("id", "NOT_FOUND")
    assert stripe_settings.requests("POST", "/v1/refunds") == []


def test_only_staff_with_manage_orders_may(api, shop, stripe_settings):
    sub, invoice = _charged(shop, stripe_settings)
    before = snapshot(sub)
    variables = {"id": global_id("Invoice", invoice.pk), "as": "MONEY_BACK"}

    assert api.refused(REFUND, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(REFUND, variables, token=staff_token(shop, ("MANAGE_DISCOUNTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert snapshot(sub) == before
    assert stripe_settings.requests("POST", "/v1/refunds") == []
