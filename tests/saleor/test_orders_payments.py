"""After the order: the renewal's charge recorded on it as a transaction, and the invoice document attached,
each once however often it is asked for (over HTTP against the fake Saleor)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.saleor.client import SaleorMutationError, SaleorUnavailable
from saleor_subscriptions.saleor.order_payments import OrderNotFound
from tests.fakes.saleor.pricing import charge_status
from tests.saleor.test_orders_shop import fake_saleor, shop

pytestmark = pytest.mark.django_db
__all__ = ["fake_saleor", "shop"]


@pytest.fixture
def placed(shop):
    invoice = shop.invoice(shop.subscription())
    sink = shop.sink()
    order = sink.place_order(shop.request(invoice))
    return sink, invoice, order


def test_a_charge_is_recorded_on_the_order_once(shop, placed):
    sink, invoice, order = placed
    charge = dict(psp_reference="pi_3Abc", amount=order.gross, currency="EUR")

    first = sink.record_charge(shop.installation.pk, invoice.number, **charge)
    again = sink.record_charge(shop.installation.pk, invoice.number, **charge)

    assert first.created and not again.created and again.saleor_id == first.saleor_id
    [transaction] = shop.fake.order(order.order_id).transactions
    assert (transaction.psp_reference, transaction.charged_value) == ("pi_3Abc", order.gross)
    assert transaction.name == "Subscription renewal"
    # Reported as a payment app reports a payment: one CHARGE_SUCCESS carrying the PaymentIntent, no
    # "Manual adjustment of the transaction" without a PSP reference (issue 12, item 9).
    assert [(e["type"], e["psp_reference"], e["amount"], e["message"]) for e in transaction.events] == [
        ("CHARGE_SUCCESS", "pi_3Abc", order.gross, f"Subscription renewal, invoice {invoice.number}")
    ]
    assert transaction.app is not None and transaction.app.id == shop.app.id


def test_a_crash_between_the_transaction_and_its_charge_event_is_finished_by_the_next_recording(shop, placed):
    sink, invoice, order = placed
    shop.fake.fail_next("TransactionEventReport", status=502, times=10)  # past the retries
    charge = dict(psp_reference="pi_3Half", amount=order.gross, currency="EUR")

    with pytest.raises(SaleorUnavailable):
        sink.record_charge(shop.installation.pk, invoice.number, **charge)
    [transaction] = shop.fake.order(order.order_id).transactions
    assert (transaction.charged_value, transaction.events) == (Decimal(0), [])
    shop.fake.clear_faults()
    again = sink.record_charge(shop.installation.pk, invoice.number, **charge)

    assert not again.created
    [transaction] = shop.fake.order(order.order_id).transactions
    assert transaction.charged_value == order.gross
    assert [(e["type"], e["psp_reference"]) for e in transaction.events] == [("CHARGE_SUCCESS", "pi_3Half")]
    assert charge_status(shop.fake.order(order.order_id)) == "FULL"


def test_a_charge_recorded_before_charge_events_is_not_reported_again(shop, placed):
    """A transaction made with `amountCharged` (a "Manual adjustment" event, as the app recorded charges
    before) already holds its charge: recording it again adds nothing."""
    sink, invoice, order = placed
    shop.fake.execute(
        "mutation($id: ID!, $t: TransactionCreateInput!) { transactionCreate(id: $id, transaction: $t) {"
        " transaction { id } errors { code } } }",
        {
            "id": order.order_id,
            "t": {"pspReference": "pi_old", "amountCharged": {"amount": str(order.gross), "currency": "EUR"}},
        },
        app_id=shop.app.id,
    )

    recorded = sink.record_charge(
        shop.installation.pk, invoice.number, psp_reference="pi_old", amount=order.gross, currency="EUR"
    )

    assert not recorded.created
    [transaction] = shop.fake.order(order.order_id).transactions
    assert transaction.charged_value == order.gross
    assert [(e["type"], e["psp_reference"]) for e in transaction.events] == [("CHARGE_SUCCESS", "")]


def test_a_lost_answer_to_transaction_create_does_not_record_the_charge_twice(shop, placed):
    sink, invoice, order = placed
    shop.fake.fail_next("TransactionCreate", mode="drop_after")
    charge = dict(psp_reference="pi_3Lost", amount=order.gross, currency="EUR")

    with pytest.raises(SaleorUnavailable):
        sink.record_charge(shop.installation.pk, invoice.number, **charge)
    recorded = sink.record_charge(shop.installation.pk, invoice.number, **charge)

    assert not recorded.created
    assert [t.psp_reference for t in shop.fake.order(order.order_id).transactions] == ["pi_3Lost"]


def test_the_credit_used_and_the_charge_are_two_transactions_that_pay_the_order(shop, placed):
    sink, invoice, order = placed
    credit = Decimal("5.00")

    sink.record_charge(
        shop.installation.pk,
        invoice.number,
        psp_reference=f"credit-{invoice.number}",
        amount=credit,
        currency="EUR",
        name="Credit balance",
    )
    sink.record_charge(
        shop.installation.pk,
        invoice.number,
        psp_reference="pi_rest",
        amount=order.gross - credit,
        currency="EUR",
    )

    saleor_order = shop.fake.order(order.order_id)
    assert sum(t.charged_value for t in saleor_order.transactions) == order.gross
    assert charge_status(saleor_order) == "FULL"


def test_a_charge_in_another_currency_is_refused(shop, placed):
    sink, invoice, _order = placed

    with pytest.raises(SaleorMutationError) as refused:
        sink.record_charge(
            shop.installation.pk, invoice.number, psp_reference="pi_x", amount=Decimal(1), currency="USD"
        )

    assert refused.value.codes == ["INCORRECT_CURRENCY"]


def test_a_charge_of_an_invoice_without_an_order_is_refused(shop):
    with pytest.raises(OrderNotFound):
        shop.sink().record_charge(
            shop.installation.pk, "INV-999999", psp_reference="pi_x", amount=Decimal(1), currency="EUR"
        )


def test_the_invoice_document_is_attached_once(shop, placed):
    sink, invoice, order = placed
    url = f"https://subs.example.com/invoices/{invoice.number}.pdf"

    first = sink.attach_invoice(shop.installation.pk, order.order_id, invoice.number, url)
    again = sink.attach_invoice(shop.installation.pk, order.order_id, invoice.number, url)

    assert first.created and not again.created and again.saleor_id == first.saleor_id
    [document] = shop.fake.order(order.order_id).invoices
    assert (document.number, document.url) == (invoice.number, url)


def test_a_lost_answer_to_invoice_create_does_not_attach_the_document_twice(shop, placed):
    sink, invoice, order = placed
    url = f"https://subs.example.com/invoices/{invoice.number}.pdf"
    shop.fake.fail_next("InvoiceCreate", mode="drop_after")

    with pytest.raises(SaleorUnavailable):
        sink.attach_invoice(shop.installation.pk, order.order_id, invoice.number, url)
    attached = sink.attach_invoice(shop.installation.pk, order.order_id, invoice.number, url)

    assert not attached.created
    [document] = shop.fake.order(order.order_id).invoices
    assert attached.saleor_id == document.id


def test_an_invoice_document_for_another_order_is_refused(shop, placed):
    sink, invoice, _order = placed

    with pytest.raises(OrderNotFound, match="not T3JkZXI6bm9uZQ=="):
        sink.attach_invoice(
            shop.installation.pk, "T3JkZXI6bm9uZQ==", invoice.number, "https://x.example/i.pdf"
        )
