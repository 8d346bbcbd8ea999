"""Steps 2 and 3 run on the rows step 1 has just stored (`run_batch`, what `renew_due` does) store exactly
what they store when they read those rows back (`run_steps`, the sweeper's way), and still go by what another
process changed in between: an invoice voided meanwhile is not charged, a subscription cancelled meanwhile
is not made active again (ARCHITECTURE flow 4)."""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.credits import issue_credit_note
from saleor_subscriptions.invoicing.models import CreditLedgerEntry, Invoice
from saleor_subscriptions.lifecycle import cancel_subscription
from saleor_subscriptions.renewals.batch import invoice_batch, prepare_batch
from saleor_subscriptions.renewals.models import PaymentAttempt
from saleor_subscriptions.renewals.pipeline import renew_due, resume_unfinished, run_batch, run_steps
from saleor_subscriptions.renewals.ports import ChargeOutcome
from saleor_subscriptions.renewals.usage import record_usage
from saleor_subscriptions.renewals.voiding import void_invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import (
    Ports,
    at,
    invoices,
    memory_ports,
    plan,
    reload,
    sandbox,
    set_clock,
    signed_up,
)

pytestmark = pytest.mark.django_db

MOMENTS = (at(2026, 12, 5, 12), at(2026, 12, 16, 12))
"""A trial's end and a yearly renewal made a week ahead; then the monthly renewals."""


def _every_kind_of_renewal(url: str) -> tuple[Installation, Ports]:
    """One customer for each way a renewal goes: made ahead, usage, trial end, discount, part and full
    credit, declined, needing authentication."""
    shop = sandbox(at(2025, 12, 10), url=url)
    signed_up(plan(shop, "390.00", interval="year", invoice_lead_days=7), "ann@example.com")
    set_clock(shop, at(2026, 11, 16))
    monthly = plan(shop, "30.00", usage_prices={"new_case": "5.00"})
    bob = signed_up(monthly, "bob@example.com")
    for n in range(2):
        record_usage(bob, "new_case", Decimal(1), f"case-{n}", at=at(2026, 12, 1 + n))
    signed_up(plan(shop, "59.00", trial_days=14), "cas@example.com")
    dirk = signed_up(monthly, "dirk@example.com")
    code = DiscountCode.objects.create(
        installation=shop, code="DRIE", kind="percentage", percent=Decimal(10), duration="repeating",
        duration_periods=3,
    )  # fmt: skip
    DiscountRedemption.objects.create(
        installation=shop, code=code, subscription=dirk, customer_key=dirk.customer_key
    )
    issue_credit_note(signed_up(monthly, "eva@example.com"), Decimal("10.00"), reason="downgrade")
    issue_credit_note(signed_up(monthly, "fay@example.com"), Decimal("50.00"), reason="another subscription")
    gus = signed_up(monthly, "gus@example.com", quantity=3)
    hal = signed_up(monthly, "hal@example.com")
    ports = memory_ports()
    ports.payments.script(gus.customer_key, [ChargeOutcome.DECLINED])
    ports.payments.script(hal.customer_key, [ChargeOutcome.REQUIRES_ACTION])
    return shop, ports


def _renew_reading_back(ports: Ports, now: datetime, shop: Installation) -> None:
    while True:
        invoice_ids, _, claimed = prepare_batch(now, 200, shop.pk)
        if not claimed:
            return
        run_steps(invoice_ids, ports, now)


def _without_keys(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in data.items() if k not in ("invoice", "plan_version")}


def _money(value: Decimal | None) -> str | None:
    return None if value is None else str(value)  # the scale shows: "30.00" is not "30.000000"


def _invoice(invoice: Invoice) -> tuple[Any, ...]:
    money = ("subtotal", "tax", "total", "credit_applied", "amount_due", "amount_paid")
    return (
        invoice.number,
        invoice.status,
        invoice.pipeline_step,
        [_money(getattr(invoice, name)) for name in money],
        (invoice.due_at, invoice.paid_at, invoice.closed_at, invoice.lease_until),
        bool(invoice.saleor_order_id),
        [
            (line.position, line.kind, line.description, _money(line.quantity), _money(line.amount))
            for line in invoice.lines.all()
        ],
        [
            (a.number, a.status, _money(a.amount), a.decline_code, a.completed_at)
            for a in PaymentAttempt.objects.filter(invoice=invoice).order_by("number")
        ],
    )


def _subscription(s: Subscription) -> tuple[Any, ...]:
    return (
        (s.customer_email, s.status, s.current_period_index, s.next_billing_at),
        (s.past_due_since, s.next_dunning_at),
        [_invoice(invoice) for invoice in invoices(s)],
        [(e.at, e.kind, e.from_status, e.to_status, e.reason, _without_keys(e.data)) for e in s.events.all()],
    )


def _stored(shop: Installation, ports: Ports) -> dict[str, Any]:
    """All a renewal leaves behind, without the keys that differ between two installations."""
    ledger = CreditLedgerEntry.objects.filter(installation=shop)
    return {
        "subscriptions": [
            _subscription(s)
            for s in Subscription.objects.filter(installation=shop).order_by("customer_email")
        ],
        "ledger": sorted((e.customer_key, _money(e.amount), e.kind) for e in ledger),
        "orders": sorted(
            (o["net"], o["tax"], o["gross"], str(o["lines"])) for o in ports.orders.orders().values()
        ),
        "charges": sorted(
            (c["amount"], c["currency"], c["customer"], c["invoice"], c["outcome"], c["decline_code"])
            for c in ports.payments.charges().values()
        ),
        "notices": Counter(
            (n.kind, getattr(n.args[0], "number", None) or n.args[0].customer_email)
            for n in ports.notifier.calls
        ),
    }


def test_steps_run_on_the_rows_step_1_holds_store_what_they_store_on_the_rows_read_back():
    in_memory, in_memory_ports = _every_kind_of_renewal("https://a.example.com/graphql/")
    read_back, read_back_ports = _every_kind_of_renewal("https://b.example.com/graphql/")
    for moment in MOMENTS:
        for shop in (in_memory, read_back):
            set_clock(shop, moment)
        renew_due(in_memory_ports, now=moment, installation_id=in_memory.pk)
        _renew_reading_back(read_back_ports, moment, read_back)
        for shop, ports in ((in_memory, in_memory_ports), (read_back, read_back_ports)):
            resume_unfinished(ports, now=moment, installation_id=shop.pk)  # the yearly one, once due

    stored = _stored(in_memory, in_memory_ports)
    assert stored == _stored(read_back, read_back_ports)
    # The mix did happen: each way a renewal can go is in what was compared.
    statuses = dict(record[0][:2] for record in stored["subscriptions"])
    assert statuses == {
        "ann@example.com": "active",
        "bob@example.com": "active",
        "cas@example.com": "active",  # the trial ended paid
        "dirk@example.com": "active",
        "eva@example.com": "active",
        "fay@example.com": "active",
        "gus@example.com": "past_due",
        "hal@example.com": "past_due",
    }
    assert Counter(kind for kind, _ in stored["notices"].elements()) == {
        "renewal_upcoming": 1,
        "receipt": 6,
        "payment_failed": 2,
    }
    assert ("-10.000000", "applied") in [(amount, kind) for _, amount, kind in stored["ledger"]]
    assert all(charge[0].endswith("000") for charge in stored["charges"])  # amounts as stored: "36.300000"


def test_an_invoice_voided_between_its_invoicing_and_its_order_is_neither_moved_on_nor_charged():
    shop = sandbox(at(2026, 11, 16))
    monthly = plan(shop, "30.00")
    piet, klaas = signed_up(monthly, "piet@example.com"), signed_up(monthly, "klaas@example.com")
    ports = memory_ports()
    moment = at(2026, 12, 16, 12)
    set_clock(shop, moment)
    batch = invoice_batch(moment, 200, shop.pk)
    [voided] = [invoice for invoice in batch.invoices if invoice.subscription_id == piet.pk]
    void_invoice(voided.pk, actor_id="staff-1", reason="sent by mistake")

    report = run_batch(batch, ports, moment)

    assert report.ordered == 1
    [kept] = invoices(klaas)
    assert kept.status == Invoice.Status.PAID
    [void] = invoices(piet)
    assert (void.status, void.pipeline_step, void.amount_due) == ("void", "done", Decimal("30.000000"))
    assert not PaymentAttempt.objects.filter(invoice=void).exists()
    assert [c["invoice"] for c in ports.payments.charges().values()] == [kept.number]


class CancelsDuringTheCall:
    """Wraps a port: the customer cancels (now) while the port's call to the outside (an order, a charge) is
    under way."""

    CALLS = ("charge", "place_order", "place_orders")

    def __init__(self, port: Any, subscription: Subscription) -> None:
        self.port, self.subscription = port, subscription

    def __getattr__(self, name: str) -> Any:
        call = getattr(self.port, name)
        if name not in self.CALLS:
            return call

        def cancelling(*args: Any) -> Any:
            cancel_subscription(self.subscription, actor=Actor.STAFF, effect="immediately")
            return call(*args)

        return cancelling


@pytest.mark.parametrize(
    ("during", "credit"),
    [
        ("payments", None),  # the charge's outcome moves the subscription on (step 3)
        ("orders", Decimal("100.00")),  # credit pays it all when it is ordered (step 2)
    ],
)
def test_a_trial_cancelled_while_its_first_invoice_is_ordered_or_charged_stays_cancelled(during, credit):
    shop = sandbox(at(2026, 11, 16))
    subscription = signed_up(plan(shop, "59.00", trial_days=14))
    if credit is not None:
        issue_credit_note(subscription, credit, reason="goodwill")
    ports = memory_ports()
    setattr(ports, during, CancelsDuringTheCall(getattr(ports, during), subscription))
    moment = at(2026, 12, 1, 12)
    set_clock(shop, moment)
    batch = invoice_batch(moment, 200, shop.pk)
    assert batch.invoices[0].subscription.status == "trialing"  # as step 1 holds it

    run_batch(batch, ports, moment)

    assert reload(subscription).status == "cancelled"
    assert list(subscription.events.values_list("kind", flat=True))[-1] == "cancel_now"
    [invoice] = invoices(subscription)
    assert invoice.status == Invoice.Status.PAID  # paid all the same: the money is accounted for
