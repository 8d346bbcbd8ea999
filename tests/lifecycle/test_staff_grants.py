"""What only an admin does to a running subscription (BILLING_RULES §7, §9): grant free periods, which the
renewals pass over without an invoice while the calendar keeps its dates; and put a discount code on it
without a switch, which the renewals apply from the next invoice. Refusals change nothing."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.discounts.models import DiscountCode, DiscountRedemption
from saleor_subscriptions.invoicing.credits import credit_balance
from saleor_subscriptions.invoicing.models import CreditNote
from saleor_subscriptions.lifecycle import add_discount_code, grant_credit, grant_free_periods
from saleor_subscriptions.renewals.pipeline import renew_due
from saleor_subscriptions.subscriptions.errors import LifecycleError
from tests.lifecycle.helpers import CUSTOMER, STAFF, at, events, last_event
from tests.renewals.support import invoices, memory_ports, plan, reload, sandbox, set_clock, signed_up

pytestmark = pytest.mark.django_db


def _refusal(call, sub) -> tuple[str, str | None]:
    before = (reload(sub).skip_periods, len(events(sub)), DiscountRedemption.objects.count())
    with pytest.raises(LifecycleError) as error:
        call()
    assert (reload(sub).skip_periods, len(events(sub)), DiscountRedemption.objects.count()) == before
    return error.value.code, error.value.field


def _renew_at(shop, moment) -> int:
    set_clock(shop, moment)
    return renew_due(memory_ports(), now=moment, installation_id=shop.pk).invoiced


def test_two_free_periods_are_passed_over_and_the_third_is_billed_on_its_usual_date():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))

    granted = grant_free_periods(sub, 2, actor=STAFF, actor_id="VXNlcjox", reason="sorry for the delay")

    assert (granted.status, granted.skip_periods) == ("active", [1, 2])
    event = last_event(sub)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "free_periods_granted",
        "staff",
        "VXNlcjox",
        "sorry for the delay",
    )
    assert event.data["period_indexes"] == [1, 2]
    assert _renew_at(shop, at(2026, 12, 16, 12)) == 0
    assert _renew_at(shop, at(2027, 1, 16, 12)) == 0
    assert _renew_at(shop, at(2027, 2, 16, 12)) == 1
    billed = [i for i in invoices(sub) if i.billing_reason == "renewal"]
    assert [(i.period_start, i.period_end) for i in billed] == [(date(2027, 2, 16), date(2027, 3, 16))]


def test_free_periods_come_after_a_skipped_one_without_counting_it_twice():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    sub.skip_periods = [1]
    sub.save()

    assert grant_free_periods(sub, 2, actor=STAFF).skip_periods == [1, 2, 3]


def test_free_periods_are_refused_for_customers_out_of_range_and_off_an_active_subscription():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00", customer_can_pause=True))

    assert _refusal(lambda: grant_free_periods(sub, 1, actor=CUSTOMER), sub) == ("actor_not_allowed", None)
    assert _refusal(lambda: grant_free_periods(sub, 0, actor=STAFF), sub) == (
        "invalid_free_periods",
        "periods",
    )
    assert _refusal(lambda: grant_free_periods(sub, 121, actor=STAFF), sub)[0] == "invalid_free_periods"
    sub.status = "paused"
    sub.save()
    assert _refusal(lambda: grant_free_periods(sub, 1, actor=STAFF), sub) == ("not_allowed_in_state", None)


def _code(shop, code: str, **fields) -> DiscountCode:
    fields.setdefault("kind", "percentage")
    fields.setdefault("percent", Decimal(10))
    return DiscountCode.objects.create(installation=shop, code=code, **fields)


def test_a_code_added_by_staff_discounts_the_next_renewal_and_replaces_the_one_carried():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    _code(shop, "TIEN", duration="forever")
    _code(shop, "HALF", percent=Decimal(50), duration="once")

    add_discount_code(sub, "tien", actor=STAFF, actor_id="VXNlcjox")
    add_discount_code(sub, "half", actor=STAFF, actor_id="VXNlcjox", reason="complaint")

    event = last_event(sub)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "discount_code_added",
        "staff",
        "VXNlcjox",
        "complaint",
    )
    assert event.data == {"discount_code": "HALF", "replaced": ["TIEN"]}
    carried = DiscountRedemption.objects.filter(subscription=sub, ended_at__isnull=True)
    assert [r.code.code for r in carried] == ["HALF"]
    assert _renew_at(shop, at(2026, 12, 16, 12)) == 1
    [renewal] = [i for i in invoices(sub) if i.billing_reason == "renewal"]
    assert renewal.subtotal == Decimal("15.00")  # 50% off once


def test_a_code_is_refused_as_at_sign_up_and_off_an_ended_subscription():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    _code(shop, "OLD", active=False)
    _code(shop, "DOLLAR", kind="fixed", percent=None, amount_off=Decimal(5), currency="USD")
    _code(shop, "TIEN")

    for code in ("NOPE", "OLD", "DOLLAR"):
        assert _refusal(lambda code=code: add_discount_code(sub, code, actor=STAFF), sub) == (
            "discount_code_invalid",
            "discount_code",
        )
    assert _refusal(lambda: add_discount_code(sub, "TIEN", actor=CUSTOMER), sub)[0] == "actor_not_allowed"
    add_discount_code(sub, "TIEN", actor=STAFF)
    assert _refusal(lambda: add_discount_code(sub, "TIEN", actor=STAFF), sub)[0] == "discount_code_invalid"
    sub.status = "cancelled"
    sub.save()
    assert _refusal(lambda: add_discount_code(sub, "TIEN", actor=STAFF), sub)[0] == "not_allowed_in_state"


def test_credit_granted_by_staff_is_a_credit_note_on_the_balance_that_the_next_renewal_uses():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))

    note = grant_credit(sub, Decimal("12.50"), actor=STAFF, actor_id="VXNlcjox", reason="late delivery")

    assert (note.amount, note.invoice, note.reason) == (Decimal("12.50"), None, "late delivery")
    assert credit_balance(shop, sub.customer_key, "EUR") == Decimal("12.50")
    event = last_event(sub)
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "credit_granted",
        "staff",
        "VXNlcjox",
        "late delivery",
    )
    assert event.data == {"credit_note": note.number, "amount": "12.50", "currency": "EUR"}
    assert _renew_at(shop, at(2026, 12, 16, 12)) == 1
    [renewal] = [i for i in invoices(sub) if i.billing_reason == "renewal"]
    assert renewal.credit_applied == Decimal("12.50")
    assert credit_balance(shop, sub.customer_key, "EUR") == 0


def test_credit_refusals_change_nothing():
    shop = sandbox(at(2026, 11, 16))
    sub = signed_up(plan(shop, "30.00"))
    notes = CreditNote.objects.count()

    def refusal(amount, actor=STAFF):
        with pytest.raises(LifecycleError) as error:
            grant_credit(sub, Decimal(amount), actor=actor)
        assert CreditNote.objects.count() == notes and credit_balance(shop, sub.customer_key, "EUR") == 0
        return error.value.code, error.value.field

    assert refusal("0") == ("invalid_credit_amount", "amount")
    assert refusal("-5") == ("invalid_credit_amount", "amount")
    assert refusal("1.001") == ("invalid_credit_amount", "amount")
    assert refusal("1000000000") == ("invalid_credit_amount", "amount")
    assert refusal("5", actor=CUSTOMER) == ("actor_not_allowed", None)
    sub.status = "incomplete"
    sub.save()
    assert refusal("5") == ("not_allowed_in_state", None)
