"""Moving existing subscriptions to a new price: announced first, applied at a boundary after the notice."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.catalog.models import PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.lifecycle import move_to_version, schedule_price_change
from saleor_subscriptions.notifications.models import OutgoingEmail
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.subscriptions.errors import LifecycleError
from saleor_subscriptions.tenants.models import Installation
from tests.renewals.support import at, memory_ports, plan, reload, sandbox, signed_up

pytestmark = pytest.mark.django_db


def _new_version(old: PlanVersion, price: str, **terms) -> PlanVersion:
    return PlanVersion.objects.create(
        installation=old.installation,
        plan=old.plan,
        version=old.version + 1,
        interval=old.interval,
        price=Decimal(price),
        price_change_notice_days=30,
        **terms,
    )


def test_a_new_price_is_announced_now_and_billed_from_the_first_boundary_after_30_days_notice(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    old = plan(shop, "30.00")
    subscription = signed_up(old)
    new = _new_version(old, "33.00")
    with django_capture_on_commit_callbacks(execute=True):
        [scheduled] = schedule_price_change(old, new)
    # Today 16 Nov + 30 days = 16 Dec, itself a boundary.
    assert scheduled.pending_plan_version_from == date(2026, 12, 16)
    [notice] = OutgoingEmail.objects.filter(kind="price_change_notice")
    assert "33" in notice.text_body
    assert [e.kind for e in reload(subscription).events.all()][-1] == "price_change_scheduled"
    advance_clock(Installation.objects.get(pk=shop.pk), at(2027, 1, 17), memory_ports())
    nets = [i.subtotal for i in Invoice.objects.filter(subscription=subscription).order_by("period_start")]
    assert nets == [Decimal("33.00"), Decimal("33.00")]
    assert reload(subscription).plan_version_id == new.pk


def test_a_later_effective_day_waits_for_the_boundary_after_it():
    shop = sandbox(at(2026, 11, 16))
    old = plan(shop, "30.00")
    subscription = signed_up(old)
    new = _new_version(old, "33.00")
    [scheduled] = schedule_price_change(old, new, effective_on=date(2026, 12, 20))
    assert scheduled.pending_plan_version_from == date(2027, 1, 16)
    advance_clock(Installation.objects.get(pk=shop.pk), at(2027, 1, 17), memory_ports())
    nets = [i.subtotal for i in Invoice.objects.filter(subscription=subscription).order_by("period_start")]
    assert nets == [Decimal("30.00"), Decimal("33.00")]  # 16 Dec still the old price


@pytest.mark.parametrize(
    ("make_new", "effective_on", "code"),
    [
        (lambda old: old, None, "same_plan_version"),
        (lambda old: plan(old.installation, "33.00"), None, "price_change_other_plan"),
        (
            lambda old: _new_version(old, "33.00", anchor_mode="day_of_month", anchor_day=1),
            None,
            "price_change_other_calendar",
        ),
        (lambda old: _new_version(old, "33.00"), date(2026, 12, 1), "price_change_too_soon"),
    ],
)
def test_price_changes_that_are_refused(make_new, effective_on, code):
    shop = sandbox(at(2026, 11, 16))
    old = plan(shop, "30.00")
    subscription = signed_up(old)
    with pytest.raises(LifecycleError) as refused:
        schedule_price_change(old, make_new(old), effective_on=effective_on)
    assert refused.value.code == code
    assert reload(subscription).pending_plan_version is None


def test_staff_move_one_subscription_to_the_new_price_with_the_notice_first(
    django_capture_on_commit_callbacks,
):
    shop = sandbox(at(2026, 11, 16))
    old = plan(shop, "30.00")
    moved, stays = signed_up(old), signed_up(old, "klaas@example.com")
    new = _new_version(old, "33.00")

    with django_capture_on_commit_callbacks(execute=True):
        move_to_version(moved, new, actor=Actor.STAFF, actor_id="VXNlcjox", reason="loyal customer")

    assert reload(moved).pending_plan_version_from == date(2026, 12, 16)
    assert reload(stays).pending_plan_version is None
    [notice] = OutgoingEmail.objects.filter(kind="price_change_notice")
    assert (notice.to_email, "33" in notice.text_body) == ("piet@example.com", True)
    event = reload(moved).events.order_by("-pk")[0]
    assert (event.kind, event.actor_type, event.actor_id, event.reason) == (
        "price_change_scheduled",
        "staff",
        "VXNlcjox",
        "loyal customer",
    )
    assert event.data["to_version"] == new.pk


def test_one_subscriptions_price_change_is_refused_as_the_plans_and_changes_nothing():
    shop = sandbox(at(2026, 11, 16))
    old = plan(shop, "30.00")
    sub = signed_up(old)
    other_plan = plan(shop, "45.00")
    new = _new_version(old, "33.00")
    yearly = PlanVersion.objects.create(
        installation=shop, plan=old.plan, version=3, interval="year", price=Decimal("300.00")
    )

    events = reload(sub).events.count()  # the sign-up's

    def refusal(version, **kwargs):
        with pytest.raises(LifecycleError) as error:
            move_to_version(sub, version, actor=Actor.STAFF, **kwargs)
        assert reload(sub).pending_plan_version is None and reload(sub).events.count() == events
        return error.value.code, error.value.field

    assert refusal(old) == ("same_plan_version", "new_version")
    assert refusal(other_plan) == ("price_change_other_plan", "new_version")
    assert refusal(yearly) == ("price_change_other_calendar", "new_version")
    assert refusal(new, effective_on=date(2026, 12, 1)) == ("price_change_too_soon", "effective_on")
    sub.status = "cancelled"
    sub.save()
    assert refusal(new) == ("not_allowed_in_state", None)
