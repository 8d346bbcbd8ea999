"""Usage through the API (BILLING_RULES §1 `usage_prices`, §4): `subscriptionUsageRecord` and its bulk form,
called by staff with MANAGE_ORDERS over the HTTP endpoint; what is recorded is billed on the next renewal
invoice as a usage line (seed 001: 5.00 per new case)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from saleor_subscriptions import lifecycle
from saleor_subscriptions.api.ids import subscription_global_id
from saleor_subscriptions.billing.states import Actor
from saleor_subscriptions.invoicing.models import Invoice
from saleor_subscriptions.renewals.clock import advance_clock
from saleor_subscriptions.renewals.models import UsageRecord
from saleor_subscriptions.subscriptions.models import Subscription
from saleor_subscriptions.tenants.models import Installation
from tests.factories import make_installation
from tests.renewals.support import at, memory_ports, plan, set_clock, signed_up

pytestmark = pytest.mark.django_db

RECORD = """
mutation Record($subscription: ID!, $metric: String!, $quantity: Decimal!, $occurredAt: DateTime,
                $key: String!) {
  subscriptionUsageRecord(subscription: $subscription, metric: $metric, quantity: $quantity,
                          occurredAt: $occurredAt, idempotencyKey: $key) {
    usageRecord { id subscription metric quantity occurredAt idempotencyKey invoiceNumber }
    created
    errors { field code message }
  }
}
"""
BULK = """
mutation Bulk($records: [UsageRecordInput!]!) {
  subscriptionUsageRecordBulk(records: $records) {
    results { usageRecord { id metric quantity idempotencyKey } created errors { field code message } }
    errors { field code message }
  }
}
"""
USAGE_STAFF = ("MANAGE_ORDERS",)


def _starter(shop: Any) -> Subscription:
    """Seed 001's starter plan: 15.00 a month and 5.00 per new case, signed up on 16 November."""
    return signed_up(plan(shop.installation, "15.00", usage_prices={"new_case": "5.00"}))


def _record(api: Any, shop: Any, target: Subscription, **given: Any) -> dict[str, Any]:
    variables = {
        "subscription": subscription_global_id(target.pk),
        "metric": "new_case",
        "quantity": "1",
        "key": "case-1",
        **given,
    }
    result: dict[str, Any] = api.data(RECORD, variables, token=shop.staff_token(USAGE_STAFF))
    return result


def _codes(result: dict[str, Any]) -> list[tuple[str | None, str]]:
    return [(error["field"], error["code"]) for error in result["errors"]]


def test_usage_reported_through_the_api_is_a_usage_line_on_the_next_renewal_invoice(api, shop):
    subscription = _starter(shop)
    set_clock(shop.installation, at(2026, 12, 1, 9))
    first = _record(api, shop, subscription, occurredAt="2026-11-20T10:00:00+01:00", key="case-1")
    assert first["errors"] == [] and first["created"] is True
    assert first["usageRecord"]["occurredAt"] == "2026-11-20T09:00:00+00:00"
    assert first["usageRecord"]["invoiceNumber"] is None
    mine = {"subscription": subscription_global_id(subscription.pk), "metric": "new_case"}
    records = [
        {**mine, "quantity": "2", "idempotencyKey": "case-2-3"},
        {**mine, "metric": "api_call", "quantity": "1", "idempotencyKey": "call-1"},
        {**mine, "quantity": "1", "idempotencyKey": "case-4", "occurredAt": "2026-12-01T08:00:00Z"},
    ]
    bulk = api.data(BULK, {"records": records}, token=shop.staff_token(USAGE_STAFF))
    assert bulk["errors"] == []
    assert [(r["created"], _codes(r)) for r in bulk["results"]] == [
        (True, []),
        (False, [("metric", "UNKNOWN_METRIC")]),  # refused alone: the others are stored
        (True, []),
    ]
    advance_clock(Installation.objects.get(pk=shop.installation.pk), at(2026, 12, 17), memory_ports())
    [invoice] = Invoice.objects.filter(subscription=subscription, billing_reason="renewal")
    lines = [(line.kind, line.quantity, line.amount) for line in invoice.lines.order_by("position")]
    assert lines == [("plan", Decimal(1), Decimal("15.00")), ("usage", Decimal(4), Decimal("20.00"))]
    again = _record(api, shop, subscription, occurredAt="2026-11-20T10:00:00+01:00", key="case-1")
    assert (again["created"], again["usageRecord"]["invoiceNumber"]) == (False, invoice.number)


def test_the_same_key_answers_the_same_record_and_other_figures_are_refused(api, shop):
    subscription = _starter(shop)
    first = _record(api, shop, subscription, quantity="2.5")
    same = _record(api, shop, subscription, quantity="2.500")
    assert (same["created"], same["usageRecord"]) == (False, first["usageRecord"])
    assert first["usageRecord"]["quantity"] == "2.5"
    other = _record(api, shop, subscription, quantity="3")
    assert (other["usageRecord"], _codes(other)) == (None, [("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")])
    moved = _record(api, shop, subscription, quantity="2.5", occurredAt="2026-11-16T08:00:00Z")
    assert _codes(moved) == [("idempotencyKey", "IDEMPOTENCY_KEY_REUSED")]
    assert UsageRecord.objects.count() == 1


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"metric": "api_call"}, ("metric", "UNKNOWN_METRIC")),
        ({"metric": "x" * 65}, ("metric", "INVALID")),
        ({"quantity": "0"}, ("quantity", "INVALID_QUANTITY")),
        ({"quantity": "-1"}, ("quantity", "INVALID_QUANTITY")),
        ({"quantity": "0.0000001"}, ("quantity", "INVALID_QUANTITY")),
        ({"quantity": "1000000000000"}, ("quantity", "INVALID_QUANTITY")),
        ({"key": "  "}, ("idempotencyKey", "INVALID")),
        ({"key": "k" * 201}, ("idempotencyKey", "INVALID")),
        ({"occurredAt": "2026-11-16T12:00:00Z"}, ("occurredAt", "IN_THE_FUTURE")),  # the clock is at 10:00
        ({"occurredAt": "2026-11-15T12:00:00Z"}, ("occurredAt", "PERIOD_CLOSED")),  # before the period
        ({"occurredAt": "2026-11-16T09:00:00"}, ("occurredAt", "INVALID")),  # no offset
        ({"subscription": subscription_global_id(999_999)}, ("subscription", "NOT_FOUND")),
        ({"subscription": "not an id"}, ("subscription", "NOT_FOUND")),
    ],
)
def test_each_bad_argument_is_refused_with_its_code_and_nothing_is_recorded(api, shop, given, expected):
    subscription = _starter(shop)
    set_clock(shop.installation, at(2026, 11, 16, 10))
    result = _record(api, shop, subscription, **given)
    assert (result["usageRecord"], _codes(result)) == (None, [expected])
    assert not UsageRecord.objects.exists()


def test_usage_of_a_closed_period_is_refused_once_the_next_period_has_begun(api, shop):
    subscription = _starter(shop)
    advance_clock(Installation.objects.get(pk=shop.installation.pk), at(2026, 12, 17), memory_ports())
    late = _record(api, shop, subscription, occurredAt="2026-12-15T12:00:00Z")
    assert _codes(late) == [("occurredAt", "PERIOD_CLOSED")]
    in_time = _record(api, shop, subscription, occurredAt="2026-12-16T12:00:00Z", key="case-2")
    assert in_time["errors"] == []


def test_an_ended_subscription_and_another_shops_subscription_take_no_usage(api, shop):
    ended = _starter(shop)
    lifecycle.cancel_subscription(ended, actor=Actor.STAFF, effect="immediately", credit=False)
    assert _codes(_record(api, shop, ended)) == [("subscription", "SUBSCRIPTION_ENDED")]
    other_shop = make_installation("https://other.example.com/graphql/", sandbox=True, clock=at(2026, 11, 16))
    theirs = signed_up(plan(other_shop, "15.00", usage_prices={"new_case": "5.00"}))
    assert _codes(_record(api, shop, theirs, key="case-2")) == [("subscription", "NOT_FOUND")]
    assert not UsageRecord.objects.exists()


def test_only_staff_with_manage_orders_may_report_usage(api, shop):
    subscription = _starter(shop)
    variables = {
        "subscription": subscription_global_id(subscription.pk),
        "metric": "new_case",
        "quantity": "1",
        "key": "case-1",
    }
    assert api.refused(RECORD, variables, token=shop.customer_token()) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(RECORD, variables, api_url=shop.fake.api_url) == (200, "AUTHENTICATION_REQUIRED")
    assert api.refused(RECORD, variables, token=shop.staff_token(("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert api.refused(BULK, {"records": []}, token=shop.staff_token(("MANAGE_PRODUCTS",))) == (
        200,
        "PERMISSION_DENIED",
    )
    assert not UsageRecord.objects.exists()


def test_a_bulk_report_of_more_than_100_records_is_refused_whole(api, shop):
    subscription = _starter(shop)
    record = {"subscription": subscription_global_id(subscription.pk), "metric": "new_case", "quantity": "1"}
    records = [{**record, "idempotencyKey": f"case-{n}"} for n in range(101)]
    result = api.data(BULK, {"records": records}, token=shop.staff_token(USAGE_STAFF))
    assert (result["results"], _codes(result)) == ([], [("records", "TOO_MANY_RECORDS")])
    assert not UsageRecord.objects.exists()
