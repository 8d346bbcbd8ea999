"""Issue 12 item 8: an unpaid renewal order must not be shipped. A bulk-made renewal order is UNCONFIRMED
until its invoice is paid, then confirmed (`orderConfirm`); the order of an invoice that becomes void or
uncollectible is cancelled in Saleor (`orderCancel`), once. (Saleor 3.21 completes a draft order as
UNFULFILLED whatever the channel says: docs/saleor.md says what the shop sees on that path.)"""

from __future__ import annotations

import pytest

from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway
from saleor_subscriptions.renewals.pipeline import RenewalPorts, renew_due
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.renewals.voiding import void_invoice
from saleor_subscriptions.saleor.models import OrderRecord
from saleor_subscriptions.saleor.order_cancels import cancel_closed_orders
from saleor_subscriptions.saleor.order_records import record_paid_orders
from tests.saleor.test_orders_bulk import ShopFacts
from tests.saleor.test_orders_pipeline import DUE, SIGN_UP, ports, saleor_shop, subscribed
from tests.saleor.test_orders_shop import Shop, fake_saleor, make_shop

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]


def bulk_ports(shop: Shop, gateway: InMemoryGateway) -> RenewalPorts:
    facts = ShopFacts(shop.fake.add_warehouse().id, shop.tax_class_id)
    return RenewalPorts(
        orders=shop.sink(bulk_facts=facts),
        payments=gateway,
        notifier=RecordingNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
        concurrency=4,
    )


def digital_sandbox(fake) -> Shop:
    return make_shop(
        fake, shipping=False, sandbox=True, clock=SIGN_UP, time_zone="Europe/Amsterdam", due_hour=6
    )


def test_a_bulk_renewal_order_is_unconfirmed_until_its_invoice_is_paid_and_recorded(fake_saleor):
    shop = digital_sandbox(fake_saleor)
    gateway = InMemoryGateway()
    ann = subscribed(shop, "ann@example.com")
    gateway.script(ann.customer_key, [ChargeOutcome.DECLINED])

    renew_due(bulk_ports(shop, gateway), now=DUE, installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann)
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert order is not None and order.origin == "BULK_CREATE"
    assert (invoice.status, order.status) == ("open", "UNCONFIRMED")  # declined: nothing to ship

    Invoice.objects.filter(pk=invoice.pk).update(status="paid")  # paid later (the pay page, say)
    report = record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert report.done == 1, report.errors
    order = fake_saleor.order_by_external_reference(invoice.number)
    assert order.status == "UNFULFILLED" and [d.number for d in order.invoices] == [invoice.number]


def test_a_paid_bulk_renewal_is_confirmed_by_its_record(fake_saleor):
    shop = digital_sandbox(fake_saleor)
    ann = subscribed(shop, "ann@example.com")

    renew_due(bulk_ports(shop, InMemoryGateway()), now=DUE, installation_id=shop.installation.pk)
    [invoice] = Invoice.objects.filter(subscription=ann)
    assert invoice.status == "paid"
    assert fake_saleor.order_by_external_reference(invoice.number).status == "UNCONFIRMED"

    record_paid_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert fake_saleor.order_by_external_reference(invoice.number).status == "UNFULFILLED"


def test_the_order_of_a_voided_invoice_is_cancelled_in_saleor_once(fake_saleor):
    shop = saleor_shop(fake_saleor)
    ann = subscribed(shop, "ann@example.com")
    renewal_ports = ports(shop)
    renewal_ports.payments.script(ann.customer_key, [ChargeOutcome.DECLINED])  # type: ignore[attr-defined]
    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)
    [invoice] = Invoice.objects.filter(subscription=ann)
    assert fake_saleor.order_by_external_reference(invoice.number).status == "UNFULFILLED"

    void_invoice(invoice, actor_id="staff:1", reason="sent by mistake")
    cancelled = cancel_closed_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE)

    assert cancelled == 1
    assert fake_saleor.order_by_external_reference(invoice.number).status == "CANCELED"
    assert OrderRecord.objects.get(invoice=invoice).cancelled_at == DUE
    fake_saleor.requests.clear()
    assert cancel_closed_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE) == 0
    assert fake_saleor.requests == []


def test_the_order_of_an_uncollectible_invoice_is_cancelled_and_one_cancelled_by_hand_is_noted(fake_saleor):
    shop = saleor_shop(fake_saleor)
    ann, bob = subscribed(shop, "ann@example.com"), subscribed(shop, "bob@example.com")
    renewal_ports = ports(shop)
    for subscription in (ann, bob):
        renewal_ports.payments.script(subscription.customer_key, [ChargeOutcome.DECLINED])  # type: ignore[attr-defined]
    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)
    invoices = list(Invoice.objects.filter(subscription__in=[ann, bob]).order_by("pk"))
    Invoice.objects.filter(pk__in=[i.pk for i in invoices]).update(status="uncollectible")
    fake_saleor.order_cancel(invoices[1].saleor_order_id)  # staff cancelled Bob's by hand

    assert cancel_closed_orders(shop.sink(), installation_id=shop.installation.pk, now=DUE) == 1

    assert [fake_saleor.order(i.saleor_order_id).status for i in invoices] == ["CANCELED", "CANCELED"]
    assert all(OrderRecord.objects.get(invoice=i).cancelled_at == DUE for i in invoices)
