"""Staff switch a subscription's plan through /graphql/ (MANAGE_ORDERS), after a preview (`preview: true`)
that shows the exact lines charged today and changes nothing (BILLING_RULES §7, §8). The switch writes its
event naming the staff user; refusals name their argument and change nothing."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.discounts.models import DiscountCode
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.api.staff_support import (
    snapshot,
    staff_events,
    staff_token,
    staff_user_id,
    sub_id,
    subscription,
    version,
)
from tests.lifecycle.helpers import period_invoice

DEC_1 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # halfway through the period 16 Nov - 16 Dec
SWITCH = """
mutation Switch($id: ID!, $planId: ID!, $timing: SwitchTiming, $discountCode: String, $preview: Boolean,
                $reason: String) {
  staffSubscriptionSwitch(id: $id, planId: $planId, timing: $timing, discountCode: $discountCode,
                          preview: $preview, reason: $reason) {
    subscription { plan { id } pendingPlan { id } openInvoices { number amountDue } }
    preview { direction timing effectiveOn amountDueNow creditNow nextPeriodTotal lines { kind amount } }
    timing effectiveOn changeInvoice amountDueNow creditNote creditNow
    errors { field code message }
  }
}
"""


def _paid(shop, price="30.00"):
    Installation.objects.filter(pk=shop.installation.pk).update(clock=DEC_1)
    sub = subscription(shop, version(shop, price))
    period_invoice(sub)
    return sub


def _args(sub, target, **more):
    return {"id": sub_id(sub), "planId": plan_global_id(target.plan_id), **more}


def test_the_preview_shows_what_is_charged_today_and_changes_nothing(api, shop):
    sub = _paid(shop)
    dearer = version(shop, "45.00")
    before = snapshot(sub)

    answer = api.data(SWITCH, _args(sub, dearer, preview=True), token=staff_token(shop))

    assert answer["errors"] == []
    shown = answer["preview"]
    assert (shown["direction"], shown["timing"], shown["effectiveOn"]) == ("UPGRADE", "NOW", "2026-12-01")
    assert shown["amountDueNow"] == "7.50"  # 15.00 more a month for 15 of the period's 30 days
    assert sum(Decimal(line["amount"]) for line in shown["lines"]) == Decimal("7.50")
    assert (shown["creditNow"], shown["nextPeriodTotal"]) == ("0.00", "45.00")
    assert snapshot(sub) == before


def test_staff_upgrade_now_on_a_change_invoice(api, shop):
    sub = _paid(shop)
    dearer = version(shop, "45.00")

    answer = api.data(SWITCH, _args(sub, dearer, reason="asked by phone"), token=staff_token(shop))

    assert answer["errors"] == [] and answer["preview"] is None
    assert answer["subscription"]["plan"]["id"] == plan_global_id(dearer.plan_id)
    [owed] = answer["subscription"]["openInvoices"]
    assert (answer["changeInvoice"], answer["amountDueNow"]) == (owed["number"], "7.50")
    assert (answer["timing"], answer["effectiveOn"]) == ("NOW", "2026-12-01")
    assert Invoice.objects.get(number=owed["number"]).amount_due == Decimal("7.50")
    assert staff_events(sub) == [("switch_plan", "staff", staff_user_id(shop), "asked by phone")]


def test_staff_downgrade_now_with_the_unused_difference_as_credit(api, shop):
    sub = _paid(shop)
    cheaper = version(shop, "20.00")

    answer = api.data(SWITCH, _args(sub, cheaper, timing="NOW"), token=staff_token(shop))

    assert answer["errors"] == []
    assert (answer["creditNow"], answer["creditNote"] is not None) == ("5.00", True)
    assert Subscription.objects.get(pk=sub.pk).plan_version_id == cheaper.pk


def test_a_discount_code_comes_off_the_difference(api, shop):
    sub = _paid(shop)
    dearer = version(shop, "45.00")
    DiscountCode.objects.create(installation=shop.installation, code="HALF", kind="percentage", percent=50)

    shown = api.data(SWITCH, _args(sub, dearer, discountCode="half", preview=True), token=staff_token(shop))[
        "preview"
    ]

    assert shown["amountDueNow"] == "3.75"


def _refused(api, shop, variables, sub):
    before = snapshot(sub)
    answer = api.data(SWITCH, variables, token=staff_token(shop))
    assert answer["subscription"] is None and answer["preview"] is None
    assert snapshot(sub) == before
    [error] = answer["errors"]
    assert error["message"]
    return error["field"], error["code"]


def test_refusals_name_their_argument_for_the_switch_and_its_preview(api, shop):
    sub = _paid(shop)
    yearly = version(shop, "300.00", interval="year")
    ended = subscription(shop, version(shop), status="cancelled")
    dollars = version(shop, "45.00", currency="USD")
    own = sub.plan_version
    for preview in (False, True):
        assert _refused(api, shop, _args(sub, own, preview=preview), sub) == ("planId", "SAME_PLAN_VERSION")
        assert _refused(api, shop, _args(sub, dollars, preview=preview), sub) == (
            "planId",
            "CURRENCY_MISMATCH",
        )
        assert _refused(api, shop, _args(sub, yearly, timing="NOW", preview=preview), sub) == (
            "timing",
            "INVALID_TIMING",
        )
        assert _refused(api, shop, _args(sub, yearly, discountCode="NOPE", preview=preview), sub) == (
            "discountCode",
            "DISCOUNT_CODE_INVALID",
        )
        unknown_plan = {"id": sub_id(sub), "planId": "UGxhbjo5OTk5OQ==", "preview": preview}
        assert _refused(api, shop, unknown_plan, sub) == ("planId", "PLAN_NOT_FOUND")
        assert _refused(api, shop, _args(ended, yearly, preview=preview), ended) == (
            None,
            "NOT_ALLOWED_IN_STATE",
        )


def test_only_staff_with_manage_orders_may_switch_or_preview(api, shop):
    sub = _paid(shop)
    dearer = version(shop, "45.00")
    before = snapshot(sub)
    for preview in (False, True):
        variables = _args(sub, dearer, preview=preview)
        assert api.refused(SWITCH, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
        assert api.refused(SWITCH, variables, token=staff_token(shop, ("MANAGE_PRODUCTS",))) == (
            200,
            "PERMISSION_DENIED",
        )
    assert snapshot(sub) == before
