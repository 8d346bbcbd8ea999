"""Voiding an open invoice nothing was paid on; everything else is refused with its code (§4)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from saleor_subscriptions.renewals.voiding import void_invoice
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import active_since, at, last_event, period_invoice, plan, sandbox

pytestmark = pytest.mark.django_db


def _open_invoice(status: str = "open") -> Invoice:
    shop = sandbox(at(2026, 12, 3))
    sub = active_since(plan(shop, "30.00"), date(2026, 11, 1), index=1)  # 1 December .. 1 January
    invoice = period_invoice(sub, status=status)
    invoice.pipeline_step = Invoice.PipelineStep.CHARGE
    invoice.save(update_fields=["pipeline_step"])
    return invoice


def _attempt(invoice: Invoice, status: str, number: int = 1) -> PaymentAttempt:
    return PaymentAttempt.objects.create(
        installation=invoice.installation,
        invoice=invoice,
        number=number,
        idempotency_key=attempt_key(invoice.pk, number),
        amount=invoice.amount_due,
        currency=invoice.currency,
        status=status,
    )


def _refusal(invoice: Invoice) -> str:
    before = Invoice.objects.filter(pk=invoice.pk).values().get()
    with pytest.raises(LifecycleError) as error:
        void_invoice(invoice, actor_id="VXNlcjoy", reason="billed by mistake")
    assert Invoice.objects.filter(pk=invoice.pk).values().get() == before
    assert error.value.field == "invoice"
    return error.value.code


def test_an_open_invoice_without_payment_is_voided_closed_and_leaves_the_pipeline():
    invoice = _open_invoice()
    voided = void_invoice(invoice, actor_id="VXNlcjoy", reason="billed by mistake")
    stored = Invoice.objects.get(pk=invoice.pk)
    assert (stored.status, stored.closed_at, stored.pipeline_step, stored.lease_until) == (
        "void",
        at(2026, 12, 3),
        "done",
        None,
    )
    assert (stored.number, stored.amount_due) == (invoice.number, Decimal("30.00"))  # number kept
    assert voided.status == "void"
    event = last_event(invoice.subscription)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "invoice_voided",
        "staff",
        "VXNlcjoy",
        "billed by mistake",
    )
    assert event.data == {"invoice": invoice.number, "amount_due": "30.000000"}


@pytest.mark.parametrize("status", ["declined", "requires_action", "failed"])
def test_an_open_invoice_whose_charges_all_failed_can_be_voided(status):
    invoice = _open_invoice()
    _attempt(invoice, status)
    assert void_invoice(invoice.pk, actor_id="VXNlcjoy", reason="goodwill").status == "void"


def test_a_paid_invoice_is_refused_as_paid_it_is_refunded_instead():
    assert _refusal(_open_invoice(status="paid")) == "invoice_paid"


def test_an_open_invoice_with_a_succeeded_charge_is_refused_as_paid():
    invoice = _open_invoice()
    _attempt(invoice, "declined", 1)
    _attempt(invoice, "succeeded", 2)
    assert _refusal(invoice) == "invoice_paid"


def test_an_invoice_with_a_charge_sent_and_not_answered_is_refused_as_in_flight():
    invoice = _open_invoice()
    _attempt(invoice, "pending")
    assert _refusal(invoice) == "payment_in_flight"


def test_an_invoice_with_a_processing_sepa_debit_is_refused_as_in_flight():
    invoice = _open_invoice()
    _attempt(invoice, "processing")
    assert _refusal(invoice) == "payment_in_flight"


def test_an_invoice_that_used_the_customers_credit_is_refused():
    invoice = _open_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(credit_applied=Decimal("10.00"), amount_due=Decimal("20.00"))
    assert _refusal(invoice) == "credit_applied"


@pytest.mark.parametrize("status", ["draft", "void", "uncollectible"])
def test_an_invoice_that_is_not_open_is_refused(status):
    invoice = _open_invoice()
    Invoice.objects.filter(pk=invoice.pk).update(status=status)
    assert _refusal(invoice) == "invoice_not_open"
