"""A staff user has an open invoice charged again now (BILLING_RULES §6, §7): a new attempt the sweeper
charges, its outcome recorded as any charge's; refused for an invoice not open or with a charge under way."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.renewals.staff_retry import retry_invoice_now
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db


def _declined_renewal(*outcomes: ChargeOutcome):
    """The renewal of 16 December declined: the subscription past due, its invoice open."""
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    ports = memory_ports()
    ports.payments.script(subscription.customer_key, (ChargeOutcome.DECLINED, *outcomes))
    advance_clock(Installation.objects.get(pk=shop.pk), at(2026, 12, 16, 12), ports)
    [invoice] = [i for i in invoices(subscription) if i.period_start == date(2026, 12, 16)]
    assert (invoice.status, reload(subscription).status) == ("open", "past_due")
    return shop, subscription, ports, invoice


def _attempts(invoice: Invoice) -> list[tuple[int, str]]:
    return list(invoice.attempts.order_by("number").values_list("number", "status"))


def test_a_retry_asked_by_staff_is_charged_by_the_sweeper_and_settles_the_subscription():
    shop, subscription, ports, invoice = _declined_renewal(ChargeOutcome.SUCCEEDED)
    dunning_at = reload(subscription).next_dunning_at

    attempt = retry_invoice_now(invoice, ports.payments, actor_id="VXNlcjox", reason="card replaced")

    assert (attempt.number, attempt.status) == (2, "pending")
    event = reload(subscription).events.order_by("-pk")[0]
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "invoice_retry_requested",
        "staff",
        "VXNlcjox",
        "card replaced",
    )
    assert event.data["invoice"] == invoice.number and event.data["attempt"] == 2
    assert reload(subscription).next_dunning_at == dunning_at  # the dunning schedule does not move

    resume_unfinished(ports, now=at(2026, 12, 16, 13), installation_id=shop.pk)

    assert _attempts(invoice) == [(1, "declined"), (2, "succeeded")]
    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert reload(subscription).status == "active"


def test_a_declined_retry_leaves_the_dunning_where_it_stands():
    shop, subscription, ports, invoice = _declined_renewal(ChargeOutcome.DECLINED)

    retry_invoice_now(invoice, ports.payments, actor_id="VXNlcjox")
    resume_unfinished(ports, now=at(2026, 12, 16, 13), installation_id=shop.pk)

    assert _attempts(invoice) == [(1, "declined"), (2, "declined")]
    assert (Invoice.objects.get(pk=invoice.pk).status, reload(subscription).status) == ("open", "past_due")


def _refusal(invoice: Invoice, ports) -> str:
    before = (Invoice.objects.filter(pk=invoice.pk).values().get(), _attempts(invoice))
    with pytest.raises(LifecycleError) as error:
        retry_invoice_now(invoice, ports.payments, actor_id="VXNlcjox")
    assert (Invoice.objects.filter(pk=invoice.pk).values().get(), _attempts(invoice)) == before
    assert error.value.field == "invoice"
    return error.value.code


def test_refused_for_an_invoice_not_open_or_with_a_charge_under_way():
    _shop, _subscription, ports, invoice = _declined_renewal()
    retry_invoice_now(invoice, ports.payments, actor_id="VXNlcjox")

    assert _refusal(invoice, ports) == "payment_in_flight"  # the retry itself is still to be charged
    Invoice.objects.filter(pk=invoice.pk).update(pipeline_step="done")
    PaymentAttempt.objects.filter(invoice=invoice, number=2).update(status="processing")
    assert _refusal(invoice, ports) == "payment_in_flight"  # a SEPA debit clearing
    PaymentAttempt.objects.filter(invoice=invoice, number=2).update(status="declined")
    Invoice.objects.filter(pk=invoice.pk).update(status="void")
    assert _refusal(invoice, ports) == "nothing_owed"
