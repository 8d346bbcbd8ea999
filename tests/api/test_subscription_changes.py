"""A customer switches plans or changes the quantity through /graphql/, after a preview (BILLING_RULES §7,
§8): an upgrade now on a change invoice that the renewal runner then charges, a downgrade at the period end,
a quantity increase pro rata; refusals naming the argument."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.catalog.ids import plan_global_id
from saleor_subscriptions.catalog.models import Plan, PlanVersion
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.pipeline import resume_unfinished
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_plan_version, make_subscription
from tests.lifecycle.helpers import period_invoice
from tests.renewals.support import memory_ports

DEC_1 = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)  # halfway through the period 16 Nov - 16 Dec

PREVIEW = """
query Preview($id: ID!, $planId: ID!, $timing: SwitchTiming) {
  subscriptionSwitchPreview(id: $id, planId: $planId, timing: $timing) {
    direction timing effectiveOn currency amountDueNow creditNow nextPeriodTotal
    lines { kind amount } nextPeriodLines { kind amount }
  }
}
"""
SWITCH = """
mutation Switch($id: ID!, $planId: ID!, $timing: SwitchTiming) {
  subscriptionSwitch(id: $id, planId: $planId, timing: $timing) {
    subscription { plan { id } pendingPlan { id } openInvoices { number amountDue payUrl } }
    timing effectiveOn changeInvoice amountDueNow creditNote creditNow
    errors { field code message }
  }
}
"""
QUANTITY = """
mutation Quantity($id: ID!, $quantity: Int!) {
  subscriptionQuantityChange(id: $id, quantity: $quantity) {
    subscription { quantity pendingQuantity openInvoices { amountDue } }
    errors { field code message }
  }
}
"""


def _plan(shop: Any, price: str, **terms: Any) -> PlanVersion:
    return make_plan_version(shop.installation, price=Decimal(price), **terms)


def _on(shop: Any, version: PlanVersion, **fields: Any) -> Subscription:
    Installation.objects.filter(pk=shop.installation.pk).update(clock=DEC_1)
    return make_subscription(version, customer_user_id=shop.saleor.customer.id, status="active", **fields)


def _paid_on(shop: Any, version: PlanVersion) -> Subscription:
    """Active on `version`, its period paid at the list price by its invoice (what a switch settles on)."""
    subscription = _on(shop, version)
    period_invoice(subscription)
    return subscription


def _ids(subscription: Subscription, version: PlanVersion) -> dict[str, str]:
    return {"id": subscription_global_id(subscription.pk), "planId": plan_global_id(version.plan_id)}


def test_the_preview_of_an_upgrade_shows_the_pro_rata_difference_and_changes_nothing(api, shop):
    subscription = _paid_on(shop, _plan(shop, "30.00"))
    dearer = _plan(shop, "45.00")

    preview = api.data(PREVIEW, _ids(subscription, dearer), token=shop.customer_token())

    assert preview["direction"] == "UPGRADE" and preview["timing"] == "NOW"
    assert preview["effectiveOn"] == "2026-12-01" and preview["currency"] == "EUR"
    assert preview["amountDueNow"] == "7.50"  # 15.00 more a month, for 15 of the period's 30 days
    assert sum(Decimal(line["amount"]) for line in preview["lines"]) == Decimal("7.50")
    assert (preview["creditNow"], preview["nextPeriodTotal"]) == ("0.00", "45.00")
    assert Subscription.objects.get(pk=subscription.pk).plan_version_id == subscription.plan_version_id
    assert not Invoice.objects.filter(subscription=subscription, billing_reason="change").exists()


def test_an_upgrade_now_opens_a_change_invoice_that_the_renewal_runner_charges(api, shop):
    subscription = _paid_on(shop, _plan(shop, "30.00"))
    dearer = _plan(shop, "45.00")

    answer = api.data(SWITCH, _ids(subscription, dearer), token=shop.customer_token())

    assert answer["errors"] == []
    shown = answer["subscription"]
    assert shown["plan"]["id"] == plan_global_id(dearer.plan_id) and shown["pendingPlan"] is None
    [owed] = shown["openInvoices"]
    assert owed["amountDue"] == "7.50"
    assert owed["payUrl"] is None  # the app charges it first, on the saved method
    assert (answer["timing"], answer["effectiveOn"]) == ("NOW", "2026-12-01")
    assert (answer["changeInvoice"], answer["amountDueNow"]) == (owed["number"], "7.50")
    assert (answer["creditNote"], answer["creditNow"]) == (None, None)
    event = Subscription.objects.get(pk=subscription.pk).events.get(kind="switch_plan")
    assert (event.actor_type, event.actor_id) == ("customer", shop.saleor.customer.id)

    ports = memory_ports()
    resume_unfinished(ports, now=DEC_1, installation_id=shop.installation.pk)

    invoice = Invoice.objects.get(number=owed["number"])
    assert invoice.status == Invoice.Status.PAID
    [charge] = ports.payments.charges().values()
    assert charge["invoice"] == owed["number"]


def test_a_downgrade_waits_for_the_period_end(api, shop):
    current = _plan(shop, "30.00")
    subscription = _on(shop, current)
    cheaper = _plan(shop, "20.00")

    answer = api.data(SWITCH, _ids(subscription, cheaper), token=shop.customer_token())

    assert answer["errors"] == []
    assert answer["subscription"]["plan"]["id"] == plan_global_id(current.plan_id)
    assert answer["subscription"]["pendingPlan"]["id"] == plan_global_id(cheaper.plan_id)
    assert answer["subscription"]["openInvoices"] == []
    assert (answer["timing"], answer["effectiveOn"]) == ("PERIOD_END", "2026-12-16")
    assert (answer["changeInvoice"], answer["creditNote"]) == (None, None)


def test_a_downgrade_now_returns_the_unused_difference_as_credit(api, shop):
    subscription = _paid_on(shop, _plan(shop, "30.00"))
    cheaper = _plan(shop, "20.00")

    answer = api.data(SWITCH, {**_ids(subscription, cheaper), "timing": "NOW"}, token=shop.customer_token())

    assert answer["errors"] == [] and answer["timing"] == "NOW"
    assert answer["creditNow"] == "5.00"  # 10.00 less a month, for half the period
    assert answer["creditNote"] and answer["changeInvoice"] is None


def test_a_switch_is_refused_naming_the_plan(api, shop):
    current = _plan(shop, "30.00")
    subscription = _on(shop, current)
    archived = _plan(shop, "45.00")
    Plan.objects.filter(pk=archived.plan_id).update(status=Plan.Status.ARCHIVED)
    elsewhere = make_plan_version(
        Installation.objects.create(saleor_api_url="https://other.example/graphql/")
    )
    token = shop.customer_token()

    refusals = {
        name: api.data(SWITCH, _ids(subscription, version), token=token)["errors"]
        for name, version in [("same", current), ("archived", archived), ("other shop", elsewhere)]
    }
    bogus = api.data(SWITCH, {**_ids(subscription, current), "planId": "nonsense"}, token=token)["errors"]

    assert {name: [(e["field"], e["code"]) for e in errors] for name, errors in refusals.items()} == {
        "same": [("planId", "SAME_PLAN_VERSION")],
        "archived": [("planId", "PLAN_ARCHIVED")],
        "other shop": [("planId", "PLAN_NOT_FOUND")],
    }
    assert [(e["field"], e["code"]) for e in bogus] == [("planId", "PLAN_NOT_FOUND")]
    assert Subscription.objects.get(pk=subscription.pk).plan_version_id == current.pk


def test_the_preview_of_a_refused_switch_is_a_bad_input_error_and_of_anothers_subscription_null(api, shop):
    current = _plan(shop, "30.00")
    subscription = _on(shop, current)
    theirs = make_subscription(_plan(shop, "30.00"), customer_user_id="VXNlcjo5OTk=", status="active")
    token = shop.customer_token()

    _status, body = api.post(PREVIEW, _ids(subscription, current), token=token)
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert (error["extensions"]["field"], error["extensions"]["reason"]) == ("planId", "SAME_PLAN_VERSION")
    assert error["message"].startswith("planId:")
    assert api.data(PREVIEW, _ids(theirs, _plan(shop, "45.00")), token=token) is None


def test_the_preview_refuses_what_the_switch_refuses_a_paused_subscription(api, shop):
    subscription = _on(shop, _plan(shop, "30.00"))
    Subscription.objects.filter(pk=subscription.pk).update(status="paused")

    _status, body = api.post(PREVIEW, _ids(subscription, _plan(shop, "45.00")), token=shop.customer_token())

    [error] = body["errors"]
    assert (error["extensions"]["field"], error["extensions"]["reason"]) == ("id", "NOT_ALLOWED_IN_STATE")


def test_a_plan_without_a_version_is_not_found(api, shop):
    subscription = _on(shop, _plan(shop, "30.00"))
    empty = Plan.objects.create(
        installation=shop.installation,
        name="Empty",
        product_id="UHJvZHVjdDox",
        variant_id="UHJvZHVjdFZhcmlhbnQ6MQ==",
        channel_slug="default-channel",
        currency="EUR",
    )
    ids = {"id": subscription_global_id(subscription.pk), "planId": plan_global_id(empty.pk)}

    answer = api.data(SWITCH, ids, token=shop.customer_token())

    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("planId", "PLAN_NOT_FOUND")]


def test_a_monthly_to_yearly_switch_cannot_be_now(api, shop):
    subscription = _on(shop, _plan(shop, "30.00"))
    yearly = _plan(shop, "300.00", interval="year")

    answer = api.data(SWITCH, {**_ids(subscription, yearly), "timing": "NOW"}, token=shop.customer_token())

    assert [(e["field"], e["code"]) for e in answer["errors"]] == [("timing", "INVALID_TIMING")]


def test_more_units_now_fewer_at_the_period_end(api, shop):
    subscription = _on(shop, _plan(shop, "30.00"))
    token = shop.customer_token()
    ids = {"id": subscription_global_id(subscription.pk)}

    more = api.data(QUANTITY, {**ids, "quantity": 3}, token=token)
    fewer = api.data(QUANTITY, {**ids, "quantity": 2}, token=token)
    none = api.data(QUANTITY, {**ids, "quantity": 0}, token=token)

    assert more["errors"] == [] and more["subscription"]["quantity"] == 3
    assert [i["amountDue"] for i in more["subscription"]["openInvoices"]] == ["30.00"]  # 2 more units, half
    assert fewer["subscription"]["quantity"] == 3 and fewer["subscription"]["pendingQuantity"] == 2
    assert [(e["field"], e["code"]) for e in none["errors"]] == [("quantity", "INVALID_QUANTITY")]
    assert Subscription.objects.get(pk=subscription.pk).pending_quantity == 2
    assert date(2026, 12, 16) == Subscription.objects.get(pk=subscription.pk).current_period_end
