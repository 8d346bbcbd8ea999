"""Staff bring a cancelled subscription back within its reactivation window (BILLING_RULES §6.6, §7): a new
period from today, its invoice opened at once and charged by the sweeper as a renewal; a declined charge
starts the dunning; outside the window nothing is made."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle import cancel_subscription
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.renewals.reactivation import reactivate_and_bill
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.renewals.support import at, invoices, memory_ports, plan, reload, sandbox, set_clock, signed_up

pytestmark = pytest.mark.django_db


def _cancelled(*outcomes: ChargeOutcome):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "30.00"))
    set_clock(shop, at(2026, 11, 20))
    cancel_subscription(subscription, actor=Actor.STAFF, effect="immediately", credit=False)
    ports = memory_ports()
    ports.payments.script(subscription.customer_key, outcomes)
    return shop, subscription, ports


def test_a_reactivation_bills_a_new_period_from_today_charged_by_the_sweeper():
    shop, subscription, ports = _cancelled(ChargeOutcome.SUCCEEDED)
    set_clock(shop, at(2026, 11, 25))

    back, invoice = reactivate_and_bill(subscription, actor_id="VXNlcjox", reason="came back")

    assert back.status == "active"
    assert (back.current_period_start, back.current_period_end) == (date(2026, 11, 25), date(2026, 12, 25))
    assert invoice is not None
    assert (invoice.billing_reason, invoice.status, invoice.subtotal) == ("renewal", "open", Decimal("30.00"))
    assert (invoice.period_start, invoice.period_end) == (date(2026, 11, 25), date(2026, 12, 25))
    event = reload(subscription).events.order_by("-pk")[0]
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "reactivate",
        "staff",
        "VXNlcjox",
        "came back",
    )

    resume_unfinished(ports, now=at(2026, 11, 25, 12), installation_id=shop.pk)

    assert Invoice.objects.get(pk=invoice.pk).status == "paid"
    assert reload(subscription).next_billing_at == at(2026, 12, 25, 5)  # 06:00 in Amsterdam


def test_a_declined_charge_of_the_reactivation_starts_the_dunning():
    shop, subscription, ports = _cancelled(ChargeOutcome.DECLINED)
    set_clock(shop, at(2026, 11, 25))

    _back, invoice = reactivate_and_bill(subscription, actor_id="VXNlcjox")
    resume_unfinished(ports, now=at(2026, 11, 25, 12), installation_id=shop.pk)

    assert invoice is not None and Invoice.objects.get(pk=invoice.pk).status == "open"
    assert reload(subscription).status == "past_due"


def test_after_the_window_nothing_is_made():
    shop, subscription, _ports = _cancelled()
    set_clock(shop, at(2027, 1, 5))  # the window is 30 days from 20 November
    before = len(invoices(subscription))

    with pytest.raises(LifecycleError) as error:
        reactivate_and_bill(subscription, actor_id="VXNlcjox")

    assert error.value.code == "reactivation_window_closed"
    assert (reload(subscription).status, len(invoices(subscription))) == ("cancelled", before)
