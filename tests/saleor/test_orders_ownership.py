"""Issue 12 item 7: an order found under an invoice number is taken only when it is provably this invoice's.

A second app database on the same Saleor (a restored backup, a second deployment) numbers its invoices again;
the renewal then found the other database's order under the same external reference and charged against it
(35.00 charged on a 20.00 order) without making its own. Now each installation numbers with its own random
prefix, every order carries its owner's token, invoice row, subscription, period and amount, and an order
that does not prove itself ours holds the invoice, uncharged, with one alert to staff."""

from __future__ import annotations

import logging
from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.invoicing.numbering import set_invoice_prefix, take_number
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.order_holds import ORDER_HELD
from saleor_subscriptions.renewals.pipeline import renew_due, resume_unfinished
from saleor_subscriptions.saleor.documents import document
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from saleor_subscriptions.tenants.models import Installation
from tests.saleor.test_orders_pipeline import DUE, SIGN_UP, ports, subscribed
from tests.saleor.test_orders_shop import ANN_BILLING, ANN_SHIPPING, Shop, fake_saleor, make_shop

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]


def next_invoice_number(installation: Installation) -> str:
    """The number the next invoice will get (taken and given back: the sequence is gap-free)."""
    with transaction.atomic():
        number = take_number(installation, "invoice")
        transaction.set_rollback(True)
    return number


def order_of_another_database(shop: Shop, reference: str, subscription_id: int) -> str:
    """A paid 20.00 renewal order another app database made on this Saleor under the same invoice number and
    subscription id, with the metadata the app wrote before it wrote its owner."""
    fake = shop.fake
    channel = fake.execute('query { channel(slug: "default-channel") { id } }')["data"]["channel"]["id"]
    created = fake.execute(
        document("draft_order_create"),
        {
            "input": {
                "channelId": channel,
                "externalReference": reference,
                "userEmail": "ann@example.com",
                "lines": [{"variantId": shop.variant_id, "quantity": 1, "price": "20.00"}],
                "billingAddress": ANN_BILLING,
                "shippingAddress": ANN_SHIPPING,
                "shippingMethod": shop.shipping_method_id,
                "metadata": [
                    {"key": "subscription.renewal.invoice", "value": reference},
                    {"key": "subscription.renewal.subscription", "value": str(subscription_id)},
                ],
            }
        },
    )["data"]["draftOrderCreate"]
    assert created["errors"] == [], created
    order_id = created["order"]["id"]
    completed = fake.execute(document("draft_order_complete"), {"id": order_id})["data"]["draftOrderComplete"]
    assert completed["errors"] == [], completed
    return str(order_id)


def test_an_order_of_another_database_under_the_same_number_holds_the_invoice_uncharged(fake_saleor, caplog):
    shop = make_shop(
        fake_saleor, sandbox=True, clock=SIGN_UP, time_zone="Europe/Amsterdam", due_hour=6, price="35.00"
    )
    ann = subscribed(shop, "ann@example.com")
    reference = next_invoice_number(shop.installation)
    theirs = order_of_another_database(shop, reference, ann.pk)
    renewal_ports = ports(shop)

    with caplog.at_level(logging.ERROR):
        report = renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann, number=reference)
    assert (report.invoiced, report.ordered) == (1, 0)
    assert (invoice.pipeline_step, invoice.status, invoice.saleor_order_id) == ("order", "open", "")
    assert invoice.order_problem == "order_conflict"
    assert "owner None" in invoice.order_problem_detail
    assert not PaymentAttempt.objects.filter(invoice=invoice).exists()
    [order] = fake_saleor.orders()
    assert order.id == theirs and order.transactions == []  # their order is left alone, nothing charged
    [held] = SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_HELD)
    assert held.data["invoice"] == reference and held.data["problem"] == "order_conflict"
    alerts = [r for r in caplog.records if r.levelno == logging.ERROR and reference in r.getMessage()]
    assert len(alerts) == 1 and "staff must act" in alerts[0].getMessage()

    # The sweeper tries again after 5 minutes, then after 10: the same conflict, no second alert or event.
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=4), installation_id=shop.installation.pk)
        invoice.refresh_from_db()
        assert invoice.order_tries == 1
        resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=6), installation_id=shop.installation.pk)
    invoice.refresh_from_db()
    assert invoice.order_tries == 2
    assert invoice.lease_until == DUE + timedelta(minutes=6) + timedelta(minutes=10)
    assert SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_HELD).count() == 1
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(fake_saleor.orders()) == 1 and not PaymentAttempt.objects.filter(invoice=invoice).exists()


def test_our_own_order_found_again_after_a_lost_answer_is_taken(fake_saleor):
    shop = make_shop(fake_saleor, sandbox=True, clock=SIGN_UP, time_zone="Europe/Amsterdam", due_hour=6)
    ann = subscribed(shop, "ann@example.com")
    renewal_ports = ports(shop)
    fake_saleor.fail_next("DraftOrderComplete", mode="drop_after")

    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)
    resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=6), installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann)
    [order] = fake_saleor.orders()
    assert (invoice.saleor_order_id, invoice.status, invoice.order_problem) == (order.id, "paid", "")
    assert order.metadata["subscription.renewal.owner"] == f"{shop.installation.order_token}:{invoice.pk}"
    assert order.metadata["subscription.renewal.amount"] == "9.99 EUR"
    assert order.metadata["subscription.renewal.period"] == (
        f"{invoice.period_start.isoformat()}/{invoice.period_end.isoformat()}"
    )


def test_each_installation_numbers_its_invoices_with_its_own_random_prefix():
    one = Installation.objects.create(saleor_api_url="https://one.example.com/graphql/")
    two = Installation.objects.create(saleor_api_url="https://two.example.com/graphql/")

    assert one.invoice_prefix.startswith("INV-") and one.invoice_prefix != two.invoice_prefix
    assert one.order_token != two.order_token
    first = take_number(one, "invoice")
    assert (
        first == f"{one.invoice_prefix}000001"
        and take_number(two, "invoice") == f"{two.invoice_prefix}000001"
    )
    assert take_number(one, "credit_note") == "CN-000001"


def test_a_shop_sets_its_own_prefix_and_the_numbers_go_on_counting():
    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/")
    take_number(shop, "invoice")

    set_invoice_prefix(shop, "COFFEE-2027-")

    assert take_number(Installation.objects.get(pk=shop.pk), "invoice") == "COFFEE-2027-000002"
    with pytest.raises(ValueError, match="1 to 20 characters"):
        set_invoice_prefix(shop, "has space")
    with pytest.raises(ValueError, match="1 to 20 characters"):
        set_invoice_prefix(shop, "X" * 21)
    assert Installation.objects.get(pk=shop.pk).invoice_prefix == "COFFEE-2027-"


def test_the_cli_shows_and_sets_the_prefix(capsys):
    from saleor_subscriptions.cli.main import main

    shop = Installation.objects.create(saleor_api_url="https://shop.example.com/graphql/")

    assert main(["invoice-prefix", "--installation", str(shop.pk), "--set", "SHOP-"]) == 0
    assert capsys.readouterr().out == f"installation {shop.pk}: invoice numbers start with SHOP-\n"
    assert main(["invoice-prefix", "--installation", str(shop.pk), "--set", "has space"]) == 2
    assert "--set: 'has space': 1 to 20 characters" in capsys.readouterr().err
    assert Installation.objects.get(pk=shop.pk).invoice_prefix == "SHOP-"


def test_the_amount_written_on_the_order_is_the_invoices(fake_saleor):
    shop = make_shop(fake_saleor)
    invoice = shop.invoice(shop.subscription(quantity=2), setup_fee=True)

    shop.sink().place_order(shop.request(invoice))

    [order] = fake_saleor.orders()
    assert order.metadata["subscription.renewal.amount"] == f"{Decimal('29.98')} EUR"
