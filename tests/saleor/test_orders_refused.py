"""Issue 12 item 19: an order Saleor refuses to complete (INSUFFICIENT_STOCK was seen) needs attention.
Before, nothing was logged and the sweeper asked again every 5 minutes for ever. Now the invoice is held
uncharged (no order, no charge), its tries back off (5, 10, 20 … minutes, at most 6 hours), staff are told
once with Saleor's reason, the subscription's events show it, and the order is made once stock is back."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from saleor_subscriptions.cli.main import main
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.renewals.memory import InMemoryGateway
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.order_holds import ORDER_HELD, ORDER_PLACED, retry_wait
from saleor_subscriptions.renewals.pipeline import RenewalPorts, renew_due, resume_unfinished
from saleor_subscriptions.subscriptions.models import SubscriptionEvent
from tests.saleor.test_orders_bulk import ShopFacts
from tests.saleor.test_orders_pipeline import DUE, SIGN_UP, ports, saleor_shop, subscribed
from tests.saleor.test_orders_shop import fake_saleor, make_shop

pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]


def completions(fake) -> int:
    return sum(1 for request in fake.requests if request.operation_name == "DraftOrderComplete")


def test_an_order_saleor_refuses_for_want_of_stock_waits_uncharged_and_tells_staff_once(fake_saleor, caplog):
    shop = saleor_shop(fake_saleor)
    warehouse = fake_saleor.add_warehouse("Amsterdam", channels=["default-channel"])
    fake_saleor.track_inventory(shop.variant_id)
    fake_saleor.set_stock(shop.variant_id, warehouse, 0)
    ann = subscribed(shop, "ann@example.com")
    renewal_ports = ports(shop)

    with caplog.at_level(logging.ERROR):
        renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann)
    assert (invoice.pipeline_step, invoice.status, invoice.saleor_order_id) == ("order", "open", "")
    assert invoice.order_problem == "order_refused" and "INSUFFICIENT_STOCK" in invoice.order_problem_detail
    assert invoice.lease_until == DUE + timedelta(minutes=5)
    assert not PaymentAttempt.objects.filter(invoice=invoice).exists()
    assert [order.status for order in fake_saleor.orders()] == ["DRAFT"]
    [held] = SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_HELD)
    assert held.data["saleor_codes"] == ["INSUFFICIENT_STOCK"]
    assert "Insufficient product stock" in held.reason
    [alert] = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert "INSUFFICIENT_STOCK" in alert.getMessage() and invoice.number in alert.getMessage()

    # Every sweep before the lease runs out leaves it alone; each try after it waits twice as long.
    caplog.clear()
    with caplog.at_level(logging.ERROR):
        for minutes in (1, 2, 3, 4):
            resume_unfinished(
                renewal_ports, now=DUE + timedelta(minutes=minutes), installation_id=shop.installation.pk
            )
        assert completions(fake_saleor) == 1
        resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=5), installation_id=shop.installation.pk)
        resume_unfinished(
            renewal_ports, now=DUE + timedelta(minutes=15), installation_id=shop.installation.pk
        )
    assert completions(fake_saleor) == 3
    invoice.refresh_from_db()
    assert invoice.order_tries == 3
    assert invoice.lease_until == DUE + timedelta(minutes=15) + timedelta(minutes=20)
    assert not [r for r in caplog.records if r.levelno == logging.ERROR]
    assert SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_HELD).count() == 1
    assert not PaymentAttempt.objects.filter(invoice=invoice).exists()

    # Stock is back: the next try completes the same draft, and the invoice is charged.
    fake_saleor.set_stock(shop.variant_id, warehouse, 10)
    resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=35), installation_id=shop.installation.pk)

    invoice.refresh_from_db()
    [order] = fake_saleor.orders()
    assert (order.status, invoice.saleor_order_id, invoice.status) == ("UNFULFILLED", order.id, "paid")
    assert (invoice.order_problem, invoice.order_tries) == ("", 0)
    [placed] = SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_PLACED)
    assert placed.data["problem"] == "order_refused"


def test_the_wait_doubles_up_to_six_hours():
    assert [retry_wait(n) for n in (1, 2, 3)] == [
        timedelta(minutes=5),
        timedelta(minutes=10),
        timedelta(minutes=20),
    ]
    assert retry_wait(8) == timedelta(hours=6) and retry_wait(500) == timedelta(hours=6)


def bulk_shop_without_stock(fake, choice: str):
    shop = make_shop(
        fake,
        shipping=False,
        sandbox=True,
        clock=SIGN_UP,
        time_zone="Europe/Amsterdam",
        due_hour=6,
        renewal_stock=choice,
    )
    facts = ShopFacts(fake.add_warehouse().id, shop.tax_class_id)
    fake.set_stock(shop.variant_id, facts.warehouse_id, 0)
    renewal_ports = RenewalPorts(
        orders=shop.sink(bulk_facts=facts),
        payments=InMemoryGateway(),
        notifier=RecordingNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
        concurrency=4,
    )
    return shop, renewal_ports


def test_a_shop_that_waits_for_stock_gets_no_bulk_order_without_it(fake_saleor):
    shop, renewal_ports = bulk_shop_without_stock(fake_saleor, "wait")
    ann = subscribed(shop, "ann@example.com")

    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann)
    assert fake_saleor.orders() == []
    assert (invoice.pipeline_step, invoice.order_problem) == ("order", "order_refused")
    [held] = SubscriptionEvent.objects.filter(subscription=ann, kind=ORDER_HELD)
    assert held.data["saleor_codes"] == ["INSUFFICIENT_STOCK"]
    assert not PaymentAttempt.objects.filter(invoice=invoice).exists()


def test_a_shop_that_places_without_stock_gets_its_bulk_order_unallocated(fake_saleor):
    shop, renewal_ports = bulk_shop_without_stock(fake_saleor, "place")
    ann = subscribed(shop, "ann@example.com")

    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    [invoice] = Invoice.objects.filter(subscription=ann)
    [order] = fake_saleor.orders()
    assert (order.origin, invoice.saleor_order_id, invoice.status) == ("BULK_CREATE", order.id, "paid")
    [create] = [r for r in fake_saleor.requests if r.operation_name == "OrderBulkCreate"]
    assert create.variables["stockUpdatePolicy"] == "SKIP"


def test_the_cli_sets_what_renewals_do_without_stock(fake_saleor, capsys):
    shop = make_shop(fake_saleor)
    assert shop.installation.renewal_stock == "place"

    assert main(["renewal-stock", "--installation", str(shop.installation.pk), "--set", "wait"]) == 0
    assert capsys.readouterr().out.endswith("renewal orders without stock: wait\n")
    assert main(["renewal-stock", "--installation", str(shop.installation.pk), "--set", "later"]) == 2
    assert "--set: 'later': one of place, wait" in capsys.readouterr().err
    shop.installation.refresh_from_db()
    assert shop.installation.renewal_stock == "wait"
