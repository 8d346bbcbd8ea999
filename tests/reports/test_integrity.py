"""Billing integrity: a clean history lists nothing; each rule, broken on purpose, lists the row that breaks
it, naming the subscription, the invoice, what was expected and what was found."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from saleor_subscriptions.invoicing.credits import issue_credit_note
from saleor_subscriptions.invoicing.models import CreditNote, Invoice, NumberSequence
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.reports.integrity import Finding, IntegrityRule, findings
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.factories import make_installation, make_plan_version
from tests.reports.history import History

pytestmark = pytest.mark.django_db


def d(month: int, day: int) -> date:
    return date(2027, month, day)


@pytest.fixture
def history() -> History:
    """Three paid months, each invoice on its order with its charge recorded there."""
    installation = make_installation()
    version = make_plan_version(installation, price=Decimal("30.00"))
    history = History.start(version, d(1, 5))
    history.event(d(1, 5), "activate", "active")
    history.invoice(d(1, 5), d(2, 5), "30.00", index=0, reason="signup", charge=False)
    for index, (start, end) in enumerate([(d(2, 5), d(3, 5)), (d(3, 5), d(4, 5))], start=1):
        invoice = history.invoice(start, end, "30.00", index=index)
        OrderRecord.objects.create(
            invoice=invoice,
            installation=installation,
            transactions={f"pi_{invoice.pk}": "tx"},
            done_at=invoice.paid_at,
        )
    return history


def listed(history: History) -> list[Finding]:
    rows, truncated = findings(history.subscription.installation_id, 100)
    assert not truncated
    return rows


def one(history: History, rule: IntegrityRule) -> Finding:
    rows = listed(history)
    assert [row.rule for row in rows] == [rule], rows
    assert rows[0].subscription_id in (history.subscription.pk, None)
    return rows[0]


def test_a_clean_history_lists_nothing(history):
    assert listed(history) == []


def test_a_period_billed_twice(history):
    again = history.invoice(d(3, 20), d(4, 20), "30.00", index=3)
    OrderRecord.objects.create(invoice=again, installation_id=again.installation_id,
                               transactions={f"pi_{again.pk}": "tx"}, done_at=again.paid_at)  # fmt: skip

    row = one(history, IntegrityRule.PERIOD_BILLED_TWICE)

    assert (row.invoice_id, row.invoice_number) == (again.pk, again.number)
    assert row.expected == "billed once: 2027-03-05 to 2027-04-05 on INV-000003"
    assert row.found == "billed again from 2027-03-20 to 2027-04-20"


def test_a_period_not_billed(history):
    later = history.invoice(d(5, 5), d(6, 5), "30.00", index=4)
    OrderRecord.objects.create(invoice=later, installation_id=later.installation_id,
                               transactions={f"pi_{later.pk}": "tx"}, done_at=later.paid_at)  # fmt: skip

    row = one(history, IntegrityRule.PERIOD_NOT_BILLED)

    assert (row.invoice_id, row.expected, row.found) == (
        later.pk,
        "period 3 billed",
        "next billed period is 4",
    )


def test_a_skip_explains_a_period_not_billed(history):
    history.event(d(4, 1), "skip")
    later = history.invoice(d(5, 5), d(6, 5), "30.00", index=4)
    OrderRecord.objects.create(invoice=later, installation_id=later.installation_id,
                               transactions={f"pi_{later.pk}": "tx"}, done_at=later.paid_at)  # fmt: skip

    assert listed(history) == []


def test_a_gap_in_the_numbers(history):
    Invoice.objects.filter(number="INV-000003").update(number="INV-000009")
    NumberSequence.objects.update(next_number=10)

    row = one(history, IntegrityRule.NUMBER_GAP)

    assert (row.invoice_number, row.expected, row.found) == ("INV-000009", "number 3", "next number is 9")


def test_numbers_taken_that_no_invoice_has(history):
    NumberSequence.objects.update(next_number=6)

    row = one(history, IntegrityRule.NUMBER_GAP)

    assert (row.invoice_id, row.expected, row.found) == (
        None,
        "numbers up to 5 on invoices",
        "the last invoice number is 3",
    )


def test_a_paid_invoice_without_its_order(history):
    Invoice.objects.filter(number="INV-000002").update(saleor_order_id="")

    row = one(history, IntegrityRule.PAID_WITHOUT_ORDER)

    assert (row.invoice_number, row.expected, row.found) == ("INV-000002", "a Saleor order", "none")


def test_a_paid_invoice_without_its_charge(history):
    PaymentAttempt.objects.filter(invoice__number="INV-000003").update(status="declined")

    rows = listed(history)

    assert [(r.rule, r.invoice_number) for r in rows] == [
        (IntegrityRule.PAID_WITHOUT_CHARGE, "INV-000003"),
        (IntegrityRule.ORDER_TOTAL_MISMATCH, "INV-000003"),
    ]
    assert (rows[0].expected, rows[0].found) == ("a succeeded charge of 30.000000", "none")
    assert (rows[1].expected, rows[1].found) == ("recorded on the order 30.000000", "recorded 0.000000")


def test_a_charge_without_its_invoice(history):
    Invoice.objects.filter(number="INV-000003").update(status="void")

    rows = listed(history)

    assert [(r.rule, r.invoice_number) for r in rows] == [
        (IntegrityRule.CHARGE_WITHOUT_INVOICE, "INV-000003")
    ]
    invoice = Invoice.objects.get(number="INV-000003")
    assert (rows[0].expected, rows[0].found) == (
        f"a paid invoice for charge pi_{invoice.pk}",
        "invoice INV-000003 is void",
    )


def test_charged_twice_is_not_what_was_paid(history):
    invoice = Invoice.objects.get(number="INV-000002")
    PaymentAttempt.objects.create(
        installation_id=invoice.installation_id, invoice=invoice, number=2, idempotency_key="again",
        amount=Decimal("30.00"), currency="EUR", status="succeeded", reference="pi_again",
    )  # fmt: skip

    row = one(history, IntegrityRule.CHARGED_NOT_PAID)

    assert (row.invoice_number, row.expected, row.found) == (
        "INV-000002",
        "charged 30.000000",
        "charged 60.000000 in 2 charge(s)",
    )


def test_the_order_records_another_total(history):
    OrderRecord.objects.filter(invoice__number="INV-000002").update(transactions={"pi_unknown": "tx"})

    row = one(history, IntegrityRule.ORDER_TOTAL_MISMATCH)

    assert (row.invoice_number, row.expected, row.found) == (
        "INV-000002",
        "recorded on the order 30.000000",
        "recorded 0.000000",
    )


def stripe_refunded(invoice: Invoice, charge: str, amount: str) -> None:
    """Stripe's `charge.refunded` as the webhook records it: what the charge has refunded in all."""
    SubscriptionEvent.objects.create(
        installation_id=invoice.installation_id, subscription_id=invoice.subscription_id, actor_type="system",
        actor_id="stripe", kind="payment_refunded", from_status="active", to_status="active",
        data={"charge": charge, "invoice": invoice.number, "amount_refunded": amount},
    )  # fmt: skip


def test_a_refund_at_stripe_that_no_credit_note_paid_back(history):
    invoice = Invoice.objects.get(number="INV-000002")
    stripe_refunded(invoice, "ch_1", "5.00")
    stripe_refunded(invoice, "ch_1", "12.50")  # refunded again: the charge's figure in all

    row = one(history, IntegrityRule.REFUNDS_NOT_MATCHING)

    assert (row.invoice_id, row.expected, row.found) == (
        invoice.pk,
        "charged less refunded 30.000000 (paid 30.000000, paid back 0.000000)",
        "charged 30.000000 less refunded 12.500000 at Stripe",
    )


def test_a_refund_paid_back_by_its_credit_note_matches(history):
    invoice = Invoice.objects.get(number="INV-000002")
    issue_credit_note(history.subscription, Decimal("12.50"), reason="paid back", invoice=invoice,
                      refund_reference="re_1")  # fmt: skip

    assert listed(history) == []  # Stripe's event not in yet: the credit note counts

    stripe_refunded(invoice, "ch_1", "12.50")

    assert listed(history) == []


def test_a_credit_note_paid_back_that_stripe_never_refunded(history):
    invoice = Invoice.objects.get(number="INV-000002")
    note = issue_credit_note(history.subscription, Decimal("5.00"), reason="paid back", invoice=invoice,
                             refund_reference="re_1")  # fmt: skip
    assert listed(history) == []  # within a day: Stripe's event may be on its way
    CreditNote.objects.filter(pk=note.pk).update(created_at=note.created_at - timedelta(days=2))

    row = one(history, IntegrityRule.REFUNDS_NOT_MATCHING)

    assert (row.expected, row.found) == (
        "charged less refunded 25.000000 (paid 30.000000, paid back 5.000000)",
        "charged 30.000000 less refunded 0.000000 at Stripe",
    )


def test_an_unneeded_payment_is_kept_until_stripe_refunds_it(history):
    invoice = Invoice.objects.get(number="INV-000002")
    PaymentAttempt.objects.create(
        installation_id=invoice.installation_id, invoice=invoice, number=2, idempotency_key="stale",
        amount=Decimal("30.00"), currency="EUR", status="succeeded", reference="pi_stale",
    )  # fmt: skip
    stripe_refunded(invoice, "ch_stale", "10.00")

    row = next(r for r in listed(history) if r.rule is IntegrityRule.REFUNDS_NOT_MATCHING)
    assert row.found == "charged 60.000000 less refunded 10.000000 at Stripe"

    stripe_refunded(invoice, "ch_stale", "30.00")

    assert IntegrityRule.REFUNDS_NOT_MATCHING not in [r.rule for r in listed(history)]


def test_the_limit_cuts_the_list_and_says_so(history):
    Invoice.objects.update(saleor_order_id="")

    rows, truncated = findings(history.subscription.installation_id, 2)

    assert [r.invoice_number for r in rows] == ["INV-000001", "INV-000002"] and truncated
