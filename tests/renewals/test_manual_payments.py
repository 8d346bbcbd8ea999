"""Staff record a bank transfer that paid an open invoice (BILLING_RULES §5, §7): the invoice paid on the day
given, the dunned subscription settled, the payment kept as a succeeded attempt `bank-transfer:<ref>` that is
never refunded through Stripe; refused for a future day, an empty reference, an invoice not open or a charge
under way, changing nothing."""

from __future__ import annotations

from datetime import date

import pytest

from saleor_subscriptions.invoicing.documents import render_invoice_pdf
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.paid_with import BANK_TRANSFER
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.manual_payments import mark_invoice_paid
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.tenants.models import Installation
from tests.invoicing.test_documents import pdf_text
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db


def _declined_renewal():
    """The renewal of 16 December declined: the subscription past due, its invoice open (on 18 December)."""
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    ports = memory_ports()
    ports.payments.script(subscription.customer_key, (ChargeOutcome.DECLINED,) * 5)
    advance_clock(Installation.objects.get(pk=shop.pk), at(2026, 12, 18, 12), ports)
    [invoice] = [i for i in invoices(subscription) if i.period_start == date(2026, 12, 16)]
    assert (invoice.status, reload(subscription).status) == ("open", "past_due")
    return shop, subscription, ports, invoice


def _attempts(invoice: Invoice) -> list[tuple[str, str]]:
    return list(invoice.attempts.order_by("number").values_list("status", "reference"))


def test_a_bank_transfer_pays_the_invoice_on_its_day_and_settles_the_subscription():
    _shop, subscription, ports, invoice = _declined_renewal()

    paid = mark_invoice_paid(
        invoice,
        ports.notifier,
        ports.payments,
        reference=" NL-2026-0042 ",
        paid_on=date(2026, 12, 17),
        actor_id="VXNlcjox",
        reason="transfer received",
    )

    assert (paid.status, paid.amount_paid) == ("paid", invoice.amount_due)
    assert paid.paid_at == at(2026, 12, 17, 5)  # 06:00 in Amsterdam, the installation's due hour
    assert _attempts(invoice)[-1] == ("succeeded", "bank-transfer:NL-2026-0042")
    renewed = reload(subscription)
    assert (renewed.status, renewed.next_dunning_at) == ("active", None)
    event = renewed.events.order_by("-pk")[0]
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "invoice_marked_paid",
        "staff",
        "VXNlcjox",
        "transfer received",
    )
    assert event.data["reference"] == "NL-2026-0042" and event.data["paid_on"] == "2026-12-17"
    assert "receipt" in ports.notifier.kinds()


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("en", "Paid on 17 December 2026 by bank transfer"),
        ("nl", "Betaald op 17 december 2026 per bankoverschrijving"),
    ],
)
def test_the_invoice_marked_paid_says_it_was_paid_by_bank_transfer(language, expected):
    shop, _subscription, ports, invoice = _declined_renewal()
    Installation.objects.filter(pk=shop.pk).update(language=language)

    mark_invoice_paid(
        invoice,
        ports.notifier,
        ports.payments,
        reference="NL-2026-0042",
        paid_on=date(2026, 12, 17),
        actor_id="VXNlcjox",
    )

    paid = Invoice.objects.get(pk=invoice.pk)
    assert paid.paid_method == BANK_TRANSFER
    text = pdf_text(render_invoice_pdf(paid))
    assert expected in text and "Visa" not in text


def _refusal(invoice: Invoice, ports, **changes) -> tuple[str, str | None]:
    before = (Invoice.objects.filter(pk=invoice.pk).values().get(), _attempts(invoice))
    arguments = {"reference": "REF-1", "paid_on": date(2026, 12, 18), **changes}
    with pytest.raises(LifecycleError) as error:
        mark_invoice_paid(invoice, ports.notifier, ports.payments, actor_id="VXNlcjox", **arguments)
    assert (Invoice.objects.filter(pk=invoice.pk).values().get(), _attempts(invoice)) == before
    return error.value.code, error.value.field


def test_refusals_change_nothing():
    _shop, _subscription, ports, invoice = _declined_renewal()

    assert _refusal(invoice, ports, paid_on=date(2026, 12, 19)) == ("paid_date_in_future", "paid_on")
    assert _refusal(invoice, ports, reference="  ") == ("invalid_payment_reference", "reference")
    assert _refusal(invoice, ports, reference="x" * 81) == ("invalid_payment_reference", "reference")
    Invoice.objects.filter(pk=invoice.pk).update(pipeline_step="charge")
    assert _refusal(invoice, ports) == ("payment_in_flight", "invoice")
    Invoice.objects.filter(pk=invoice.pk).update(pipeline_step="done", status="void")
    assert _refusal(invoice, ports) == ("invoice_not_open", "invoice")
