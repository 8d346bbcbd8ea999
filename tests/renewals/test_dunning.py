"""Every dunning path of BILLING_RULES §6, driven by the sandbox's test clock.

A monthly 30.00 plan bought on 16 November (Amsterdam, due at 06:00): the renewal of 16 December is the one
that fails; dunning days count from that due date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.clock import ClockError, advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt, attempt_key
from saleor_subscriptions.renewals.outcomes import pay_invoice, record_late_outcome
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.renewals.voiding import void_invoice
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db

DECLINED, SUCCEEDED = ChargeOutcome.DECLINED, ChargeOutcome.SUCCEEDED


def _setup(*outcomes: ChargeOutcome):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    ports = memory_ports()
    ports.payments.script(subscription.customer_key, outcomes)
    return shop, subscription, ports


def _advance(shop: Installation, to, ports) -> list[str]:
    return advance_clock(Installation.objects.get(pk=shop.pk), to, ports)


def _renewal_invoice(subscription: Subscription) -> Invoice:
    [invoice] = [i for i in invoices(subscription) if i.period_start == date(2026, 12, 16)]
    return invoice


def _attempts(invoice: Invoice) -> list[tuple[int, str]]:
    return list(
        PaymentAttempt.objects.filter(invoice=invoice).order_by("number").values_list("number", "status")
    )


def test_recovered_on_the_second_retry_is_active_again_on_its_original_schedule():
    shop, subscription, ports = _setup(DECLINED, DECLINED, SUCCEEDED)
    _advance(shop, at(2026, 12, 26), ports)
    invoice = _renewal_invoice(subscription)
    assert invoice.status == Invoice.Status.PAID
    assert _attempts(invoice) == [(1, "declined"), (2, "declined"), (3, "succeeded")]
    # Retries on day 1 and day 3 after the due date, at the due hour.
    retried = sorted(k for k in ports.payments.charges())
    assert len(retried) == 3
    renewed = reload(subscription)
    assert renewed.status == "active"
    assert renewed.next_billing_at == at(2027, 1, 16, 5)  # no free days, no shifted dates
    assert renewed.next_dunning_at is None
    assert ports.notifier.kinds() == ["payment_failed", "payment_failed", "receipt"]
    kinds = [e.kind for e in renewed.events.all()]
    assert kinds[-3:] == ["invoiced", "mark_past_due", "settle"]


def test_a_charge_that_needs_the_customer_is_not_retried_blindly_and_the_pay_page_completes_it():
    shop, subscription, ports = _setup(ChargeOutcome.REQUIRES_ACTION)
    _advance(shop, at(2026, 12, 20), ports)
    invoice = _renewal_invoice(subscription)
    assert _attempts(invoice) == [(1, "requires_action")]  # days 1 and 3 sent the link again, no charge
    assert len(ports.payments.charges()) == 1
    assert reload(subscription).status == "past_due"
    assert [c.kwargs["attempt"] for c in ports.notifier.of("payment_failed")] == [0, 1, 3]
    # The customer completes 3-D Secure on the pay page: the same attempt succeeds.
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    record_late_outcome(attempt.pk, SUCCEEDED, ports.notifier, ports.pay_url, ports.payments)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert reload(subscription).status == "active"
    assert reload(subscription).next_billing_at == at(2027, 1, 16, 5)


def test_a_sepa_debit_processing_for_days_is_neither_paid_nor_failed_and_then_clears():
    shop, subscription, ports = _setup(ChargeOutcome.PROCESSING)
    _advance(shop, at(2026, 12, 21), ports)
    invoice = _renewal_invoice(subscription)
    assert invoice.status == Invoice.Status.OPEN
    assert reload(subscription).status == "active"  # access continues meanwhile
    assert ports.notifier.kinds() == []
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    record_late_outcome(attempt.pk, SUCCEEDED, ports.notifier, ports.pay_url, ports.payments)
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert ports.notifier.kinds() == ["receipt"]
    # A late "processing" report after success changes nothing.
    record_late_outcome(attempt.pk, ChargeOutcome.PROCESSING, ports.notifier, ports.pay_url, ports.payments)
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == "succeeded"


def test_a_sepa_debit_that_fails_later_starts_dunning_from_that_day():
    shop, subscription, ports = _setup(ChargeOutcome.PROCESSING, DECLINED, SUCCEEDED)
    _advance(shop, at(2026, 12, 20), ports)
    invoice = _renewal_invoice(subscription)
    [attempt] = PaymentAttempt.objects.filter(invoice=invoice)
    record_late_outcome(
        attempt.pk, DECLINED, ports.notifier, ports.pay_url, ports.payments, decline_code="insufficient_funds"
    )
    failed = reload(subscription)
    assert failed.status == "past_due"
    assert failed.past_due_since == date(2026, 12, 20)
    assert PaymentAttempt.objects.get(pk=attempt.pk).status == "failed"
    _advance(shop, at(2026, 12, 24), ports)  # retries on 21 Dec (declined) and 23 Dec (succeeds)
    assert _attempts(invoice) == [(1, "failed"), (2, "declined"), (3, "succeeded")]
    assert reload(subscription).status == "active"


def test_suspended_on_day_7_then_paid_on_the_pay_page_is_active_on_its_original_schedule():
    shop, subscription, ports = _setup(DECLINED, DECLINED, DECLINED, DECLINED)
    _advance(shop, at(2026, 12, 24), ports)
    suspended = reload(subscription)
    assert suspended.status == "suspended"
    assert ports.notifier.kinds().count("suspended") == 1
    pay_invoice(_renewal_invoice(subscription), ports.notifier, ports.payments)
    paid = reload(subscription)
    assert paid.status == "active"
    assert paid.next_billing_at == at(2027, 1, 16, 5)
    assert paid.next_dunning_at is None
    _advance(shop, at(2027, 1, 10), ports)  # no dunning step fires after the payment
    assert reload(subscription).status == "active"


def test_terminated_on_day_21_after_the_warning_on_day_14():
    shop, subscription, ports = _setup(*[DECLINED] * 4)
    lines = _advance(shop, at(2027, 1, 7), ports)
    ended = reload(subscription)
    assert ended.status == "cancelled"
    assert ended.cancel_reason == "nonpayment"
    assert _renewal_invoice(subscription).status == Invoice.Status.UNCOLLECTIBLE
    assert ports.notifier.kinds() == [
        "payment_failed",
        "payment_failed",
        "payment_failed",
        "payment_failed",
        "suspended",
        "termination_warning",
        "cancelled",
    ]
    assert any("cancel_for_nonpayment" in line and "2027-01-06" in line for line in lines)
    assert ended.next_billing_at is None


def test_paying_within_the_reactivation_window_restores_the_original_schedule():
    shop, subscription, ports = _setup(*[DECLINED] * 4)
    _advance(shop, at(2027, 1, 7), ports)
    pay_invoice(_renewal_invoice(subscription), ports.notifier, ports.payments, now=at(2027, 1, 20))
    restored = reload(subscription)
    assert restored.status == "active"
    assert restored.next_billing_at == at(2027, 1, 16, 5)  # the missed renewal is billed at once
    assert [e.kind for e in restored.events.all()][-1] == "reactivate"


def test_paying_after_the_reactivation_window_is_refused():
    shop, subscription, ports = _setup(*[DECLINED] * 4)
    _advance(shop, at(2027, 1, 7), ports)
    invoice = _renewal_invoice(subscription)
    with pytest.raises(LifecycleError) as refused:
        # Cancelled 6 Jan + 30 days = 5 Feb.
        pay_invoice(invoice, ports.notifier, ports.payments, now=at(2027, 2, 6))
    assert refused.value.code == "reactivation_window_closed"
    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.UNCOLLECTIBLE
    assert reload(subscription).status == "cancelled"


def test_the_test_clock_refuses_a_live_installation_and_going_back():
    live = Installation.objects.create(saleor_api_url="https://live.example.com/graphql/")
    with pytest.raises(ClockError, match="is live"):
        advance_clock(live, at(2027, 1, 1), memory_ports())
    shop = sandbox(at(2026, 11, 16), url="https://sandbox.example.com/graphql/")
    with pytest.raises(ClockError, match="only moves forward"):
        advance_clock(shop, at(2026, 11, 1), memory_ports())


def test_a_plan_that_suspends_at_the_first_failure_overrides_the_installation_default():
    shop = sandbox(at(2026, 11, 16), dunning_policy={"retry_days": [2, 4]})
    subscription = signed_up(plan(shop, "30.00", dunning={"on_first_failure": "suspend"}))
    ports = memory_ports()
    ports.payments.script(subscription.customer_key, [DECLINED, DECLINED, SUCCEEDED])
    _advance(shop, at(2026, 12, 16, 12), ports)
    assert reload(subscription).status == "suspended"  # the plan's override
    _advance(shop, at(2026, 12, 18, 4, 59), ports)
    assert len(ports.payments.charges()) == 1  # no retry on day 1: the installation retries on days 2 and 4
    _advance(shop, at(2026, 12, 20, 12), ports)
    assert len(ports.payments.charges()) == 3
    assert reload(subscription).status == "active"


def test_voiding_the_debt_of_a_suspended_subscription_settles_it_and_stops_dunning():
    shop, subscription, ports = _setup(*[DECLINED] * 4)
    _advance(shop, at(2026, 12, 24), ports)
    assert reload(subscription).status == "suspended"
    void_invoice(_renewal_invoice(subscription), actor_id="staff-1", reason="goodwill")
    forgiven = reload(subscription)
    assert forgiven.status == "active"
    assert forgiven.next_dunning_at is None
    assert forgiven.next_billing_at == at(2027, 1, 16, 5)
    _advance(shop, at(2027, 1, 10), ports)
    assert reload(subscription).status == "active"
    assert ports.notifier.kinds().count("cancelled") == 0


class PaysElsewhereDuringTheCharge:
    """The gateway, while a retry's charge is under way the invoice is paid another way (an old pay-page
    tab, an admin): the retry's answer arrives for an invoice that no longer needs it."""

    def __init__(self, inner: Any, invoice: Invoice, notifier: Any) -> None:
        self.inner, self.invoice, self.notifier = inner, invoice, notifier

    def charge(self, request: Any) -> Any:
        pay_invoice(self.invoice, self.notifier, self.inner, actor=Actor.STAFF)
        return self.inner.charge(request)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def test_a_retry_that_succeeds_after_the_invoice_was_paid_another_way_is_refunded():
    shop, subscription, ports = _setup(DECLINED, SUCCEEDED)
    _advance(shop, at(2026, 12, 16, 12), ports)  # declined on the due date
    invoice = _renewal_invoice(subscription)
    inner = ports.payments
    ports.payments = PaysElsewhereDuringTheCharge(inner, invoice, ports.notifier)

    _advance(shop, at(2026, 12, 17, 12), ports)  # the day-1 retry

    assert Invoice.objects.get(pk=invoice.pk).status == Invoice.Status.PAID
    assert _attempts(invoice) == [(1, "declined"), (2, "succeeded")]  # the money received is on record
    [refund] = inner.refunds
    assert (refund["invoice"], refund["amount"]) == (invoice.number, "36.300000")  # 30.00 + 21% tax
    assert refund["reference"] == f"pi_{attempt_key(invoice.pk, 2)}"
    assert ports.notifier.kinds().count("receipt") == 1  # one payment, one receipt


def test_a_retry_of_an_invoice_no_longer_owed_is_cancelled_not_charged():
    shop, subscription, ports = _setup(DECLINED)
    _advance(shop, at(2026, 12, 16, 12), ports)
    invoice = _renewal_invoice(subscription)
    retry = PaymentAttempt.objects.create(
        installation_id=invoice.installation_id,
        invoice=invoice,
        number=2,
        idempotency_key=attempt_key(invoice.pk, 2),
        amount=invoice.amount_due,
        currency=invoice.currency,
    )
    Invoice.objects.filter(pk=invoice.pk).update(
        status=Invoice.Status.UNCOLLECTIBLE, pipeline_step=Invoice.PipelineStep.CHARGE, lease_until=None
    )

    resume_unfinished(ports, now=at(2026, 12, 16, 13), installation_id=shop.pk)

    assert PaymentAttempt.objects.get(pk=retry.pk).status == "cancelled"
    assert attempt_key(invoice.pk, 2) not in ports.payments.charges()
    assert Invoice.objects.get(pk=invoice.pk).pipeline_step == Invoice.PipelineStep.DONE


@pytest.mark.parametrize(("actor", "method"), [(Actor.STAFF, "bank_transfer"), (Actor.CUSTOMER, "")])
def test_an_invoice_staff_mark_paid_was_paid_by_bank_transfer(actor, method):
    shop, subscription, ports = _setup(DECLINED, DECLINED, DECLINED, DECLINED)
    _advance(shop, at(2026, 12, 17), ports)
    assert _renewal_invoice(subscription).status == "open"

    pay_invoice(_renewal_invoice(subscription), ports.notifier, ports.payments, actor=actor)

    paid = _renewal_invoice(subscription)
    assert (paid.status, paid.paid_method_type) == ("paid", method)
