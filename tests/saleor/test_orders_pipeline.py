"""The renewal pipeline with its orders in Saleor (`SaleorOrderSink`, the fake Saleor over HTTP) and the
in-memory gateway: each renewal makes exactly one Saleor order, whose totals the invoice takes, even when
Saleor fails halfway and the sweeper finishes the job."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from saleor_subscriptions.conf.ports import ThreadSafeStripeGateway
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.notifications.notifier import EmailNotifier
from saleor_subscriptions.notifications.recording import RecordingNotifier
from saleor_subscriptions.payments.gateway import StripeGateway
from saleor_subscriptions.renewals.memory import InMemoryGateway
from saleor_subscriptions.renewals.pipeline import RenewalPorts, renew_due, resume_unfinished
from saleor_subscriptions.renewals.wiring import configured_ports
from saleor_subscriptions.saleor.orders import SaleorOrderSink
from saleor_subscriptions.subscriptions.models import Subscription
from tests.renewals.support import at, signed_up
from tests.saleor.test_orders_shop import ANN_BILLING, ANN_SHIPPING, Shop, fake_saleor, make_shop

# The sink's calls run on the pipeline's thread pool, each thread with its own database connection: the rows
# must be committed for those threads to see them.
pytestmark = pytest.mark.django_db(transaction=True)
__all__ = ["fake_saleor"]

SIGN_UP = at(2026, 11, 16)
DUE = at(2026, 12, 16, 5)  # 06:00 in Amsterdam


def saleor_shop(fake) -> Shop:
    return make_shop(fake, sandbox=True, clock=SIGN_UP, time_zone="Europe/Amsterdam", due_hour=6)


def ports(shop: Shop) -> RenewalPorts:
    return RenewalPorts(
        orders=shop.sink(),
        payments=InMemoryGateway(),
        notifier=RecordingNotifier(),
        pay_url=lambda invoice: f"https://subs.example.com/pay/{invoice.number}",
        concurrency=4,
    )


def subscribed(shop: Shop, email: str, quantity: int = 1) -> Subscription:
    subscription = signed_up(shop.version, email=email, quantity=quantity)
    Subscription.objects.filter(pk=subscription.pk).update(
        customer_user_id=shop.customer_id if email == "ann@example.com" else "",
        billing_address=ANN_BILLING,
        shipping_address=ANN_SHIPPING,
        shipping_method_id=shop.shipping_method_id,
    )
    return subscription


def test_each_renewal_makes_exactly_one_saleor_order_and_takes_its_totals(fake_saleor):
    shop = saleor_shop(fake_saleor)
    ann, bob = subscribed(shop, "ann@example.com", quantity=2), subscribed(shop, "bob@example.com")
    renewal_ports = ports(shop)

    report = renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    assert report.invoiced == 2 and report.ordered == 2
    assert len(fake_saleor.orders()) == 2
    for subscription in (ann, bob):
        [invoice] = Invoice.objects.filter(subscription=subscription)
        order = fake_saleor.order_by_external_reference(invoice.number)
        assert order is not None and order.status == "UNFULFILLED"
        assert invoice.saleor_order_id == order.id
        assert (invoice.subtotal, invoice.tax, invoice.total) == (
            order.total.net.amount,
            order.total.gross.amount - order.total.net.amount,
            order.total.gross.amount,
        )
        # Saleor's lines add up to the invoice's own lines; its total adds the post (4.95 + 21 %), which
        # the invoice shows as a shipping line: the lines explain the net and the tax to the cent.
        lines = list(invoice.lines.order_by("position"))
        own = [line for line in lines if line.kind != "shipping"]
        assert order.subtotal.net.amount == sum(line.amount for line in own)
        assert order.total.gross.amount == order.subtotal.gross.amount + Decimal("5.99")
        shipping = lines[-1]
        assert (shipping.kind, shipping.amount, shipping.tax_amount) == (
            "shipping",
            Decimal("4.95"),
            Decimal("1.04"),
        )
        assert sum(line.amount for line in lines) == invoice.subtotal
        assert sum(line.tax_amount for line in lines) == invoice.tax
        assert sum(line.tax_amount for line in own) == (
            order.subtotal.gross.amount - order.subtotal.net.amount
        )
        assert invoice.status == Invoice.Status.PAID
        # Saleor's rates for the VAT per rate; the buyer the order was placed for (its billing address).
        assert {(line.kind, line.tax_rate) for line in lines} == {
            (own[0].kind, Decimal("0.2100")),
            ("shipping", Decimal("0.2100")),
        }
        assert (invoice.buyer["name"], invoice.buyer["address"], invoice.buyer["country"]) == (
            "Ann Smith",
            ["Keizersgracht 1", "1015 CJ Amsterdam"],
            "NL",
        )
        assert invoice.missing_seller_details is True
    assert [
        line.quantity
        for line in fake_saleor.order_by_external_reference(
            Invoice.objects.get(subscription=ann).number
        ).lines
    ] == [2]

    # Nothing is due any more: running again (and the sweeper) makes no second order.
    renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)
    resume_unfinished(renewal_ports, now=DUE + timedelta(hours=1), installation_id=shop.installation.pk)
    assert len(fake_saleor.orders()) == 2


def test_saleor_failing_between_create_and_complete_is_finished_by_the_sweeper(fake_saleor):
    shop = saleor_shop(fake_saleor)
    subscription = subscribed(shop, "ann@example.com")
    renewal_ports = ports(shop)
    fake_saleor.fail_next("DraftOrderComplete", status=502)

    report = renew_due(renewal_ports, now=DUE, installation_id=shop.installation.pk)

    assert (report.invoiced, report.ordered) == (1, 0)
    [invoice] = Invoice.objects.filter(subscription=subscription)
    assert invoice.pipeline_step == Invoice.PipelineStep.ORDER
    assert [order.status for order in fake_saleor.orders()] == ["DRAFT"]

    # The sweeper takes it up once the lease has run out, finds the draft and completes it.
    resume_unfinished(renewal_ports, now=DUE + timedelta(minutes=6), installation_id=shop.installation.pk)

    invoice.refresh_from_db()
    [order] = fake_saleor.orders()
    assert (order.status, invoice.saleor_order_id) == ("UNFULFILLED", order.id)
    assert invoice.status == Invoice.Status.PAID
    assert invoice.total == order.total.gross.amount


def test_the_saleor_ports_pair_saleor_orders_with_the_stripe_gateway_and_record_paid_orders(settings):
    settings.RENEWAL_PORTS = "saleor_subscriptions.conf.ports:saleor_ports"

    configured = configured_ports()

    assert isinstance(configured.orders, SaleorOrderSink)
    assert isinstance(configured.payments, ThreadSafeStripeGateway)
    assert isinstance(configured.payments.gateway, StripeGateway)
    assert isinstance(configured.notifier, EmailNotifier)
    assert configured.followup is not None
