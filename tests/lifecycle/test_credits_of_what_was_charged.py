"""A credit is the unused share of what the period's invoice charged for the period (BILLING_RULES §8):
after its discounts, never the setup fee, never the list price; for the first period (the sign-up's
invoice, §4) as for any other. Subscriptions here sign up as a shop's do: a paid Saleor order whose line
names the plan and the code (ORDER_FULLY_PAID), which makes the first invoice; later periods are renewed on
the test clock."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import CreditNote, Invoice
from saleor_subscriptions.lifecycle import cancel_subscription, switch_plan
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.lifecycle.helpers import at, plan, sandbox, set_clock
from tests.renewals.support import memory_ports
from tests.saleor.test_activation import deliver, order_payload
from tests.saleor.test_first_invoice import line_for

pytestmark = pytest.mark.django_db

STAFF = Actor.STAFF


@pytest.fixture
def shop() -> Installation:
    return sandbox(at(2026, 11, 16), time_zone="UTC")


def signed_up(
    shop: Installation, version: PlanVersion, charged: str, code: dict[str, Any] | None = None
) -> Subscription:
    """Signed up on 16 November through a paid order that charged `charged`, with the code `code` (its
    fields) given at the checkout: the period 16 November - 16 December, 30 days."""
    if code is not None:
        DiscountCode.objects.create(installation=shop, code="SIGNUP", **code)
    line = line_for(version, charged, code="SIGNUP" if code is not None else "")
    assert deliver(shop, "order-fully-paid", order_payload(line)).status == "processed"
    subscription = Subscription.objects.get()
    assert Invoice.objects.get(subscription=subscription).total == Decimal(charged)
    return subscription


def credited(subscription: Subscription) -> Decimal | None:
    note = CreditNote.objects.filter(subscription=subscription).first()
    return None if note is None else note.amount


HALF = {"kind": "percentage", "percent": 50}


@pytest.mark.parametrize(
    ("setup_fee", "code", "charged", "credit"),
    [
        pytest.param("0", None, "39.00", "19.50", id="no code: 39.00 x 15/30"),
        pytest.param("0", HALF, "19.50", "9.75", id="50% off: 19.50 x 15/30, not 39.00 x 15/30"),
        pytest.param(
            "0",
            {"kind": "fixed", "amount_off": Decimal("10.00"), "currency": "USD"},
            "29.00",
            "14.50",
            id="10.00 off: 29.00 x 15/30",
        ),
        pytest.param(
            "20.00",
            {**HALF, "applies_to": "setup_fee"},
            "49.00",
            "19.50",
            id="50% off the setup fee only: 39.00 x 15/30, the setup fee never returned",
        ),
        pytest.param(
            "20.00",
            {**HALF, "applies_to": "both"},
            "29.50",
            "9.75",
            id="50% off both: 19.50 x 15/30, the setup fee never returned",
        ),
    ],
)
def test_cancelling_now_in_the_first_period_credits_the_unused_share_of_its_invoice(
    shop, setup_fee, code, charged, credit
):
    version = plan(shop, "39.00", currency="USD", setup_fee=Decimal(setup_fee))
    subscription = signed_up(shop, version, charged, code)
    set_clock(shop, at(2026, 12, 1))  # 1 .. 16 December: 15 of the period's 30 days unused

    cancel_subscription(subscription, actor=STAFF, effect="immediately", credit=True)

    assert credited(subscription) == Decimal(credit)


@pytest.mark.parametrize(
    ("duration", "periods", "credit"),
    [
        pytest.param("once", None, "18.87", id="once: the renewal charged 39.00; 39.00 x 15/31"),
        pytest.param("repeating", 1, "18.87", id="1 period: spent on the sign-up; 39.00 x 15/31"),
        pytest.param("repeating", 2, "9.44", id="2 periods: the renewal charged 19.50; 19.50 x 15/31"),
        pytest.param("forever", None, "9.44", id="forever: 19.50 x 15/31"),
    ],
)
def test_in_a_later_period_the_credit_follows_what_that_periods_invoice_charged(
    shop, duration, periods, credit
):
    version = plan(shop, "39.00", currency="USD")
    code = {**HALF, "duration": duration, "duration_periods": periods}
    subscription = signed_up(shop, version, "19.50", code)
    advance_clock(Installation.objects.get(pk=shop.pk), at(2026, 12, 17), memory_ports())
    set_clock(shop, at(2027, 1, 1))  # 1 .. 16 January: 15 of the period's 31 days unused

    cancel_subscription(subscription, actor=STAFF, effect="immediately", credit=True)

    renewal = Invoice.objects.get(subscription=subscription, billing_reason="renewal")
    assert renewal.status == "paid" and renewal.period_start == date(2026, 12, 16)
    assert credited(subscription) == Decimal(credit)


@pytest.mark.parametrize(
    ("effect", "credit", "status", "note"),
    [
        pytest.param("period_end", True, "active", None, id="at the period end: nothing to return"),
        pytest.param("immediately", True, "cancelled", Decimal("9.75"), id="now, with credit: 19.50 x 15/30"),
        pytest.param("immediately", False, "cancelled", None, id="now, without credit"),
    ],
)
def test_each_cancel_effect_of_a_discounted_first_period(shop, effect, credit, status, note):
    version = plan(shop, "39.00", currency="USD")
    subscription = signed_up(shop, version, "19.50", HALF)
    set_clock(shop, at(2026, 12, 1))

    cancelled = cancel_subscription(subscription, actor=STAFF, effect=effect, credit=credit)

    assert cancelled.status == status
    assert credited(subscription) == note
    if effect == "period_end":
        assert cancelled.cancel_at == date(2026, 12, 16)


def test_a_downgrade_now_in_the_first_period_credits_what_was_paid_less_the_new_plan(shop):
    """Paid 19.50 for 16 Nov - 16 Dec (39.00 at 50% off); on 1 December, 15 of 30 days left: 9.75 unused,
    the new plan costs 15.00 x 15/30 = 7.50 for them, so 2.25 is credited (the list price would say 12.00)."""
    version = plan(shop, "39.00", currency="USD")
    cheaper = plan(shop, "15.00", currency="USD", variant_id=version.plan.variant_id)
    subscription = signed_up(shop, version, "19.50", HALF)
    set_clock(shop, at(2026, 12, 1))

    switch_plan(subscription, cheaper, actor=STAFF, timing="now")

    assert credited(subscription) == Decimal("2.25")


def test_a_period_whose_only_invoice_was_voided_credits_nothing(shop):
    version = plan(shop, "39.00", currency="USD")
    subscription = signed_up(shop, version, "39.00")
    Invoice.objects.filter(subscription=subscription).update(status="void")
    set_clock(shop, at(2026, 12, 1))

    cancel_subscription(subscription, actor=STAFF, effect="immediately", credit=True)

    assert credited(subscription) is None
