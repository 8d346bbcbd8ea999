"""The events of a real sign-up and renewal: the renewal writes its invoices and `invoiced` events in bulk
(no `save`, no signal), and the triggers record them all the same."""

from __future__ import annotations

from decimal import Decimal

import pytest

from saleor_subscriptions.event_delivery.endpoints import create_endpoint
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.outbound_events.models import EventDelivery, OutboundEvent
from saleor_subscriptions.renewals.pipeline import renew_due
from tests.renewals.support import at, memory_ports, plan, sandbox, set_clock, signed_up

pytestmark = pytest.mark.django_db


def test_a_sign_up_and_its_renewal_record_their_events_for_the_endpoint():
    shop = sandbox(at(2026, 11, 16))
    create_endpoint(shop, "https://93.184.215.14/hooks")
    subscription = signed_up(plan(shop, "30.00"))
    signup = list(OutboundEvent.objects.order_by("pk").values_list("type", flat=True))
    OutboundEvent.objects.all().delete()

    moment = at(2026, 12, 16, 12)
    set_clock(shop, moment)
    assert renew_due(memory_ports(), now=moment, installation_id=shop.pk).invoiced == 1

    assert signup == ["subscription.created", "subscription.activated"]
    renewal = list(OutboundEvent.objects.order_by("pk").values_list("type", "data"))
    types = [kind for kind, _ in renewal]
    assert types == ["invoice.created", "subscription.renewed", "invoice.paid"]
    invoice_created, renewed, paid = (data for _, data in renewal)
    assert renewed["invoice"] == invoice_created["id"] == paid["id"]
    assert invoice_created["subscription"] == renewed["id"]
    invoice = Invoice.objects.get(subscription=subscription, billing_reason="renewal")
    assert (paid["number"], paid["status"], paid["previous_status"]) == (invoice.number, "paid", "open")
    assert Decimal(paid["total"]) == Decimal(paid["amount_paid"]) == invoice.total
    assert EventDelivery.objects.filter(status="pending").count() == 3
